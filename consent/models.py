"""Consent declarations (toestemmingsverklaringen): whose data, who consented, for what (L2, R24, R29)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from simple_history.models import HistoricalRecords

from consent.storage import document_upload_to, private_storage
from consent.validation import EXTENSIONS, KIND_LABELS
from consent.workflow import ConsentStatus, ConsentWorkflow
from toolkid.limits import MOTIVATION, NAME, SHORT_NOTE, text_limit

__all__ = ["ConsentDeclaration", "ConsentGiver", "ConsentStatus"]


class ConsentGiver(models.TextChoices):
    """Who gave consent on the parent's behalf (L2, art. 7:457/7:465 BW). For an incapacitated
    adult a representative consents, in this order of precedence."""

    PARENT = "ouder", _("De ouder zelf")
    CURATOR_MENTOR = "curator_mentor", _("Curator of mentor")
    WRITTEN_AUTHORISED = "schriftelijk_gemachtigde", _("Door de ouder schriftelijk gemachtigde")
    SPOUSE_PARTNER = "echtgenoot_partner", _("Echtgenoot, geregistreerd partner of levensgezel")
    FAMILY = "familie", _("Ouder, kind, broer of zus van de ouder")


class ConsentDeclaration(ConsentWorkflow, ConcurrentTransitionMixin, models.Model):
    """A signed consent of the parent (or their representative) to share information about the
    parent with one recipient organisation for one purpose (R24, R29).

    The state machine (valid → revoked) lives in ``consent/workflow.py``; writes go through
    ``consent/services.py``, reads through ``consent/selectors.py``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    parent = models.ForeignKey("requests.Parent", on_delete=models.PROTECT, related_name="consents")
    # The organisation that holds the declaration (the requester's side).
    organisation = models.ForeignKey(
        "toolkid.Organisation", on_delete=models.PROTECT, related_name="consent_declarations"
    )
    given_by = models.CharField(_("gegeven door"), max_length=30, choices=ConsentGiver.choices,
                                default=ConsentGiver.PARENT)
    representative_name = models.CharField(_("naam vertegenwoordiger"), max_length=NAME, blank=True)
    topics = models.JSONField(_("onderwerpen"), default=list,
                              # R14
                              help_text=_("Letters a–f van de onderwerpen waarvoor toestemming geldt."))
    recipient = models.ForeignKey(
        "toolkid.Organisation", on_delete=models.PROTECT, related_name="consents_received",
        verbose_name=_("ontvangende organisatie"),
    )
    purpose = models.TextField(_("doel"), **text_limit(MOTIVATION))
    given_on = models.DateField(_("datum gegeven"))
    valid_until = models.DateField(_("geldig tot"))
    document = models.FileField(_("ondertekende verklaring"), storage=private_storage,
                                upload_to=document_upload_to, blank=True)
    # Detected from the content (consent.validation), never the browser's claim.
    document_content_type = models.CharField(max_length=50, blank=True)
    document_size = models.PositiveIntegerField(null=True, blank=True)
    status = FSMField(default=ConsentStatus.VALID, choices=ConsentStatus.choices, protected=True)
    revoked_on = models.DateField(_("ingetrokken op"), null=True, blank=True)
    revocation_note = models.CharField(_("toelichting intrekking"), max_length=SHORT_NOTE, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["document"])

    class Meta:
        verbose_name = _("toestemmingsverklaring")
        verbose_name_plural = _("toestemmingsverklaringen")
        constraints = [
            models.CheckConstraint(condition=models.Q(valid_until__gte=models.F("given_on")),
                                   name="consent_valid_after_given"),
        ]

    def __str__(self) -> str:
        return f"{_('Toestemmingsverklaring')} {self.short_id}"

    @property
    def display_name(self) -> str:
        """How people name the declaration: by its parent and date, e.g. "Verklaring van Sanne de
        Vries, 3 maart 2026". ``__str__`` keeps the short id: it may end up in logs, a name must not."""
        return gettext("Verklaring van %(parent)s, %(date)s") % {
            "parent": self.parent.name,
            "date": formats.date_format(self.given_on, "j F Y"),
        }

    @property
    def is_revoked(self) -> bool:
        return self.status == ConsentStatus.REVOKED

    @property
    def short_id(self) -> str:
        return self.public_id.hex[:8]

    @property
    def document_kind(self) -> str:
        return KIND_LABELS.get(self.document_content_type, "")

    @property
    def download_filename(self) -> str:
        """The name a download gets: ours, never the uploader's original file name."""
        extension = EXTENSIONS.get(self.document_content_type, "bin")
        return f"toestemmingsverklaring-{self.short_id}.{extension}"
