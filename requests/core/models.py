"""The request itself: the parent it is about, the children, the questions per topic, and the
request's own timeline (``RequestEvent``).

The states and the moves between them live in ``requests/core/workflow.py``; writes go through
the services of each sub-domain; reads that cross a permission line through
``requests/core/access.py``. ``requests/models.py`` re-exports every model, so Django sees them
under the app label ``requests`` with the tables they always had.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Coalesce, Upper
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from requests.core.events import RequestEventKind
from requests.core.workflow import RequestStatus, RequestWorkflow
from toolkid.limits import ANSWER, MOTIVATION, NAME, NOTE, QUESTION, text_limit


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
    """R24: was consent asked, and given? Each label answers the filing question "Wat is de
    situatie rond toestemming van de ouder?" in a whole sentence (issue 13)."""

    A = "A", _("De ouder heeft toestemming gegeven")  # R29
    B = "B", _("De ouder is om toestemming gevraagd en heeft geweigerd")  # R30
    C = "C", _("De ouder is niet om toestemming gevraagd vanwege ernstig gevaar")  # R32, R33


class Decision(models.TextChoices):
    PROVIDE = "verstrekken", _("Informatie verstrekken")
    NOT_PROVIDE = "niet_verstrekken", _("Informatie niet verstrekken")


class ParentConsultationOutcome(models.TextChoices):
    """R31: the provider consults the parent on path B."""

    AGREES = "akkoord", _("Ouder is akkoord met verstrekken")  # R31a
    DISAGREES = "niet_akkoord", _("Ouder is niet akkoord met verstrekken")


class Parent(models.Model):
    """The adult client (ouder) the request is about. Owned by the requesting organisation."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organisation = models.ForeignKey("toolkid.Organisation", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("naam"), max_length=NAME)
    date_of_birth = models.DateField(_("geboortedatum"))
    bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    is_incapacitated = models.BooleanField(_("ouder is wilsonbekwaam"), default=False)
    representative_name = models.CharField(_("naam vertegenwoordiger"), max_length=NAME, blank=True)
    representative_kind = models.CharField(
        _("soort vertegenwoordiger"), max_length=30, choices=RepresentativeKind.choices, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ouder")
        verbose_name_plural = _("ouders")
        indexes = [
            # The request lists' search (requests/core/listing.py): BSN exact, initials with the
            # birth date, and on PostgreSQL a name fragment (icontains is UPPER(name) LIKE …)
            # through a trigram index. Created only on PostgreSQL (migration 0011).
            models.Index(fields=["bsn"], name="requests_parent_bsn_idx"),
            models.Index(fields=["date_of_birth"], name="requests_parent_born_idx"),
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="requests_parent_name_trgm"),
        ]

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


#: Requests whose notices are not planned for their current due date: what the deadline sweep
#: plans (``requests/deadlines/services.plan_missing_notices``), over a partial index of
#: exactly these rows.
NOTICES_TO_PLAN = models.Q(due_date__isnull=False) & (
    models.Q(notices_planned_for__isnull=True) | models.Q(notices_planned_for__lt=models.F("due_date"))
    | models.Q(notices_planned_for__gt=models.F("due_date"))
)

#: The inbox's sort keys (``requests/handling/selectors.INBOX_ORDER``): unassigned first, then by
#: due date (none last). Defined here so the index below holds exactly the expressions the query
#: sorts on: a page of one state (closed: most of an organisation's history) is an index range,
#: not a sort of every row in that state.
INBOX_ASSIGNED_LAST = models.Case(
    models.When(assigned_clinician__isnull=True, then=models.Value(0)), default=models.Value(1),
    output_field=models.IntegerField(),
)
INBOX_DUE_ON = Coalesce(
    "due_date", models.Value(datetime.date(9999, 12, 31)), output_field=models.DateField()
)


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
    # The start form's token: two "Nieuw informatieverzoek" posts of one form start one draft,
    # also when they arrive at once (the database refuses the second).
    start_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)

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
    phone_contact_with = models.CharField(_("telefonisch contact met"), max_length=NAME, blank=True)

    parent = models.ForeignKey(
        Parent, on_delete=models.PROTECT, related_name="requests", null=True, blank=True
    )

    # L3: the ground, suggested and (when changed) why.
    legal_framework = models.CharField(_("kader"), max_length=30, choices=LegalFramework.choices, blank=True)
    suggested_framework = models.CharField(max_length=30, choices=LegalFramework.choices, blank=True)
    framework_change_reason = models.TextField(
        _("reden afwijkend kader"), blank=True, **text_limit(MOTIVATION)
    )
    has_ots = models.BooleanField(_("er is een ondertoezichtstelling"), default=False)

    # R23
    severity = models.CharField(_("ernst"), max_length=40, choices=Severity.choices, blank=True)
    reason = models.TextField(_("reden van het verzoek"), blank=True, **text_limit(MOTIVATION))

    # R10, R19: the requester confirms no question asks for a judgement on fitness to parent.
    no_parenting_judgement_confirmed = models.BooleanField(default=False)

    # R24: the consent path and what each path requires.
    consent_path = models.CharField(_("toestemming"), max_length=1, choices=ConsentPath.choices, blank=True)
    consent_declaration = models.ForeignKey(
        "consent.ConsentDeclaration", on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    # Path B (R30): the four explanations, why consultation is still necessary, the commitment.
    b_risk_of_serious_harm = models.TextField(
        _("kans op ernstige schade zonder de informatie"), blank=True, **text_limit(MOTIVATION)
    )
    b_only_source = models.TextField(
        _("de zorgverlener is de enige die de informatie kan geven"), blank=True, **text_limit(MOTIVATION)
    )
    b_prevents_harm = models.TextField(
        _("met de informatie kan schade aan het kind worden voorkomen"), blank=True, **text_limit(MOTIVATION)
    )
    b_specific_information = models.TextField(
        _("er wordt heel specifieke informatie gevraagd"), blank=True, **text_limit(MOTIVATION)
    )
    b_why_still_necessary = models.TextField(
        _("waarom overleg toch noodzakelijk is"), blank=True, **text_limit(MOTIVATION)
    )
    b_will_inform_parent = models.BooleanField(default=False)
    # Path C (R32, R33)
    c_why_not_asked = models.TextField(
        _("waarom geen toestemming is gevraagd"), blank=True, **text_limit(MOTIVATION)
    )
    c_why_necessary = models.TextField(
        _("waarom overleg zonder toestemming noodzakelijk is"), blank=True, **text_limit(MOTIVATION)
    )

    # The clock (R26, L1).
    submitted_at = models.DateTimeField(null=True, blank=True)
    due_date = models.DateField(_("uiterste datum"), null=True, blank=True, db_index=True)
    due_explanation = models.JSONField(default=dict, blank=True)
    # The due date whose notices are planned (``clock.plan_notices``). Where it differs from
    # ``due_date`` the sweep still has to plan: a due date set some other way, or data from before
    # the notices. The partial index below holds only those rows, so with nothing to plan the
    # sweep reads an empty index, however many requests are open (issue 11).
    notices_planned_for = models.DateField(null=True, blank=True, editable=False)

    # Provider side
    parent_consultation_date = models.DateField(_("datum overleg met ouder"), null=True, blank=True)
    parent_consultation_outcome = models.CharField(
        max_length=20, choices=ParentConsultationOutcome.choices, blank=True
    )
    parent_consultation_note = models.TextField(
        _("toelichting overleg met ouder"), blank=True, **text_limit(NOTE)
    )
    internal_consultation_with = models.CharField(_("intern overleg met"), max_length=NAME, blank=True)
    internal_consultation_date = models.DateField(_("datum intern overleg"), null=True, blank=True)
    internal_consultation_conclusion = models.TextField(
        _("conclusie intern overleg"), blank=True, **text_limit(MOTIVATION)
    )
    # R34 (path C): the weighing of weighty circumstances.
    weighing = models.TextField(
        _("afweging zwaarwegende omstandigheden"), blank=True, **text_limit(MOTIVATION)
    )
    decision = models.CharField(_("besluit"), max_length=20, choices=Decision.choices, blank=True)
    decision_motivation = models.TextField(_("motivering besluit"), blank=True, **text_limit(MOTIVATION))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                             related_name="+", null=True, blank=True)
    refusal_confirmed_at = models.DateTimeField(null=True, blank=True)
    refusal_confirmation_note = models.TextField(blank=True, **text_limit(NOTE))

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
    withdrawn_reason = models.TextField(blank=True, **text_limit(MOTIVATION))
    # R7: what the provider suggests can be asked instead (the latest return).
    reformulation_suggestion = models.TextField(
        _("suggestie voor herformulering"), blank=True, **text_limit(MOTIVATION)
    )
    # R4, L3 i: under an OTS a refusal must say why the information is not needed for the OTS.
    ots_not_needed_motivation = models.TextField(
        _("waarom de informatie niet nodig is voor de uitvoering van de OTS"), blank=True,
        **text_limit(MOTIVATION),
    )

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        excluded_fields=["updated_at", "submit_token", "start_token", "notices_planned_for"]
    )

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
            # The lists (issue 11): each list's organisation and state filter, then its keyset
            # order, so a page is an index range however long the organisation's history.
            models.Index(fields=["receiving_organisation", "status", "due_date", "id"],
                         name="requests_inbox_idx"),
            models.Index(fields=["requesting_organisation", "status", "created_at", "id"],
                         name="requests_outgoing_status_idx"),
            models.Index(fields=["requesting_organisation", "created_at", "id"],
                         name="requests_outgoing_idx"),
            models.Index(models.F("receiving_organisation"), models.F("status"), INBOX_ASSIGNED_LAST,
                         INBOX_DUE_ON, models.F("id"), name="requests_inbox_order_idx"),
            # The deadline sweep's "what is left to plan" (``NOTICES_TO_PLAN``).
            models.Index(fields=["due_date"], name="request_notices_to_plan",
                         condition=NOTICES_TO_PLAN),
        ]

    def __str__(self) -> str:
        return self.reference or f"{_('Concept')} {self.public_id.hex[:8]}"

    @property
    def audit_ref(self) -> str:
        return self.parent.audit_ref if self.parent_id else ""

    @property
    def provided_against_parent_wish(self) -> bool:
        """R31b: path B, the parent did not agree, and the clinician decided to provide anyway."""
        return (
            self.consent_path == ConsentPath.B
            and self.parent_consultation_outcome == ParentConsultationOutcome.DISAGREES
            and self.decision == Decision.PROVIDE
        )


class RequestUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(InformationRequest, on_delete=models.CASCADE)


class RequestGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(InformationRequest, on_delete=models.CASCADE)


class Child(models.Model):
    """A child the request is about: name or initials and date of birth (age shown)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="children")
    name_or_initials = models.CharField(_("naam of initialen"), max_length=NAME)
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
    question = models.TextField(_("vraag"), **text_limit(QUESTION))
    # The answer per topic (R15–R18).
    own_observations = models.TextField(_("eigen waarneming"), blank=True, **text_limit(ANSWER))
    others_observations = models.TextField(_("waarneming van anderen"), blank=True, **text_limit(ANSWER))
    others_sources = models.TextField(
        _("bron van de waarneming van anderen"), blank=True, **text_limit(ANSWER)
    )
    strengthening_facts = models.TextField(
        _("feiten die de zorg versterken"), blank=True, **text_limit(ANSWER)
    )
    weakening_facts = models.TextField(_("feiten die de zorg ontkrachten"), blank=True, **text_limit(ANSWER))
    # R17: no weakening facts is said out loud, never left as an empty box.
    no_weakening_facts_known = models.BooleanField(
        _("er zijn mij geen feiten bekend die de zorg ontkrachten"), default=False
    )
    explanation = models.TextField(_("toelichting vanuit deskundigheid"), blank=True, **text_limit(ANSWER))

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
    kind = models.CharField(max_length=50, choices=RequestEventKind.choices)
    from_status = models.CharField(max_length=30, blank=True)
    to_status = models.CharField(max_length=30, blank=True)
    # A copy of the step's motivation or note: the largest limit of the inputs it copies.
    motivation = models.TextField(blank=True, **text_limit(MOTIVATION))
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["occurred_at", "pk"]

    def __str__(self) -> str:
        return f"{self.request} — {self.kind}"


# Legal advice (R8, R31): asked by the clinician, or opened by a contest of a refusal (filing)
# or of an extension (deadlines); the juridisch adviseur of the receiving organisation answers.


class LegalAdviceStatus(models.TextChoices):
    OPEN = "open", _("Open")
    GIVEN = "gegeven", _("Advies gegeven")


class LegalAdviceOrigin(models.TextChoices):
    # R31: the clinician in doubt consults a legal advisor / care director.
    CLINICIAN_DOUBT = "twijfel", _("Twijfel bij de zorgverlener")
    # The requester contests a refusal.
    CONTESTED_REFUSAL = "bezwaar", _("Bezwaar van de aanvrager tegen weigering")
    # The requester contests an extension of the answer term (R26).
    CONTESTED_EXTENSION = "bezwaar_verlenging", _("Bezwaar van de aanvrager tegen verlenging van de termijn")


class LegalAdvice(models.Model):
    """A referral to a legal advisor. The advisor advises; the decision stays with the
    clinician (R8)."""

    request = models.ForeignKey(InformationRequest, on_delete=models.CASCADE, related_name="legal_advice")
    origin = models.CharField(max_length=20, choices=LegalAdviceOrigin.choices)
    # The clinician's question or the reason of a contest (a motivation): the larger limit.
    question = models.TextField(_("vraag aan de juridisch adviseur"), **text_limit(MOTIVATION))
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    asked_at = models.DateTimeField(auto_now_add=True)
    advisor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=LegalAdviceStatus.choices, default=LegalAdviceStatus.OPEN
    )
    advice = models.TextField(_("advies"), blank=True, **text_limit(ANSWER))
    advised_at = models.DateTimeField(null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-asked_at"]

    def __str__(self) -> str:
        return f"{self.request} — {self.get_origin_display()} ({self.get_status_display()})"


# --------------------------------------------------------------------------------------------
# The clock and its notices (R26, L1): ``requests/core/clock.py`` writes these rows,
# ``requests/deadlines/services.py`` holds the services and the sweep.


# The answer clock (R22, R26): every change of the due date, and the notices planned from it.
# ``requests/core/clock.py`` writes these rows at each step that moves the clock.


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
    reason = models.TextField(_("reden"), blank=True, **text_limit(MOTIVATION))

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
