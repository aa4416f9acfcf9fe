"""Reads for the follow-up after the answer that cross a permission line: duties,
the path-C hold, the reverse direction (R3), the Kindcheck (L4) and deviations (R5).

Like ``requests/core/access.py``: one access helper per entity fetches, checks and logs (L5: one
READ per detail, one SEARCH per list, denied or allowed). The follow-up records *on a request*
(duties, releases, feedback, secondary uses, Veilig Thuis) are read as part of the request's
page, which ``access.request_get_for`` already logged; they add no read event of their own.

Who sees what:

- a request's follow-up: whoever sees the request (``access.is_visible_to``); each side acts
  only on its own duties (:func:`side_of`);
- a reverse question: ``zorgverlener``/``teamleider`` of the asking (adult-care) organisation and
  ``jeugdhulpverlener``/``teamleider`` of the receiving (youth-care) organisation;
- a Kindcheck: the ``zorgverlener``s of the organisation that recorded it; the ``teamleider``
  sees counts only (:func:`kindcheck_overview`), never a client;
- deviations: the ``teamleider`` of the organisation that departed from the agreements.
"""

from __future__ import annotations

from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.core.deviations import Deviation
from requests.core.models import ConsentPath, InformationRequest
from requests.core.workflow import RequestStatus
from requests.followup.models import ApprovedFiling, Duty, DutySide, DutyStatus, HoldRelease, SecondaryUse
from requests.followup.workflow import ReleaseStatus, SecondaryUseStatus
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


# --------------------------------------------------------------------------------------------
# The path-C hold (R35, R37, R40)
# --------------------------------------------------------------------------------------------


def _releases(request: InformationRequest) -> list[HoldRelease]:
    """Every release proposal of ``request``, oldest first: one query per page read (the panel,
    the policy and the page each ask about the hold)."""
    if not getattr(request, "has_hold_releases", True):
        return []
    return access.memoised(
        ("hold_releases", request.pk),
        lambda: list(
            HoldRelease.objects.filter(request=request)
            .select_related(
                "proposed_by", "proposed_by_organisation", "responded_by", "responded_by_organisation"
            )
            .order_by("pk")
        ),
    )


def hold_active(request: InformationRequest) -> bool:
    """R35, R40: on path C nothing may prompt, draft or send anything to the parent until the
    joint release (R37) is recorded. Anything parent-facing — a duty, a letter, a notification —
    asks this first."""
    if request.consent_path != ConsentPath.C:
        return False
    return agreed_release(request) is None


def agreed_release(request: InformationRequest) -> HoldRelease | None:
    return next((r for r in _releases(request) if r.status == ReleaseStatus.AGREED), None)


def open_release(request: InformationRequest) -> HoldRelease | None:
    return next((r for r in _releases(request) if r.status == ReleaseStatus.PROPOSED), None)


def approved_filing(request: InformationRequest) -> ApprovedFiling | None:
    """R28: the provided information approved for the requester's file, if it was. Read from the
    row when the page fetched it along (``select_related("approved_filing")``)."""
    if InformationRequest.approved_filing.is_cached(request):
        return getattr(request, "approved_filing", None)
    return access.memoised(
        ("approved_filing", request.pk),
        lambda: ApprovedFiling.objects.filter(request=request).select_related("approved_by").first(),
    )


def past_releases(request: InformationRequest) -> list[HoldRelease]:
    """Proposals declined or withdrawn (R37), oldest first."""
    return [r for r in _releases(request) if r.status in (ReleaseStatus.DECLINED, ReleaseStatus.WITHDRAWN)]


# --------------------------------------------------------------------------------------------
# Sides and duties
# --------------------------------------------------------------------------------------------


def side_of(actor: Actor, request: InformationRequest) -> str | None:
    """The side the actor acts for on this request in the follow-up, or None."""
    if not access.is_acting(actor):
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
        return actor.has_role(Role.ZORGVERLENER) and access.holds_handle_permission(actor, request)
    return actor.has_role(Role.JEUGDHULPVERLENER)


def may_do_duty(actor: Actor, duty: Duty) -> bool:
    """A duty is done by its side, by someone in the role that has the client contact."""
    return bool(
        access.is_acting(actor)
        and duty.organisation_id == actor.organisation.pk
        and actor.has_role(DUTY_ROLES[duty.side])
    )


def duties_on(request: InformationRequest) -> list[Duty]:
    """All duties of a request (both sides), oldest first. Call for a request the actor may see
    (obtained from ``access.request_get_for``)."""
    if not getattr(request, "has_duties", True):
        return []
    return list(
        Duty.objects.filter(request=request)
        .select_related("assignee", "done_by", "organisation")
        .order_by("opened_at", "pk")
    )


# --------------------------------------------------------------------------------------------
# The reverse direction (R3)
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# The Kindcheck (L4)
# --------------------------------------------------------------------------------------------


# --------------------------------------------------------------------------------------------
# Deviations (R5)
# --------------------------------------------------------------------------------------------


#: The Afwijkingen page's two orders, newest first, unique (toolkid/pagination.py).
DEVIATIONS_ORDER = ("-recorded_at", "-pk")
DEPARTURES_ORDER = ("-submitted_on", "-pk")


def deviations_for(actor: Actor) -> QuerySet[Deviation]:
    """R5: the recorded departures from the agreements of the teamleider's organisation."""
    if not (access.is_acting(actor) and actor.has_role(Role.TEAMLEIDER)):
        raise access.deny_list(actor, RequestAuditCode.DEVIATIONS_LISTED, {})
    access.record_list(actor, RequestAuditCode.DEVIATIONS_LISTED, {})
    return Deviation.objects.filter(organisation=actor.organisation).select_related(
        "recorded_by", "request", "kindcheck", "reverse_question"
    )


def framework_departures_for(actor: Actor) -> QuerySet[InformationRequest]:
    """R5 with L3: the organisation's sent requests whose legal framework departs from the
    suggested one; the reason was recorded when filing (``framework_change_reason``)."""
    if not (access.is_acting(actor) and actor.has_role(Role.TEAMLEIDER)):
        raise access.deny_list(actor, RequestAuditCode.FRAMEWORK_DEPARTURES_LISTED, {})
    access.record_list(actor, RequestAuditCode.FRAMEWORK_DEPARTURES_LISTED, {})
    return (
        InformationRequest.objects.filter(requesting_organisation=actor.organisation)
        .exclude(status=S.DRAFT)
        .exclude(suggested_framework="")
        .exclude(legal_framework="")
        .exclude(legal_framework=F("suggested_framework"))
        .select_related("requester", "parent")
        .annotate(submitted_on=Coalesce("submitted_at", "created_at"))
        .order_by(*DEPARTURES_ORDER)
    )


#: The open duties' order, oldest first, unique (toolkid/pagination.py).
DUTY_ORDER = ("opened_at", "pk")


def open_duties_for(actor: Actor) -> list[Duty]:
    """The open duties of the actor's side: assigned to them, or to nobody yet. Not logged here:
    the composing list logs its one SEARCH (``requests/worklist``)."""
    return list(open_duties_queryset(actor))


def open_duties_queryset(actor: Actor) -> QuerySet[Duty]:
    """:func:`open_duties_for` as a queryset in ``DUTY_ORDER``, for a list that pages it."""
    sides = [side for side, role in DUTY_ROLES.items() if actor.has_role(role)]
    if not sides:
        return Duty.objects.none()
    return (
        Duty.objects.filter(organisation=actor.organisation, status=DutyStatus.OPEN, side__in=sides)
        .filter(Q(assignee=actor.user) | Q(assignee__isnull=True))
        .select_related("request", "request__parent", "assignee")
        .order_by(*DUTY_ORDER)
    )


def releases_awaiting(actor: Actor) -> list[HoldRelease]:
    """R37: proposals to release the path-C hold that wait for the actor's side."""
    if not actor.has_role(*PROVIDER_FOLLOWUP_ROLES, *REQUESTER_FOLLOWUP_ROLES):
        return []
    proposed = (
        HoldRelease.objects.filter(
            status=ReleaseStatus.PROPOSED, request__in=access.requests_visible_to(actor)
        )
        .exclude(proposed_by_organisation=actor.organisation)
        .select_related("request", "request__parent", "proposed_by", "proposed_by_organisation")
        .order_by("proposed_at", "pk")
    )
    return [release for release in proposed if may_act_on_hold(actor, release.request)]


def secondary_uses_awaiting(actor: Actor) -> list[SecondaryUse]:
    """R28: uses for another purpose that wait for the clinician's reply."""
    if not actor.has_role(*PROVIDER_FOLLOWUP_ROLES):
        return []
    uses = SecondaryUse.objects.filter(
        status=SecondaryUseStatus.SUBMITTED,
        request__receiving_organisation=actor.organisation,
        request__in=access.requests_visible_to(actor),
    )
    if not actor.has_role(Role.TEAMLEIDER):
        uses = uses.filter(
            Q(request__assigned_clinician=actor.user) | Q(request__assigned_clinician__isnull=True)
        )
    return list(uses.select_related("request", "request__parent", "submitted_by", "organisation").order_by(
        "submitted_at", "pk"
    ))
