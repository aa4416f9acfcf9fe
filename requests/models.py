"""Information requests (informatieverzoeken) about a parent, from youth care to adult care.

The states and the moves between them live in ``requests/workflow.py``; writes go through
``requests/services.py``; reads that cross a permission line through ``requests/selectors.py``.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from requests.workflow import RequestStatus, RequestWorkflow


class Topic(models.TextChoices):
    """The six topics of R14."""

    A = "a", _(
        "a. Gevolgen van het ziektebeeld voor de sensitiviteit en emotionele beschikbaarheid voor het kind"
    )
    B = "b", _("b. Beschrijvende diagnose: klachten, belemmeringen, gedrag en mogelijkheden/gezonde kant")
    C = "c", _("c. Het verloop van de behandeling")
    D = "d", _("d. Het ziektebesef en -inzicht van de ouder")
    E = "e", _("e. De positieve aspecten van het leven van de ouder (eigen netwerk, etc.)")
    F = "f", _("f. Hoe de ouder omgaat met stress")


class RepresentativeKind(models.TextChoices):
    """Who represents an incapacitated parent (L2), in the law's order of precedence."""

    CURATOR_MENTOR = "curator_mentor", _("Curator of mentor")
    WRITTEN_AUTHORISED = "schriftelijk_gemachtigde", _("Door de ouder schriftelijk gemachtigde")
    SPOUSE_PARTNER = "echtgenoot_partner", _("Echtgenoot, geregistreerd partner of levensgezel")
    FAMILY = "familie", _("Ouder, kind, broer of zus van de ouder")


class LegalFramework(models.TextChoices):
    """The ground for the exchange (L3); suggested from the requesting organisation's kind."""

    VOLUNTARY = "vrijwillig", _("Vrijwillig kader (op basis van toestemming)")
    OTS = "ots", _("Ondertoezichtstelling: GI als gezinsvoogd (Jeugdwet art. 7.3.11 lid 4)")
    RVDK = "rvdk", _("Onderzoek Raad voor de Kinderbescherming (art. 1:240 BW)")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis (art. 5.2.6 Wmo 2015)")
    CONFLICT_OF_DUTIES = "conflict_van_plichten", _("Conflict van plichten")


class Severity(models.TextChoices):
    """R23: the reason must rest on (a reasonable suspicion of) abuse/violence, or doubt
    about the child's wellbeing."""

    ABUSE_SUSPICION = "vermoeden_kindermishandeling", _(
        "(Redelijk vermoeden van) kindermishandeling / huiselijk geweld"
    )
    WELLBEING_DOUBT = "twijfel_welzijn", _("Twijfel over het welzijn van het kind")


class ConsentPath(models.TextChoices):
    """R24: was consent asked, and given?"""

    A = "A", _("Toestemming gegeven")
    B = "B", _("Toestemming geweigerd")
    C = "C", _("Geen toestemming gevraagd")


class Decision(models.TextChoices):
    PROVIDE = "verstrekken", _("Informatie verstrekken")
    NOT_PROVIDE = "niet_verstrekken", _("Informatie niet verstrekken")


class ParentConsultationOutcome(models.TextChoices):
    """R31: the provider consults the parent on path B."""

    AGREES = "akkoord", _("Ouder is akkoord met verstrekken (R31a)")
    DISAGREES = "niet_akkoord", _("Ouder is niet akkoord met verstrekken")


class Parent(models.Model):
    """The adult client (ouder) the request is about. Owned by the requesting organisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("naam"), max_length=200)
    date_of_birth = models.DateField(_("geboortedatum"))
    bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    is_incapacitated = models.BooleanField(_("ouder is wilsonbekwaam"), default=False)
    representative_name = models.CharField(_("naam vertegenwoordiger"), max_length=200, blank=True)
    representative_kind = models.CharField(
        _("soort vertegenwoordiger"), max_length=30, choices=RepresentativeKind.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ouder")
        verbose_name_plural = _("ouders")

    def __str__(self) -> str:
        return self.initials_and_year

    @property
    def audit_ref(self) -> str:
        return f"ouder:{self.public_id}"

    @property
    def initials_and_year(self) -> str:
        """What lists show (UI.md): initials and birth year only."""
        initials = "".join(f"{part[0].upper()}." for part in self.name.split() if part[:1].isalpha())
        return f"{initials} ({self.date_of_birth.year})"


class InformationRequest(RequestWorkflow, ConcurrentTransitionMixin, models.Model):
    """An informatieverzoek: youth care asks adult care about a parent (R22–R24)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("kenmerk"), max_length=20, unique=True, null=True, blank=True)
    status = FSMField(_("status"), default=RequestStatus.DRAFT, choices=RequestStatus.choices,
                      protected=True)
    # Which filing step the draft was left at (the guided form resumes there).
    draft_step = models.CharField(max_length=30, blank=True)
    # The filing form's idempotency token: a double submit finds the same request (one record).
    submit_token = models.UUIDField(null=True, blank=True, unique=True)

    requesting_organisation = models.ForeignKey(
        "toolkid.Organisation", on_delete=models.PROTECT, related_name="outgoing_requests"
    )
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    receiving_organisation = models.ForeignKey(
        "toolkid.Organisation", on_delete=models.PROTECT, related_name="incoming_requests",
        null=True, blank=True, verbose_name=_("ontvangende organisatie"),
    )
    intended_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True,
        verbose_name=_("beoogde zorgverlener"),
    )
    assigned_clinician = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assigned_requests",
        null=True, blank=True, verbose_name=_("behandelend zorgverlener"),
    )

    # R6, R22: talking comes before writing.
    phone_contact_date = models.DateField(_("datum telefonisch contact"), null=True, blank=True)
    phone_contact_with = models.CharField(_("telefonisch contact met"), max_length=200, blank=True)

    parent = models.ForeignKey(
        Parent, on_delete=models.PROTECT, related_name="requests", null=True, blank=True
    )

    # L3: the ground, suggested and (when changed) why.
    legal_framework = models.CharField(_("kader"), max_length=30, choices=LegalFramework.choices, blank=True)
    suggested_framework = models.CharField(max_length=30, choices=LegalFramework.choices, blank=True)
    framework_change_reason = models.TextField(_("reden afwijkend kader"), blank=True)
    has_ots = models.BooleanField(_("er is een ondertoezichtstelling"), default=False)

    # R23
    severity = models.CharField(_("ernst"), max_length=40, choices=Severity.choices, blank=True)
    reason = models.TextField(_("reden van het verzoek"), blank=True)

    # R10, R19: the requester confirms no question asks for a judgement on fitness to parent.
    no_parenting_judgement_confirmed = models.BooleanField(default=False)

    # R24: the consent path and what each path requires.
    consent_path = models.CharField(_("toestemming"), max_length=1, choices=ConsentPath.choices, blank=True)
    consent_declaration = models.ForeignKey(
        "consent.ConsentDeclaration", on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    # Path B (R30): the four explanations, why consultation is still necessary, the commitment.
    b_risk_of_serious_harm = models.TextField(_("kans op ernstige schade zonder de informatie"), blank=True)
    b_only_source = models.TextField(_("de zorgverlener is de enige die de informatie kan geven"), blank=True)
    b_prevents_harm = models.TextField(
        _("met de informatie kan schade aan het kind worden voorkomen"), blank=True
    )
    b_specific_information = models.TextField(_("er wordt heel specifieke informatie gevraagd"), blank=True)
    b_why_still_necessary = models.TextField(_("waarom overleg toch noodzakelijk is"), blank=True)
    b_will_inform_parent = models.BooleanField(default=False)
    # Path C (R32, R33)
    c_why_not_asked = models.TextField(_("waarom geen toestemming is gevraagd"), blank=True)
    c_why_necessary = models.TextField(_("waarom overleg zonder toestemming noodzakelijk is"), blank=True)

    # The clock (R26, L1).
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("uiterste datum"), null=True, blank=True, db_index=True)
    due_explanation = models.JSONField(default=dict, blank=True)

    # Provider side
    parent_consultation_date = models.DateField(_("datum overleg met ouder"), null=True, blank=True)
    parent_consultation_outcome = models.CharField(
        max_length=20, choices=ParentConsultationOutcome.choices, blank=True
    )
    parent_consultation_note = models.TextField(_("toelichting overleg met ouder"), blank=True)
    internal_consultation_with = models.CharField(_("intern overleg met"), max_length=200, blank=True)
    internal_consultation_date = models.DateField(_("datum intern overleg"), null=True, blank=True)
    internal_consultation_conclusion = models.TextField(_("conclusie intern overleg"), blank=True)
    # R34 (path C): the weighing of weighty circumstances.
    weighing = models.TextField(_("afweging zwaarwegende omstandigheden"), blank=True)
    decision = models.CharField(_("besluit"), max_length=20, choices=Decision.choices, blank=True)
    decision_motivation = models.TextField(_("motivering besluit"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                             related_name="+", null=True, blank=True)
    refusal_confirmed_at = models.DateTimeField(null=True, blank=True)
    refusal_confirmation_note = models.TextField(blank=True)

    # The answer's checklist (R19–R21, R25, R31/R36), confirmed by the clinician before sending.
    confirmed_factual = models.BooleanField(default=False)
    confirmed_no_parenting_judgement = models.BooleanField(default=False)
    confirmed_weighed_criteria = models.BooleanField(default=False)
    confirmed_recorded_in_file = models.BooleanField(default=False)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                        related_name="+", null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    # R7: what the provider suggests can be asked instead (the latest return).
    reformulation_suggestion = models.TextField(_("suggestie voor herformulering"), blank=True)
    # R4, L3 i: under an OTS a refusal must say why the information is not needed for the OTS.
    ots_not_needed_motivation = models.TextField(
        _("waarom de informatie niet nodig is voor de uitvoering van de OTS"), blank=True
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "submit_token"])

    class Meta:
        verbose_name = _("informatieverzoek")
        verbose_name_plural = _("informatieverzoeken")
        # Per-object permissions (django-guardian, direct-FK tables below): the assigned
        # clinician holds handle_request; a legal advisor asked for advice (R31, R8) holds
        # advise_request through the receiving organisation's juridisch_adviseur group.
        permissions = [
            ("handle_request", _("Verzoek behandelen")),
            ("advise_request", _("Juridisch advies geven")),
        ]
        indexes = [
            models.Index(fields=["requesting_organisation", "status"]),
            models.Index(fields=["receiving_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"{_('Concept')} {self.public_id.hex[:8]}"

    @property
    def audit_ref(self) -> str:
        return self.parent.audit_ref if self.parent_id else ""


class RequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(InformationRequest, on_delete=models.CASCADE)


class RequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(InformationRequest, on_delete=models.CASCADE)


class Child(models.Model):
    """A child the request is about: name or initials and date of birth (age shown)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="children")
    name_or_initials = models.CharField(_("naam of initialen"), max_length=200)
    date_of_birth = models.DateField(_("geboortedatum"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["date_of_birth", "pk"]
        verbose_name = _("kind")
        verbose_name_plural = _("kinderen")

    def __str__(self) -> str:
        # No name or date of birth: the request's reference and the row.
        return f"{self.request} — {_('kind')} {self.pk}"


class RequestedTopic(models.Model):
    """One of the topics a–f asked about, with the specific question(s) (R14)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(_("onderwerp"), max_length=1, choices=Topic.choices)
    question = models.TextField(_("vraag"))
    # The answer per topic (R15–R18).
    own_observations = models.TextField(_("eigen waarneming"), blank=True)
    others_observations = models.TextField(_("waarneming van anderen"), blank=True)
    others_sources = models.TextField(_("bron van de waarneming van anderen"), blank=True)
    strengthening_facts = models.TextField(_("feiten die de zorg versterken"), blank=True)
    weakening_facts = models.TextField(_("feiten die de zorg ontkrachten"), blank=True)
    explanation = models.TextField(_("toelichting vanuit deskundigheid"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["topic"]
        verbose_name = _("gevraagd onderwerp")
        verbose_name_plural = _("gevraagde onderwerpen")
        constraints = [
            models.UniqueConstraint(fields=["request", "topic"], name="one_question_set_per_topic"),
        ]

    def __str__(self) -> str:
        return f"{self.request} — {self.topic}"


class RequestEvent(models.Model):
    """Append-only record of every transition and recorded step: who, when, from, to, why.

    The request's timeline reads from here; the tamper-evident audit trail is ``audit``.
    """

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, null=True,
                                     related_name="+")
    kind = models.CharField(max_length=50)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    motivation = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} — {self.kind}"


class LegalAdviceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    GIVEN = "gegeven", _("Advies gegeven")


class LegalAdviceOrigin(models.TextChoices):
    # R31: the clinician in doubt consults a legal advisor / care director.
    CLINICIAN_DOUBT = "twijfel", _("Twijfel bij de zorgverlener")
    # The requester contests a refusal.
    CONTESTED_REFUSAL = "bezwaar", _("Bezwaar van de aanvrager tegen weigering")
    # The requester contests an extension of the answer term (R26; issue 5).
    CONTESTED_EXTENSION = "bezwaar_verlenging", _("Bezwaar van de aanvrager tegen verlenging van de termijn")


class LegalAdvice(models.Model):
    """A referral to a legal advisor. The advisor advises; the decision stays with the
    clinician (R8)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="legal_advice")
    origin = models.CharField(max_length=20, choices=LegalAdviceOrigin.choices)
    question = models.TextField(_("vraag aan de juridisch adviseur"))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=LegalAdviceStatus.choices, default=LegalAdviceStatus.OPEN
    )
    advice = models.TextField(_("advies"), blank=True)
    advised_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return f"{self.request} — {self.get_origin_display()} ({self.get_status_display()})"


# --------------------------------------------------------------------------------------------
# The clock and its notices (issue 5): ``requests/clock.py`` writes these rows,
# ``requests/services_deadlines.py`` holds the services and the sweep.
# --------------------------------------------------------------------------------------------


class ClockEventKind(models.TextChoices):
    # R22, R26: the request was sent; five working days from today.
    STARTED = "gestart", _("Termijn gestart")
    # R7: back with the requester for reformulation; the clock stands still.
    PAUSED = "gepauzeerd", _("Termijn stilgezet")
    # R7, R26: resubmitted; five working days from the resubmission.
    RESUMED = "hervat", _("Termijn opnieuw gestart")
    # The clinician needs more time, with a reason; the requester sees it and may contest it.
    EXTENDED = "verlengd", _("Termijn verlengd")


class DueDateChange(models.Model):
    """Append-only history of a request's clock: every start, pause, restart and extension,
    with how the due date that followed was computed (ARCHITECTURE "Time")."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="due_date_changes")
    kind = models.CharField(max_length=20, choices=ClockEventKind.choices)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, null=True,
                                     related_name="+")
    previous_due_date = models.DateField(null=True, blank=True)
    # The due date from this moment on; empty while the clock stands still.
    due_date = models.DateField(null=True, blank=True)
    # Started/resumed: the day the counting started (not counted itself).
    start_date = models.DateField(null=True, blank=True)
    # Started/resumed: the term; paused: the working days that were left; extended: the
    # working days added.
    working_days = models.SmallIntegerField(null=True, blank=True)
    # Started/resumed: ``workdays.DueDateExplanation.to_dict()``.
    explanation = models.JSONField(default=dict, blank=True)
    # Extended: why (the requester reads it).
    reason = models.TextField(_("reden"), blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]
        verbose_name = _("termijnwijziging")
        verbose_name_plural = _("termijnwijzigingen")

    def __str__(self) -> str:
        return f"{self.request} — {self.get_kind_display()}"


class DeadlineNoticeKind(models.TextChoices):
    # To the handling clinician (or the intake): two working days before the due date ...
    REMINDER = "herinnering", _("Herinnering twee werkdagen voor de uiterste datum")
    # ... and on the due date.
    DUE = "uiterste_datum", _("Herinnering op de uiterste datum")
    # The first working day after the due date: the teamleider, and the requester (R2).
    OVERDUE = "verstreken", _("Termijn verstreken")
    # Three working days after the due date: the beheerder.
    ESCALATION = "escalatie", _("Tweede escalatie")


class DeadlineNoticeStatus(models.TextChoices):
    PLANNED = "gepland", _("Gepland")
    SENT = "verstuurd", _("Verstuurd")
    # The clock stopped, paused or moved before the moment came.
    CANCELLED = "vervallen", _("Vervallen")
    # A sweep caught up late and a later notice to the same people was due as well.
    SUPERSEDED = "overgeslagen", _("Overgeslagen")


class DeadlineNotice(models.Model):
    """One moment of the clock as a row: planned when the clock (re)starts, claimed by the sweep
    with ``select_for_update(skip_locked=True)`` once ``send_at`` has passed. The unique key
    (request, kind, due_date) makes every notice happen once, however often or however many
    sweeps run."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="deadline_notices")
    kind = models.CharField(max_length=20, choices=DeadlineNoticeKind.choices)
    due_date = models.DateField()
    send_on = models.DateField()
    send_at = models.DateTimeField()
    status = models.CharField(max_length=20, choices=DeadlineNoticeStatus.choices,
                              default=DeadlineNoticeStatus.PLANNED)
    created_at = models.DateTimeField(default=timezone.now)
    processed_at = models.DateTimeField(null=True, blank=True)
    recipients = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["send_at", "pk"]
        verbose_name = _("termijnmelding")
        verbose_name_plural = _("termijnmeldingen")
        constraints = [
            models.UniqueConstraint(
                fields=["request", "kind", "due_date"], name="one_notice_per_kind_and_due_date"
            ),
        ]
        indexes = [models.Index(fields=["status", "send_at"])]

    def __str__(self) -> str:
        return f"{self.request} — {self.get_kind_display()} ({self.due_date:%Y-%m-%d})"


# ============================================================================================
# Follow-up after the answer (issue 4): duties towards the parent, the path-C hold, feedback,
# secondary use, filing as approved information, Veilig Thuis, the reverse direction (R3),
# deviations (R5) and the Kindcheck (L4).
#
# Writes: ``requests/services_followup.py``; reads: ``requests/selectors_followup.py``; the
# state machines of the release, the secondary use and the reverse question: the follow-up
# section of ``requests/workflow.py``.
# ============================================================================================

from django.utils.text import format_lazy  # noqa: E402 - kept with the section that uses it

from requests.workflow import (  # noqa: E402
    ReleaseStatus,
    ReleaseWorkflow,
    ReverseStatus,
    ReverseWorkflow,
    SecondaryUseStatus,
    SecondaryUseWorkflow,
)


class DutySide(models.TextChoices):
    PROVIDER = "zorgverlener", _("Zorgverlener")
    REQUESTER = "aanvrager", _("Aanvrager")


class DutyKind(models.TextChoices):
    """What the protocol asks of each side after the exchange, outside the system."""

    # R27: not on path C (R40); there the provider informs the parent only after R37.
    PARENT_FEEDBACK = "terugkoppeling_ouder", _("Terugkoppeling aan de ouder bij het volgende contact (R27)")
    # R30 (path B): the requester tells the parent that there was contact with the provider.
    TELL_PARENT_CONTACT = "ouder_vertellen_contact", _(
        "De ouder bij het volgende cliëntcontact vertellen dat er contact was met de zorgverlener (R30)"
    )
    # R31, R36: the provider records the contact and what was (not) provided, with motivation.
    PROVIDER_RECORD = "vastleggen_zorgverlener", _(
        "Het contact en wat is verstrekt vastleggen in het ouderdossier (R31, R36)"
    )
    # R36: the requester records the contact and what was provided in its own file.
    REQUESTER_RECORD = "vastleggen_aanvrager", _(
        "Het contact en wat is verstrekt vastleggen in het eigen dossier (R36)"
    )
    # R38 (path C, required before closing): what was done with the information, what follows.
    REQUESTER_FEEDBACK = "terugkoppeling_zorgverlener", _(
        "Terugkoppeling aan de zorgverlener: wat is er met de informatie gedaan en wat volgt er (R38)"
    )
    # R37: only after the joint release of the path-C hold.
    INFORM_PARENT = "ouder_informeren", _("Ouder informeren over het contact (R37)")


#: Whose task each duty is.
DUTY_SIDES: dict[str, str] = {
    DutyKind.PARENT_FEEDBACK: DutySide.PROVIDER,
    DutyKind.TELL_PARENT_CONTACT: DutySide.REQUESTER,
    DutyKind.PROVIDER_RECORD: DutySide.PROVIDER,
    DutyKind.REQUESTER_RECORD: DutySide.REQUESTER,
    DutyKind.REQUESTER_FEEDBACK: DutySide.REQUESTER,
    DutyKind.INFORM_PARENT: DutySide.PROVIDER,
}
#: Duties that prompt contact with the parent: never while the path-C hold holds (R35, R40).
PARENT_FACING_DUTIES: frozenset[str] = frozenset(
    {DutyKind.PARENT_FEEDBACK, DutyKind.TELL_PARENT_CONTACT, DutyKind.INFORM_PARENT}
)
#: Duties that record the contact in a file: on path C with the note of R36.
RECORD_DUTIES: frozenset[str] = frozenset({DutyKind.PROVIDER_RECORD, DutyKind.REQUESTER_RECORD})


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
    note = models.TextField(_("toelichting"), blank=True)
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
    reason = models.TextField(_("waarom dit geen risico's meer geeft"))
    responded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     null=True, blank=True)
    responded_by_organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT,
                                                  related_name="+", null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    response_note = models.TextField(_("toelichting reactie"), blank=True)

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
    what_was_done = models.TextField(_("wat is er met de informatie gedaan"))
    what_follows = models.TextField(_("wat volgt er"))

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
    description = models.TextField(_("beoogd gebruik"))
    text = models.TextField(_("de tekst die u wilt versturen"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    reply_comments = models.TextField(_("opmerkingen van de zorgverlener"), blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_on = models.DateField(_("verstuurd op"), null=True, blank=True)
    # R5, R8: sending despite the clinician's objection needs a recorded motivation.
    sent_motivation = models.TextField(_("motivering"), blank=True)

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
    note = models.TextField(_("toelichting"), blank=True)

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
    reference = models.CharField(_("kenmerk bij Veilig Thuis"), max_length=50, blank=True)
    note = models.TextField(_("toelichting"), blank=True)

    class Meta:
        ordering = ["recorded_at", "pk"]
        verbose_name = _("inschakeling Veilig Thuis")
        verbose_name_plural = _("inschakelingen Veilig Thuis")

    def __str__(self) -> str:
        return f"{self.request} — {self.engaged_on:%Y-%m-%d}"


class KindcheckNextStep(models.TextChoices):
    """L4, meldcode step 2 and R3: what the clinician does next when there are concerns."""

    COLLEAGUE = "collega", _("Een collega raadplegen")
    VEILIG_THUIS = "veilig_thuis", _("Veilig Thuis raadplegen")
    REVERSE_QUESTION = "vraag_jeugdhulp", _("Een vraag stellen aan de jeugdhulp over de kinderen (R3)")
    # R5: no next step despite concerns is a deviation and needs a motivation.
    NONE = "geen", _("Geen vervolgstap (met motivering)")


class KindcheckOutcome(models.TextChoices):
    NO_CHILDREN = "geen_kinderen", _("Geen minderjarige kinderen, niet zwanger")
    NO_CONCERNS = "geen_zorgen", _("Kinderen (of zwanger), geen zorgen over de veiligheid")
    CONCERNS_OPEN = "zorgen_open", _("Zorgen, nog geen vervolgstap vastgelegd")
    CONCERNS_FOLLOWED = "zorgen_vervolg", _("Zorgen, vervolgstap gekozen")
    CONCERNS_NO_STEP = "zorgen_geen_stap", _("Zorgen, bewust geen vervolgstap (gemotiveerd)")


class Kindcheck(models.Model):
    """L4 (meldcode step 1): for an adult client, does the client care for minor children (or
    is pregnant), how old are they, and are there concerns about their safety? With concerns,
    the next steps chosen."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The adult client, owned by the clinician's organisation.
    parent = models.ForeignKey(Parent, on_delete=models.PROTECT, related_name="kindchecks")
    checked_on = models.DateField(_("datum Kindcheck"))
    cares_for_minors = models.BooleanField(_("zorgt voor minderjarige kinderen"), default=False)
    is_pregnant = models.BooleanField(_("zwanger"), default=False)
    children_ages = models.JSONField(_("leeftijden van de kinderen"), default=list, blank=True)
    safety_concerns = models.BooleanField(_("zorgen over de veiligheid van de kinderen"), default=False)
    concerns_note = models.TextField(_("welke zorgen"), blank=True)
    next_steps = models.JSONField(_("vervolgstappen"), default=list, blank=True)
    next_steps_note = models.TextField(_("toelichting vervolgstappen"), blank=True)
    next_steps_recorded_at = models.DateTimeField(null=True, blank=True)
    next_steps_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                               related_name="+", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-checked_on", "-pk"]
        verbose_name = _("Kindcheck")
        verbose_name_plural = _("Kindchecks")
        indexes = [models.Index(fields=["organisation", "checked_on"])]

    def __str__(self) -> str:
        return f"{_('Kindcheck')} {self.parent} {self.checked_on:%Y-%m-%d}"

    @property
    def outcome(self) -> KindcheckOutcome:
        if not (self.cares_for_minors or self.is_pregnant):
            return KindcheckOutcome.NO_CHILDREN
        if not self.safety_concerns:
            return KindcheckOutcome.NO_CONCERNS
        if not self.next_steps:
            return KindcheckOutcome.CONCERNS_OPEN
        if self.next_steps == [KindcheckNextStep.NONE]:
            return KindcheckOutcome.CONCERNS_NO_STEP
        return KindcheckOutcome.CONCERNS_FOLLOWED

    def get_next_steps_display(self) -> list[str]:
        labels = dict(KindcheckNextStep.choices)
        return [str(labels.get(code, code)) for code in self.next_steps]


class ReverseQuestion(ReverseWorkflow, ConcurrentTransitionMixin, models.Model):
    """R3: the reverse direction. An adult-care clinician asks youth care which interventions
    are deployed for a child, and whether a preventive KOPP/KVO offer fits the child. The same
    deadline (five working days of the receiving organisation, R26/L1) and the same audit; the
    consent is about information on the *child* (L2: under 12 the parents; 12–15 the child and
    the parents; 16 and over the child alone)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("kenmerk"), max_length=20, unique=True, null=True, blank=True)
    status = FSMField(_("status"), default=ReverseStatus.SUBMITTED, choices=ReverseStatus.choices,
                      protected=True)
    asking_organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT,
                                            related_name="reverse_questions_asked")
    asker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    receiving_organisation = models.ForeignKey(
        "toolkid.Organisation", on_delete=models.PROTECT, related_name="reverse_questions_received",
        verbose_name=_("organisatie jeugdhulp"),
    )
    # The adult client (ouder) of the asking clinician, owned by the asking organisation.
    parent = models.ForeignKey(Parent, on_delete=models.PROTECT, related_name="reverse_questions")
    child_name_or_initials = models.CharField(_("naam of initialen van het kind"), max_length=200)
    child_date_of_birth = models.DateField(_("geboortedatum van het kind"))
    child_age = models.PositiveSmallIntegerField(_("leeftijd bij indienen"))
    phone_contact_date = models.DateField(_("datum telefonisch contact"), null=True, blank=True)
    phone_contact_with = models.CharField(_("telefonisch contact met"), max_length=200, blank=True)
    asks_interventions = models.BooleanField(_("welke interventies worden ingezet"), default=False)
    asks_kopp_kvo = models.BooleanField(_("past een preventief KOPP/KVO-aanbod"), default=False)
    question = models.TextField(_("toelichting op de vraag"), blank=True)
    # L2: whose consent the age requires; both recorded as given (or not).
    consent_parents = models.BooleanField(_("toestemming van de ouder(s) met gezag"), default=False)
    consent_child = models.BooleanField(_("toestemming van het kind"), default=False)
    consent_note = models.TextField(_("hoe en wanneer is de toestemming gegeven"), blank=True)
    kindcheck = models.ForeignKey(Kindcheck, on_delete=models.SET_NULL, related_name="reverse_questions",
                                  null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("uiterste datum"), null=True, blank=True, db_index=True)
    due_explanation = models.JSONField(default=dict, blank=True)
    answer_interventions = models.TextField(_("ingezette interventies"), blank=True)
    answer_kopp_kvo = models.TextField(_("past een KOPP/KVO-aanbod"), blank=True)
    decline_motivation = models.TextField(_("motivering"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("vraag aan de jeugdhulp")
        verbose_name_plural = _("vragen aan de jeugdhulp")
        indexes = [
            models.Index(fields=["asking_organisation", "status"]),
            models.Index(fields=["receiving_organisation", "status"]),
        ]

    def __str__(self) -> str:
        return self.reference or f"{_('Vraag')} {self.public_id.hex[:8]}"

    @property
    def audit_ref(self) -> str:
        return self.parent.audit_ref


class ReverseQuestionEvent(models.Model):
    """Append-only: every step of a reverse question (who, when, from, to, why)."""

    question = models.ForeignKey(ReverseQuestion, on_delete=models.CASCADE, related_name="events")
    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, null=True,
                                     related_name="+")
    kind = models.CharField(max_length=50)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    motivation = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.question} — {self.kind}"


class DeviationKind(models.TextChoices):
    """R5: the steps the workflow allows to skip or deviate from, each only with a motivation."""

    DUTY_SKIPPED = "taak_overgeslagen", _("Taak na het antwoord overgeslagen")
    SECONDARY_USE_DESPITE_OBJECTION = "ander_doel_ondanks_bezwaar", _(
        "Informatie voor een ander doel verstuurd ondanks bezwaar van de zorgverlener (R28)"
    )
    KINDCHECK_NO_NEXT_STEP = "kindcheck_geen_vervolgstap", _(
        "Kindcheck: zorgen over de veiligheid, geen vervolgstap"
    )
    OTHER = "overig", _("Andere afwijking van de afspraken")


class Deviation(models.Model):
    """R5: a recorded departure from the regional agreements in an individual case, with its
    motivation; listed for the teamleider of the organisation that departed."""

    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(_("soort afwijking"), max_length=40, choices=DeviationKind.choices)
    motivation = models.TextField(_("motivering"))
    # The record belongs with the case file and goes when it goes (L6, audit.retention).
    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="deviations",
                                null=True, blank=True)
    kindcheck = models.ForeignKey(Kindcheck, on_delete=models.CASCADE, related_name="deviations",
                                  null=True, blank=True)
    reverse_question = models.ForeignKey(ReverseQuestion, on_delete=models.CASCADE,
                                         related_name="deviations", null=True, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("afwijking van de afspraken")
        verbose_name_plural = _("afwijkingen van de afspraken")
        indexes = [models.Index(fields=["organisation", "recorded_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.recorded_at:%Y-%m-%d})"


#: The request timeline's words for the follow-up events (``RequestEvent.kind``). Both sides
#: see them (R41: who did what and when); ``requests.selectors.REQUESTER_VISIBLE_EVENTS``
#: includes :data:`FOLLOWUP_EVENT_KINDS`.
FOLLOWUP_EVENT_LABELS: dict[str, object] = {
    **{f"duty_done.{kind.value}": format_lazy("{}: {}", _("Taak gedaan"), kind.label) for kind in DutyKind},
    **{f"duty_skipped.{kind.value}": format_lazy("{}: {}", _("Taak overgeslagen (R5)"), kind.label)
       for kind in DutyKind},
    "hold_release_proposed": _("Voorstel om de afscherming (pad C) op te heffen (R37)"),
    "hold_release_agreed": _("Afscherming gezamenlijk opgeheven (R37)"),
    "hold_release_declined": _("Voorstel om de afscherming op te heffen: niet akkoord"),
    "hold_release_withdrawn": _("Voorstel om de afscherming op te heffen ingetrokken"),
    "feedback_given": _("Terugkoppeling aan de zorgverlener gegeven (R38)"),
    "secondary_use_submitted": _("Gebruik voor een ander doel voorgelegd (R28)"),
    "secondary_use_agreed": _("Zorgverlener akkoord met gebruik voor een ander doel (R28)"),
    "secondary_use_objected": _("Zorgverlener heeft bezwaar tegen gebruik voor een ander doel (R28)"),
    "secondary_use_sent": _("Informatie voor een ander doel verstuurd (R28)"),
    "secondary_use_withdrawn": _("Gebruik voor een ander doel ingetrokken"),
    "filing_approved": _("Goedgekeurd als informatie voor het dossier (R28)"),
    "veilig_thuis_engaged": _("Veilig Thuis ingeschakeld (R2)"),
}
FOLLOWUP_EVENT_KINDS: frozenset[str] = frozenset(FOLLOWUP_EVENT_LABELS)
