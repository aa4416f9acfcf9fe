"""Follow-up after the answer: duties towards the parent (R27, R30, R31, R36, R37, R38), the joint
release of the path-C hold (R37), feedback (R38), secondary use (R28), filing as approved
information (R28), Veilig Thuis (R2) and deviations from the agreements (R5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from simple_history.models import HistoricalRecords

from requests.core.models import InformationRequest, RequestEvent
from requests.followup.workflow import (
    ReleaseStatus,
    ReleaseWorkflow,
    SecondaryUseStatus,
    SecondaryUseWorkflow,
)
from toolkid.limits import ANSWER, MOTIVATION, NOTE, REFERENCE, text_limit


class DutySide(models.TextChoices):
    PROVIDER = "zorgverlener", _("Zorgverlener")
    REQUESTER = "aanvrager", _("Aanvrager")


class DutyKind(models.TextChoices):
    """What the protocol asks of each side after the exchange, outside the system."""

    # R27: not on path C (R40); there the provider informs the parent only after R37.
    PARENT_FEEDBACK = "terugkoppeling_ouder", _("Terugkoppeling aan de ouder bij het volgende contact")  # R27
    # R30 (path B): the requester tells the parent that there was contact with the provider.
    TELL_PARENT_CONTACT = "ouder_vertellen_contact", _(
        "De ouder bij het volgende cliëntcontact vertellen dat er contact was met de zorgverlener"
    )  # R30
    # R31, R36: the provider records the contact and what was (not) provided, with motivation.
    PROVIDER_RECORD = "vastleggen_zorgverlener", _(
        "Het contact en wat is verstrekt vastleggen in het ouderdossier"
    )  # R31, R36
    # R36: the requester records the contact and what was provided in its own file.
    REQUESTER_RECORD = "vastleggen_aanvrager", _(
        "Het contact en wat is verstrekt vastleggen in het eigen dossier"
    )  # R36
    # R38 (path C, required before closing): what was done with the information, what follows.
    REQUESTER_FEEDBACK = "terugkoppeling_zorgverlener", _(
        "Terugkoppeling aan de zorgverlener: wat is er met de informatie gedaan en wat volgt er"
    )  # R38
    # R37: only after the joint release of the path-C hold.
    INFORM_PARENT = "ouder_informeren", _("Ouder informeren over het contact")  # R37
    # After a confirmed refusal nothing was provided: R31, R36, R39 record the contact and the
    # decision not to provide, with its motivation; R2, R8 the requester decides what now.
    PROVIDER_RECORD_REFUSAL = "vastleggen_weigering_zorgverlener", _(
        "Het contact en het besluit om niet te verstrekken, met de motivering, vastleggen in het ouderdossier"
    )
    REQUESTER_RECORD_REFUSAL = "vastleggen_weigering_aanvrager", _(
        "Vastleggen in het eigen dossier dat de informatie niet is verstrekt, en waarom"
    )
    REFUSAL_FOLLOW_UP = "vervolg_na_weigering", _(
        "Besluiten over het vervolg na de weigering (bijvoorbeeld Veilig Thuis inschakelen)"
    )


#: Whose task each duty is.
DUTY_SIDES: dict[str, str] = {
    DutyKind.PARENT_FEEDBACK: DutySide.PROVIDER,
    DutyKind.TELL_PARENT_CONTACT: DutySide.REQUESTER,
    DutyKind.PROVIDER_RECORD: DutySide.PROVIDER,
    DutyKind.REQUESTER_RECORD: DutySide.REQUESTER,
    DutyKind.REQUESTER_FEEDBACK: DutySide.REQUESTER,
    DutyKind.INFORM_PARENT: DutySide.PROVIDER,
    DutyKind.PROVIDER_RECORD_REFUSAL: DutySide.PROVIDER,
    DutyKind.REQUESTER_RECORD_REFUSAL: DutySide.REQUESTER,
    DutyKind.REFUSAL_FOLLOW_UP: DutySide.REQUESTER,
}
#: Duties that prompt contact with the parent: never while the path-C hold holds (R35, R40).
PARENT_FACING_DUTIES: frozenset[str] = frozenset(
    {DutyKind.PARENT_FEEDBACK, DutyKind.TELL_PARENT_CONTACT, DutyKind.INFORM_PARENT}
)
#: Duties that record the contact in a file: on path C with the note of R36.
RECORD_DUTIES: frozenset[str] = frozenset({
    DutyKind.PROVIDER_RECORD, DutyKind.REQUESTER_RECORD,
    DutyKind.PROVIDER_RECORD_REFUSAL, DutyKind.REQUESTER_RECORD_REFUSAL,
})


class DutyStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "gedaan", _("Gedaan")
    # R5: departing from the agreements, with a recorded motivation (a Deviation row).
    SKIPPED = "overgeslagen", _("Overgeslagen, met motivering")


class Duty(models.Model):
    """A task the protocol gives one side after the exchange (R27, R30, R31, R36, R37, R38),
    recorded when done: by whom, when it happened, and (path C) with the note of R36.

    One per kind per request. Opened by the step that brings it (``opened_by_event``)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="duties")
    kind = models.CharField(_("taak"), max_length=40, choices=DutyKind.choices)
    side = models.CharField(max_length=20, choices=DutySide.choices)
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 null=True, blank=True, verbose_name=_("voor"))
    status = models.CharField(max_length=20, choices=DutyStatus.choices, default=DutyStatus.OPEN)
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by_event = models.ForeignKey(RequestEvent, on_delete=models.SET_NULL, related_name="+",
                                        null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                null=True, blank=True)
    # The day it happened outside the system (the contact with the parent, the file entry).
    done_on = models.DateField(_("datum"), null=True, blank=True)
    # The note of a done duty, or the motivation of a skipped one (R5): the larger limit.
    note = models.TextField(_("toelichting"), blank=True, **text_limit(MOTIVATION))
    # R36: recorded in the file with the note "nog niet besproken met de ouder".
    not_discussed_with_parent = models.BooleanField(default=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["opened_at", "pk"]
        verbose_name = _("taak")
        verbose_name_plural = _("taken")
        constraints = [
            models.UniqueConstraint(fields=["request", "kind"], name="one_duty_per_kind_per_request"),
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class HoldRelease(ReleaseWorkflow, ConcurrentTransitionMixin, models.Model):
    """R37, R40: the path-C hold is released only jointly. One side proposes, with a reason;
    the *other* side agrees (or not). Both are recorded here and on the timeline."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="hold_releases")
    status = FSMField(default=ReleaseStatus.PROPOSED, choices=ReleaseStatus.choices, protected=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_by_organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT,
                                                 related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(_("waarom dit geen risico's meer geeft"), **text_limit(MOTIVATION))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True)
    responded_by_organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT,
                                                  related_name="+", null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # The note of an agreement, or the reason of a refusal: the larger limit.
    response_note = models.TextField(_("toelichting reactie"), blank=True, **text_limit(MOTIVATION))

    history = HistoricalRecords()

    class Meta:
        ordering = ["proposed_at", "pk"]
        verbose_name = _("voorstel opheffen afscherming")
        verbose_name_plural = _("voorstellen opheffen afscherming")
        constraints = [
            models.UniqueConstraint(
                fields=["request"], condition=models.Q(status="voorgesteld"),
                name="one_open_release_proposal_per_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request} — {self.get_status_display()}"


class Feedback(models.Model):
    """R38: the requester reports back what was done with the information and what follows."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="feedback")
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    given_at = models.DateTimeField(auto_now_add=True)
    what_was_done = models.TextField(_("wat is er met de informatie gedaan"), **text_limit(MOTIVATION))
    what_follows = models.TextField(_("wat volgt er"), **text_limit(MOTIVATION))

    class Meta:
        ordering = ["given_at", "pk"]
        verbose_name = _("terugkoppeling aan de zorgverlener")
        verbose_name_plural = _("terugkoppelingen aan de zorgverlener")

    def __str__(self) -> str:
        return f"{self.request} — {self.given_at:%Y-%m-%d}"


class SecondaryPurpose(models.TextChoices):
    JUVENILE_COURT = "kinderrechter", _("Verzoek aan de kinderrechter")
    RVDK = "raad", _("Rapportage aan de Raad voor de Kinderbescherming")
    OTHER = "anders", _("Een ander doel")


class SecondaryUse(SecondaryUseWorkflow, ConcurrentTransitionMixin, models.Model):
    """R28: the requester wants to use the provided information for another purpose. It is put
    before the clinician first; it can be marked sent only after the clinician's reply."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="secondary_uses")
    status = FSMField(default=SecondaryUseStatus.SUBMITTED, choices=SecondaryUseStatus.choices,
                      protected=True)
    purpose = models.CharField(_("doel"), max_length=20, choices=SecondaryPurpose.choices)
    description = models.TextField(_("beoogd gebruik"), **text_limit(MOTIVATION))
    text = models.TextField(_("de tekst die u wilt versturen"), blank=True, **text_limit(ANSWER))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_comments = models.TextField(
        _("opmerkingen van de zorgverlener"), blank=True, **text_limit(MOTIVATION)
    )
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(_("verstuurd op"), null=True, blank=True)
    # R5, R8: sending despite the clinician's objection needs a recorded motivation.
    sent_motivation = models.TextField(_("motivering"), blank=True, **text_limit(MOTIVATION))

    history = HistoricalRecords()

    class Meta:
        ordering = ["submitted_at", "pk"]
        verbose_name = _("gebruik voor een ander doel")
        verbose_name_plural = _("gebruik voor een ander doel")

    def __str__(self) -> str:
        return f"{self.request} — {self.get_purpose_display()} ({self.get_status_display()})"


class ApprovedFiling(models.Model):
    """R28: the clinician marks the provided text as approved information for the file."""

    request = models.OneToOneField(InformationRequest, on_delete=models.CASCADE,
                                   related_name="approved_filing")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(_("toelichting"), blank=True, **text_limit(NOTE))

    class Meta:
        verbose_name = _("goedgekeurde informatie")
        verbose_name_plural = _("goedgekeurde informatie")

    def __str__(self) -> str:
        return str(self.request)


class VeiligThuisEngagement(models.Model):
    """R2: the provider could not provide and there are concerns about the child's safety; the
    requester records that Veilig Thuis was engaged, and when."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE,
                                related_name="veilig_thuis_engagements")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    engaged_on = models.DateField(_("ingeschakeld op"))
    safety_concerns = models.BooleanField(_("er zijn zorgen over de veiligheid van het kind"), default=False)
    reference = models.CharField(_("kenmerk bij Veilig Thuis"), max_length=REFERENCE, blank=True)
    note = models.TextField(_("toelichting"), blank=True, **text_limit(NOTE))

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("inschakeling Veilig Thuis")
        verbose_name_plural = _("inschakelingen Veilig Thuis")

    def __str__(self) -> str:
        return f"{self.request} — {self.engaged_on:%Y-%m-%d}"
