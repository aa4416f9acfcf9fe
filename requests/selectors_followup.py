"""Reads for the follow-up after the answer (issue 4) that cross a permission line: duties,
the path-C hold, the reverse direction (R3), the Kindcheck (L4) and deviations (R5).

Like ``requests/selectors.py``: one access helper per entity fetches, checks and logs (L5: one
READ per detail, one SEARCH per list, denied or allowed). The follow-up records *on a request*
(duties, releases, feedback, secondary uses, Veilig Thuis) are read as part of the request's
page, which ``selectors.request_get_for`` already logged; they add no read event of their own.

Who sees what:

- a request's follow-up: whoever sees the request (``selectors.is_visible_to``); each side acts
  only on its own duties (:func:`side_of`);
- a reverse question: ``zorgverlener``/``teamleider`` of the asking (adult-care) organisation and
  ``jeugdhulpverlener``/``teamleider`` of the receiving (youth-care) organisation;
- a Kindcheck: the ``zorgverlener``s of the organisation that recorded it; the ``teamleider``
  sees counts only (:func:`kindcheck_overview`), never a client;
- deviations: the ``teamleider`` of the organisation that departed from the agreements.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from audit.events import record, record_denied
from audit.models import AuditAction
from requests import selectors
from requests.models import (
    ConsentPath,
    Deviation,
    Duty,
    DutySide,
    DutyStatus,
    HoldRelease,
    InformationRequest,
    Kindcheck,
    KindcheckNextStep,
    KindcheckOutcome,
    ReverseQuestion,
    ReverseQuestionEvent,
    SecondaryUse,
)
from requests.workflow import ReleaseStatus, RequestStatus, ReverseStatus, SecondaryUseStatus
from toolkid.actors import Actor
from toolkid.models import Role

S = RequestStatus

#: Roles that act for each side of a request in the follow-up.
PROVIDER_FOLLOWUP_ROLES: tuple[str, ...] = (Role.ZORGVERLENER, Role.TEAMLEIDER)
REQUESTER_FOLLOWUP_ROLES: tuple[str, ...] = (Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)
#: Who does a side's duties (client contact, the own file): not the teamleider.
DUTY_ROLES: dict[str, str] = {
    DutySide.PROVIDER: Role.ZORGVERLENER,
    DutySide.REQUESTER: Role.JEUGDHULPVERLENER,
}

#: Reverse questions (R3): the asking side (adult care) and the answering side (youth care).
REVERSE_ASKER_ROLES: tuple[str, ...] = (Role.ZORGVERLENER, Role.TEAMLEIDER)
REVERSE_RECEIVER_ROLES: tuple[str, ...] = (Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)


# --------------------------------------------------------------------------------------------
# The path-C hold (R35, R37, R40)
# --------------------------------------------------------------------------------------------


def hold_active(request: InformationRequest) -> bool:
    """R35, R40: on path C nothing may prompt, draft or send anything to the parent until the
    joint release (R37) is recorded. Anything parent-facing — a duty, a letter, a notification —
    asks this first."""
    if request.consent_path != ConsentPath.C:
        return False
    return not HoldRelease.objects.filter(request=request, status=ReleaseStatus.AGREED).exists()


def agreed_release(request: InformationRequest) -> HoldRelease | None:
    return (
        HoldRelease.objects.filter(request=request, status=ReleaseStatus.AGREED)
        .select_related(
            "proposed_by", "proposed_by_organisation", "responded_by", "responded_by_organisation"
        )
        .first()
    )


def open_release(request: InformationRequest) -> HoldRelease | None:
    return (
        HoldRelease.objects.filter(request=request, status=ReleaseStatus.PROPOSED)
        .select_related("proposed_by", "proposed_by_organisation")
        .first()
    )


# --------------------------------------------------------------------------------------------
# Sides and duties
# --------------------------------------------------------------------------------------------


def side_of(actor: Actor, request: InformationRequest) -> str | None:
    """The side the actor acts for on this request in the follow-up, or None."""
    if not selectors.is_acting(actor):
        return None
    org_id = actor.organisation.pk
    if request.receiving_organisation_id == org_id and actor.has_role(*PROVIDER_FOLLOWUP_ROLES):
        return DutySide.PROVIDER
    if request.requesting_organisation_id == org_id and actor.has_role(*REQUESTER_FOLLOWUP_ROLES):
        return DutySide.REQUESTER
    return None


def may_act_on_hold(actor: Actor, request: InformationRequest) -> bool:
    """Who speaks for a side on the path-C hold (R37): on the provider side the handling
    clinician (``handle_request``) or the teamleider; on the requester side a jeugdhulpverlener
    or the teamleider of the requesting organisation."""
    side = side_of(actor, request)
    if side is None:
        return False
    if actor.has_role(Role.TEAMLEIDER):
        return True
    if side == DutySide.PROVIDER:
        return actor.has_role(Role.ZORGVERLENER) and actor.user.has_perm(
            f"requests.{selectors.HANDLE_PERMISSION}", request
        )
    return actor.has_role(Role.JEUGDHULPVERLENER)


def may_do_duty(actor: Actor, duty: Duty) -> bool:
    """A duty is done by its side, by someone in the role that has the client contact."""
    return bool(
        selectors.is_acting(actor)
        and duty.organisation_id == actor.organisation.pk
        and actor.has_role(DUTY_ROLES[duty.side])
    )


def duties_on(request: InformationRequest) -> list[Duty]:
    """All duties of a request (both sides), oldest first. Call for a request the actor may see
    (obtained from ``selectors.request_get_for``)."""
    return list(
        Duty.objects.filter(request=request)
        .select_related("assignee", "done_by", "organisation")
        .order_by("opened_at", "pk")
    )


@dataclass
class TaskList:
    """What waits for the actor: their duties, and replies the other side waits for."""

    duties: list[Duty] = field(default_factory=list)
    releases: list[HoldRelease] = field(default_factory=list)
    secondary_uses: list[SecondaryUse] = field(default_factory=list)
    reverse_questions: list[ReverseQuestion] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.duties or self.releases or self.secondary_uses or self.reverse_questions)


def tasks_for(actor: Actor) -> TaskList:
    """*Mijn taken*: the open duties for the actor (assigned to them, or unassigned at their
    side), release proposals waiting for the actor's side (R37), secondary uses waiting for the
    clinician's reply (R28) and reverse questions waiting for youth care (R3). One SEARCH."""
    if not selectors.is_acting(actor):
        raise _deny_list(actor, "followup.tasks_listed")
    org = actor.organisation
    tasks = TaskList()
    duty_sides = [side for side, role in DUTY_ROLES.items() if actor.has_role(role)]
    if duty_sides:
        tasks.duties = list(
            Duty.objects.filter(organisation=org, status=DutyStatus.OPEN, side__in=duty_sides)
            .filter(Q(assignee=actor.user) | Q(assignee__isnull=True))
            .select_related("request", "request__parent", "assignee")
            .order_by("opened_at", "pk")
        )
    visible = selectors.requests_visible_to(actor)
    if actor.has_role(*PROVIDER_FOLLOWUP_ROLES, *REQUESTER_FOLLOWUP_ROLES):
        tasks.releases = [
            release
            for release in HoldRelease.objects.filter(status=ReleaseStatus.PROPOSED, request__in=visible)
            .exclude(proposed_by_organisation=org)
            .select_related("request", "request__parent", "proposed_by", "proposed_by_organisation")
            .order_by("proposed_at", "pk")
            if may_act_on_hold(actor, release.request)
        ]
    if actor.has_role(*PROVIDER_FOLLOWUP_ROLES):
        uses = SecondaryUse.objects.filter(
            status=SecondaryUseStatus.SUBMITTED, request__receiving_organisation=org, request__in=visible
        )
        if not actor.has_role(Role.TEAMLEIDER):
            uses = uses.filter(
                Q(request__assigned_clinician=actor.user) | Q(request__assigned_clinician__isnull=True)
            )
        tasks.secondary_uses = list(
            uses.select_related("request", "request__parent", "submitted_by", "organisation").order_by(
                "submitted_at", "pk"
            )
        )
    if actor.has_role(Role.JEUGDHULPVERLENER):
        tasks.reverse_questions = list(
            ReverseQuestion.objects.filter(receiving_organisation=org, status=ReverseStatus.SUBMITTED)
            .select_related("asking_organisation", "parent")
            .order_by("due_date", "pk")
        )
    _record_list(actor, "followup.tasks_listed", {})
    return tasks


# --------------------------------------------------------------------------------------------
# The reverse direction (R3)
# --------------------------------------------------------------------------------------------


def reverse_not_found() -> Http404:
    return Http404(_("Deze vraag bestaat niet of u hebt er geen toegang toe."))


def reverse_visibility_filter(actor: Actor) -> Q | None:
    if not selectors.is_acting(actor):
        return None
    org = actor.organisation
    parts: list[Q] = []
    if actor.has_role(*REVERSE_ASKER_ROLES):
        parts.append(Q(asking_organisation=org))
    if actor.has_role(*REVERSE_RECEIVER_ROLES):
        parts.append(Q(receiving_organisation=org))
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def reverse_is_visible_to(actor: Actor, question: ReverseQuestion) -> bool:
    """The per-object twin of :func:`reverse_visibility_filter`."""
    if not selectors.is_acting(actor):
        return False
    org_id = actor.organisation.pk
    return (question.asking_organisation_id == org_id and actor.has_role(*REVERSE_ASKER_ROLES)) or (
        question.receiving_organisation_id == org_id and actor.has_role(*REVERSE_RECEIVER_ROLES)
    )


def reverse_is_asker(actor: Actor, question: ReverseQuestion) -> bool:
    return bool(
        selectors.is_acting(actor)
        and question.asking_organisation_id == actor.organisation.pk
        and actor.has_role(*REVERSE_ASKER_ROLES)
    )


def reverse_is_receiver(actor: Actor, question: ReverseQuestion) -> bool:
    return bool(
        selectors.is_acting(actor)
        and question.receiving_organisation_id == actor.organisation.pk
        and actor.has_role(*REVERSE_RECEIVER_ROLES)
    )


def _as_uuid(value: uuid.UUID | str) -> uuid.UUID | None:
    """Not even an id is treated as one that does not exist."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


def reverse_get_for(*, actor: Actor, public_id: uuid.UUID | str, purpose: str) -> ReverseQuestion:
    """Fetch, check and log one reverse question; ``Http404`` alike for missing and not yours."""
    key = _as_uuid(public_id)
    found = (
        ReverseQuestion.objects.select_related(
            "asking_organisation", "receiving_organisation", "asker", "parent", "answered_by", "kindcheck"
        )
        .filter(public_id=key)
        .first()
        if key
        else None
    )
    return selectors.checked_read(
        actor,
        ReverseQuestion,
        found,
        visible=reverse_is_visible_to,
        event="reverse_question.read",
        requested=public_id,
        purpose=purpose,
        not_found=reverse_not_found,
    )


def reverse_questions_for(actor: Actor) -> QuerySet[ReverseQuestion]:
    """The reverse questions of the actor's organisation, asked or received; newest first."""
    condition = reverse_visibility_filter(actor)
    if condition is None:
        raise _deny_list(actor, "reverse_question.listed")
    _record_list(actor, "reverse_question.listed", {})
    return (
        ReverseQuestion.objects.filter(condition)
        .select_related("asking_organisation", "receiving_organisation", "asker", "parent")
        .order_by("-created_at", "-pk")
    )


def reverse_timeline_for(actor: Actor, question: ReverseQuestion) -> list[ReverseQuestionEvent]:
    """The question's events, oldest first (both sides see all of them). For a question from
    :func:`reverse_get_for`."""
    if not reverse_is_visible_to(actor, question):
        raise reverse_not_found()
    return list(question.events.select_related("actor", "organisation").order_by("occurred_at", "pk"))


# --------------------------------------------------------------------------------------------
# The Kindcheck (L4)
# --------------------------------------------------------------------------------------------


def kindcheck_not_found() -> Http404:
    return Http404(_("Deze Kindcheck bestaat niet of u hebt er geen toegang toe."))


def kindcheck_is_visible_to(actor: Actor, kindcheck: Kindcheck) -> bool:
    return bool(
        selectors.is_acting(actor)
        and kindcheck.organisation_id == actor.organisation.pk
        and actor.has_role(Role.ZORGVERLENER)
    )


def kindcheck_get_for(*, actor: Actor, public_id: uuid.UUID | str, purpose: str) -> Kindcheck:
    key = _as_uuid(public_id)
    found = (
        Kindcheck.objects.select_related("parent", "clinician", "organisation").filter(public_id=key).first()
        if key
        else None
    )
    return selectors.checked_read(
        actor,
        Kindcheck,
        found,
        visible=kindcheck_is_visible_to,
        event="kindcheck.read",
        requested=public_id,
        purpose=purpose,
        not_found=kindcheck_not_found,
        parent_ref=lambda check: check.parent.audit_ref,
    )


def kindchecks_for(actor: Actor) -> QuerySet[Kindcheck]:
    """The organisation's Kindchecks, newest first (zorgverlener)."""
    if not (selectors.is_acting(actor) and actor.has_role(Role.ZORGVERLENER)):
        raise _deny_list(actor, "kindcheck.listed")
    _record_list(actor, "kindcheck.listed", {})
    return Kindcheck.objects.filter(organisation=actor.organisation).select_related("parent", "clinician")


@dataclass(frozen=True)
class KindcheckOverview:
    """Counts for the teamleider: how many Kindchecks, with what outcome (no client data)."""

    start: date | None
    end: date | None
    total: int
    outcomes: list[tuple[str, Any, int]]  # (code, label, count), in the outcome order
    next_steps: list[tuple[str, Any, int]]
    per_clinician: list[tuple[str, int, int]]  # (name, total, with concerns)


def kindcheck_overview(
    actor: Actor, *, start: date | None = None, end: date | None = None
) -> KindcheckOverview:
    """L4: the teamleider sees how many Kindchecks were done and with what outcome."""
    filters = {"start": start.isoformat() if start else None, "end": end.isoformat() if end else None}
    if not (selectors.is_acting(actor) and actor.has_role(Role.TEAMLEIDER)):
        raise _deny_list(actor, "kindcheck.overview_listed", filters)
    qs = Kindcheck.objects.filter(organisation=actor.organisation).select_related("clinician")
    if start:
        qs = qs.filter(checked_on__gte=start)
    if end:
        qs = qs.filter(checked_on__lte=end)
    rows = list(qs)
    outcomes = Counter(row.outcome for row in rows)
    steps = Counter(step for row in rows if row.safety_concerns for step in row.next_steps)
    clinicians: dict[str, list[int]] = {}
    for row in rows:
        name = row.clinician.get_full_name() or row.clinician.get_username()
        counts = clinicians.setdefault(name, [0, 0])
        counts[0] += 1
        counts[1] += int(row.safety_concerns)
    _record_list(actor, "kindcheck.overview_listed", filters)
    return KindcheckOverview(
        start=start,
        end=end,
        total=len(rows),
        outcomes=[(o.value, o.label, outcomes.get(o, 0)) for o in KindcheckOutcome],
        next_steps=[(s.value, s.label, steps.get(s.value, 0)) for s in KindcheckNextStep],
        per_clinician=sorted(((n, c[0], c[1]) for n, c in clinicians.items()), key=lambda r: r[0]),
    )


# --------------------------------------------------------------------------------------------
# Deviations (R5)
# --------------------------------------------------------------------------------------------


def deviations_for(actor: Actor) -> QuerySet[Deviation]:
    """R5: the recorded departures from the agreements of the teamleider's organisation."""
    if not (selectors.is_acting(actor) and actor.has_role(Role.TEAMLEIDER)):
        raise _deny_list(actor, "deviation.listed")
    _record_list(actor, "deviation.listed", {})
    return Deviation.objects.filter(organisation=actor.organisation).select_related(
        "recorded_by", "request", "kindcheck", "reverse_question"
    )


def framework_departures_for(actor: Actor) -> QuerySet[InformationRequest]:
    """R5 with L3: the organisation's sent requests whose legal framework departs from the
    suggested one; the reason was recorded when filing (``framework_change_reason``)."""
    if not (selectors.is_acting(actor) and actor.has_role(Role.TEAMLEIDER)):
        raise _deny_list(actor, "deviation.framework_listed")
    _record_list(actor, "deviation.framework_listed", {})
    return (
        InformationRequest.objects.filter(requesting_organisation=actor.organisation)
        .exclude(status=S.DRAFT)
        .exclude(suggested_framework="")
        .exclude(legal_framework="")
        .exclude(legal_framework=F("suggested_framework"))
        .select_related("requester", "parent")
        .order_by("-submitted_at", "-pk")
    )


# --------------------------------------------------------------------------------------------
# Logging lists
# --------------------------------------------------------------------------------------------


def _deny_list(actor: Actor, event: str, filters: dict[str, Any] | None = None) -> PermissionDenied:
    record_denied(actor=actor, event=event, action=AuditAction.SEARCH, payload={"filters": filters or {}})
    return PermissionDenied(_("U hebt geen toegang tot deze lijst."))


def _record_list(actor: Actor, event: str, filters: dict[str, Any]) -> None:
    record(actor=actor, event=event, action=AuditAction.SEARCH, payload={"filters": filters})
