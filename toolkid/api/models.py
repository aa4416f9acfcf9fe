"""Connected systems and their keys (docs/adr/0007 §6).

A connected system (an EPD, a case system) belongs to exactly one organisation and may act
with at most the roles and scopes set here; the person it acts for is named per call and the
policy still decides per person and action. A key is shown once; only its SHA-256 is kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    REQUESTS_READ = "verzoeken:lezen", _("Verzoeken lezen")
    REQUESTS_WRITE = "verzoeken:schrijven", _("Verzoeken indienen en behandelen")
    CONSENT_READ = "toestemmingen:lezen", _("Toestemmingsverklaringen lezen")
    DOCUMENTS_READ = "documenten:lezen", _("Documenten downloaden")
    TASKS_READ = "taken:lezen", _("Taken lezen")
    NOTIFICATIONS_READ = "meldingen:lezen", _("Meldingen lezen")
    FHIR_READ = "fhir:lezen", _("FHIR-weergave lezen")
    AUDIT_READ = "audit:lezen", _("Auditregels lezen")


class ConnectedSystem(models.Model):
    name = models.CharField(_("naam"), max_length=120)
    slug = models.SlugField(
        _("korte naam"), max_length=40, unique=True,
        help_text=_("Staat in het auditlog bij elke aanroep (bijvoorbeeld epd-mondriaan)."),
    )
    organisation = models.ForeignKey(
        "toolkid.Organisation", on_delete=models.PROTECT, related_name="connected_systems",
        verbose_name=_("organisatie"),
    )
    # The ceiling: a call acts with the named person's roles in this organisation that are
    # also listed here.
    roles = models.JSONField(_("rollen"), default=list)
    scopes = models.JSONField(_("bevoegdheden"), default=list)
    acts_for_people = models.BooleanField(
        _("het systeem logt medewerkers in met twee factoren"),
        default=False,
        help_text=_(
            "Alleen dan mag het systeem namens een medewerker handelen (header Toolkid-Gebruiker): "
            "de organisatie verklaart dat haar systeem medewerkers met twee factoren laat inloggen."
        ),
    )
    mfa_statement_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("verklaring vastgelegd door"),
    )
    mfa_statement_at = models.DateTimeField(_("verklaring vastgelegd op"), null=True, blank=True)
    reads_per_minute = models.PositiveIntegerField(_("leesaanroepen per minuut"), default=600)
    writes_per_minute = models.PositiveIntegerField(_("schrijfaanroepen per minuut"), default=60)
    is_active = models.BooleanField(_("actief"), default=True)
    created_at = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    class Meta:
        verbose_name = _("gekoppeld systeem")
        verbose_name_plural = _("gekoppelde systemen")
        ordering = ["organisation__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    @property
    def client(self) -> str:
        """The access point the audit trail records for this system's calls."""
        return f"api:{self.slug}"


class SystemKey(models.Model):
    system = models.ForeignKey(
        ConnectedSystem, on_delete=models.CASCADE, related_name="keys", verbose_name=_("systeem")
    )
    # The public part of the key ("tk_<prefix>.<secret>"), to find the row without a scan.
    prefix = models.CharField(_("kenmerk"), max_length=12, unique=True)
    secret_hash = models.CharField(max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+",
        verbose_name=_("uitgegeven door"),
    )
    created_at = models.DateTimeField(_("uitgegeven op"), default=timezone.now)
    expires_at = models.DateTimeField(_("geldig tot"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("laatst gebruikt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-sleutel")
        verbose_name_plural = _("API-sleutels")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"tk_{self.prefix}…"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        if self.revoked_at is not None and self.revoked_at <= now:
            return False
        return self.expires_at is None or self.expires_at > now
