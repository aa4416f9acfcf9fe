"""Webhook endpoints and their deliveries (an outbox). Re-exported from ``toolkid/models.py``:
the app label stays ``toolkid``, the migrations live in ``toolkid/migrations``."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from toolkid.limits import QUESTION, text_limit

#: The longest body a delivery holds (toolkid.limits: every text field has a limit).
BODY_LIMIT = QUESTION


class WebhookEndpoint(models.Model):
    """Where an organisation wants to hear about events: one URL, the event types it chose and
    the secret its deliveries are signed with."""

    organisation = models.ForeignKey(
        "toolkid.Organisation", on_delete=models.CASCADE, related_name="webhook_endpoints",
        verbose_name=_("organisatie"),
    )
    description = models.CharField(_("omschrijving"), max_length=200, blank=True)
    url = models.URLField(_("adres (URL)"), max_length=500)
    #: CloudEvents types (``toolkid.webhooks.events`` registry). Filtered in Python, not with a
    #: JSON ``contains`` lookup: SQLite has none, and an organisation has a handful of endpoints.
    event_types = models.JSONField(_("gebeurtenissen"), default=list)
    # Standard Webhooks secret ("whsec_" + base64 of 32 random bytes). Stored readable because
    # every delivery is signed with it; shown once, when it is made, and never listed again.
    secret = models.CharField(max_length=100, editable=False)
    # During a rotation the old secret signs too (both signatures in one header), until then.
    previous_secret = models.CharField(max_length=100, blank=True, editable=False)
    previous_secret_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("actief"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("aangemaakt door"),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        ordering = ["organisation", "pk"]
        verbose_name = _("webhook-adres")
        verbose_name_plural = _("webhook-adressen")
        indexes = [models.Index(fields=["organisation", "is_active"], name="webhook_endpoint_org_idx")]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.url}"

    def signing_secrets(self, now=None) -> list[str]:
        """The secrets that sign a delivery now: the current one, and the previous one while
        its overlap lasts."""
        now = now or timezone.now()
        secrets = [self.secret]
        if self.previous_secret and self.previous_secret_expires_at and now < self.previous_secret_expires_at:
            secrets.append(self.previous_secret)
        return secrets


class DeliveryStatus(models.TextChoices):
    # Written with the step that caused it; waits for the next delivery run.
    PENDING = "wacht", _("Wacht op verzending")
    # Claimed by one run (committed before the POST). A run that dies here leaves the row
    # claimed; another run takes it again after TOOLKID_WEBHOOK_CLAIM_TIMEOUT.
    SENDING = "wordt_verzonden", _("Wordt verzonden")
    DELIVERED = "afgeleverd", _("Afgeleverd")
    # The last attempt failed; the next one is due at next_attempt_at (capped backoff).
    RETRYING = "mislukt_opnieuw", _("Mislukt, wordt opnieuw geprobeerd")
    # Failed TOOLKID_WEBHOOK_MAX_ATTEMPTS times (or the endpoint was switched off): only a
    # manual "opnieuw versturen" sends it again.
    GAVE_UP = "opgegeven", _("Opgegeven")


class WebhookDelivery(models.Model):
    """One event for one endpoint. The body is serialised once, when the event happens, and
    sent byte for byte on every attempt: the CloudEvents ``id`` (``event_id``) is the same on
    every retry and re-send, so a receiver can drop duplicates (delivery is at least once)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook-adres")
    )
    event_type = models.CharField(_("gebeurtenis"), max_length=100)
    # What caused it, e.g. "request_event:42": one delivery per cause and endpoint, so a cause
    # processed twice is delivered once.
    source_key = models.CharField(max_length=100)
    event_id = models.UUIDField(_("CloudEvents-id"), default=uuid.uuid4, unique=True, editable=False)
    # Ids and a link: some 400 characters; emit() refuses a body longer than the limit.
    body = models.TextField(editable=False, **text_limit(BODY_LIMIT))
    status = models.CharField(
        _("status"), max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("pogingen"), default=0)
    next_attempt_at = models.DateTimeField(_("volgende poging"), default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(_("laatste HTTP-status"), null=True, blank=True)
    # The class of the last error only (ConnectTimeout, UnsafeUrl …): never a response body.
    last_error = models.CharField(_("laatste fout"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)
    delivered_at = models.DateTimeField(_("afgeleverd op"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook-aflevering")
        verbose_name_plural = _("webhook-afleveringen")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "source_key"], name="one_delivery_per_source"),
        ]
        indexes = [
            # The delivery run's claim: due rows by status and time.
            models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.get_status_display()})"
