"""Reads of information requests that cross a permission line. Views, PDFs, exports and the
API get requests from here and nowhere else (ARCHITECTURE "Permissions": one function decides).

Who sees a request (the actor's *acting* organisation and the roles held there, never all of a
user's memberships):

- the **requesting organisation**: ``jeugdhulpverlener`` and ``teamleider`` see its outgoing
  requests; a draft only its own requester;
- the **receiving organisation**: ``zorgverlener`` and ``teamleider`` see incoming requests once
  sent (``VISIBLE_TO_PROVIDER``);
- a ``juridisch_adviseur`` of the receiving organisation sees only requests referred to the
  organisation's legal advisors (``advise_request`` on the request, granted to the
  organisation's juridisch_adviseur group; R31, R8), plus refusals waiting for a second person
  (R11), which they may confirm;
- a ``beheerder`` (and the platform's functional administrator) sees no case content at all.

R11: a refusal is checked inside the provider before the requester learns of it. The
requester side sees ``REFUSAL_PENDING`` as "in behandeling" (:func:`status_for`), never the
decision or its motivation until the refusal is confirmed (:func:`decision_visible_to`), and no
provider-internal step on the timeline (:func:`timeline_for`).

Access is logged (L5, R41): :func:`request_get_for` writes one READ event per detail view,
denied or allowed; every list selector writes one SEARCH event per list (not one per row).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Exists, IntegerField, Model, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from audit.events import record, record_denied
from audit.models import AuditAction
from requests.models import (
    FOLLOWUP_EVENT_KINDS,
    ConsentPath,
    Decision,
    InformationRequest,
    LegalAdvice,
    LegalAdviceStatus,
    RequestEvent,
    RequestGroupObjectPermission,
    RequestUserObjectPermission,
)
from requests.workflow import OPEN_FOR_PROVIDER, VISIBLE_TO_PROVIDER, RequestStatus
from toolkid.actors import Actor
from toolkid.models import Role, User

S = RequestStatus
M = TypeVar("M", bound=Model)

#: Roles that see the requesting organisation's outgoing requests.
REQUESTER_ROLES: tuple[str, ...] = (Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)
#: Roles that see the receiving organisation's incoming requests.
PROVIDER_ROLES: tuple[str, ...] = (Role.ZORGVERLENER, Role.TEAMLEIDER)
#: R11: who may be the second person on a refusal.
REFUSAL_CONFIRMER_ROLES: tuple[str, ...] = (Role.TEAMLEIDER, Role.JURIDISCH_ADVISEUR)

#: States in the provider's work queue: theirs to act on, including a contested refusal (R8).
INBOX_STATES: tuple[str, ...] = (*OPEN_FOR_PROVIDER, S.CONTESTED)

#: R11: the requester learns of a refusal only once a second person confirmed it.
_REFUSAL_KNOWN_TO_REQUESTER = (S.REFUSED, S.CONTESTED)

HANDLE_PERMISSION = "handle_request"
ADVISE_PERMISSION = "advise_request"

_OBJECT_TYPE = InformationRequest._meta.label_lower


def not_found() -> Http404:
    # The same answer for "does not exist" and "not yours": nothing leaks about other cases.
    return Http404(_("Dit verzoek bestaat niet of u hebt er geen toegang toe."))


def is_acting(actor: Actor | None) -> bool:
    """A person acting for an organisation. System actors and the unauthenticated see nothing."""
    return bool(
        actor is not None
        and not actor.is_system
        and actor.user is not None
        and actor.user.is_active
        and actor.organisation is not None
    )


# --------------------------------------------------------------------------------------------
# The access decision: one queryset filter and its per-object twin (kept equal by a test)
# --------------------------------------------------------------------------------------------


def _advise_granted(actor: Actor, request_ref: Any) -> tuple[QuerySet, QuerySet]:
    """The guardian rows that refer ``request_ref`` to the actor's organisation's legal advisors."""
    group_perms = RequestGroupObjectPermission.objects.filter(
        content_object=request_ref,
        permission__codename=ADVISE_PERMISSION,
        permission__content_type__app_label="requests",
        group__organisation_role__organisation=actor.organisation,
        group__organisation_role__role=Role.JURIDISCH_ADVISEUR,
    )
    user_perms = RequestUserObjectPermission.objects.filter(
        content_object=request_ref,
        permission__codename=ADVISE_PERMISSION,
        permission__content_type__app_label="requests",
        user=actor.user,
    )
    return group_perms, user_perms


def visibility_filter(actor: Actor) -> Q | None:
    """The Q that selects what ``actor`` may see, or None for nothing. Plain, indexed filters on
    the two organisations (index ``(organisation, status)``), plus an EXISTS on the guardian
    table for legal advisors."""
    if not is_acting(actor):
        return None
    org = actor.organisation
    parts: list[Q] = []
    if actor.has_role(*REQUESTER_ROLES):
        # A draft is the requester's alone.
        parts.append(Q(requesting_organisation=org) & (~Q(status=S.DRAFT) | Q(requester=actor.user)))
    if actor.has_role(*PROVIDER_ROLES):
        parts.append(Q(receiving_organisation=org, status__in=VISIBLE_TO_PROVIDER))
    elif actor.has_role(Role.JURIDISCH_ADVISEUR):
        group_perms, user_perms = _advise_granted(actor, OuterRef("pk"))
        parts.append(
            Q(receiving_organisation=org, status__in=VISIBLE_TO_PROVIDER)
            & (Q(status=S.REFUSAL_PENDING) | Exists(group_perms) | Exists(user_perms))
        )
    if not parts:
        return None
    combined = parts[0]
    for part in parts[1:]:
        combined |= part
    return combined


def is_visible_to(actor: Actor, request: InformationRequest) -> bool:
    """The per-object twin of :func:`visibility_filter`, for one loaded (or locked) row."""
    if not is_acting(actor):
        return False
    org_id = actor.organisation.pk
    if request.requesting_organisation_id == org_id and actor.has_role(*REQUESTER_ROLES):
        if request.status != S.DRAFT or request.requester_id == actor.user.pk:
            return True
    if request.receiving_organisation_id == org_id and request.status in VISIBLE_TO_PROVIDER:
        if actor.has_role(*PROVIDER_ROLES):
            return True
        if actor.has_role(Role.JURIDISCH_ADVISEUR):
            if request.status == S.REFUSAL_PENDING:
                return True
            group_perms, user_perms = _advise_granted(actor, request.pk)
            return group_perms.exists() or user_perms.exists()
    return False


def is_provider_side(actor: Actor, request: InformationRequest) -> bool:
    """The actor acts for the receiving organisation in a provider role (sees the real state)."""
    return bool(
        is_acting(actor)
        and request.receiving_organisation_id == actor.organisation.pk
        and actor.has_role(Role.ZORGVERLENER, Role.TEAMLEIDER, Role.JURIDISCH_ADVISEUR)
    )


def status_for(actor: Actor, request: InformationRequest) -> RequestStatus:
    """The state the actor may see; use ``.label`` for the Dutch text.

    R11: anyone but the provider sees a refusal that still waits for a second person as
    "In behandeling".
    """
    status = RequestStatus(request.status)
    if status == S.REFUSAL_PENDING and not is_provider_side(actor, request):
        return S.IN_PROGRESS
    return status


#: Fields that are the provider's internal work (R11, R31, R34, R8): never shown to the requester
#: side, whatever the state. The decision fields follow :func:`decision_visible_to` instead.
PROVIDER_INTERNAL_FIELDS: tuple[str, ...] = (
    "parent_consultation_date",
    "parent_consultation_outcome",
    "parent_consultation_note",
    "internal_consultation_with",
    "internal_consultation_date",
    "internal_consultation_conclusion",
    "weighing",
    "refusal_confirmed_by",
    "refusal_confirmation_note",
)
#: Shown to the requester side only when :func:`decision_visible_to` is True.
DECISION_FIELDS: tuple[str, ...] = (
    "decision",
    "decision_motivation",
    "ots_not_needed_motivation",
    "decided_by",
    "decided_at",
    "refusal_confirmed_at",
)


def decision_visible_to(actor: Actor, request: InformationRequest) -> bool:
    """Whether the actor may see ``decision``, ``decision_motivation``,
    ``ots_not_needed_motivation`` and who decided when.

    The provider always; the requester side only a confirmed refusal (R11): while REFUSED or
    CONTESTED, and after closing a refused request.
    """
    if is_provider_side(actor, request):
        return True
    if request.decision != Decision.NOT_PROVIDE:
        return False
    return request.status in _REFUSAL_KNOWN_TO_REQUESTER or request.status == S.CLOSED


# --------------------------------------------------------------------------------------------
# One request
# --------------------------------------------------------------------------------------------


def _detail_queryset() -> QuerySet[InformationRequest]:
    return InformationRequest.objects.select_related(
        "requesting_organisation",
        "receiving_organisation",
        "requester",
        "intended_clinician",
        "assigned_clinician",
        "parent",
        "consent_declaration",
        "decided_by",
        "refusal_confirmed_by",
        "answered_by",
        "acknowledged_by",
    ).prefetch_related("children", "topics")


def _lookup(pk_or_public_id: Any) -> dict[str, Any] | None:
    if isinstance(pk_or_public_id, bool):
        return None
    if isinstance(pk_or_public_id, int):
        return {"pk": pk_or_public_id} if pk_or_public_id > 0 else None
    if isinstance(pk_or_public_id, uuid.UUID):
        return {"public_id": pk_or_public_id}
    if isinstance(pk_or_public_id, str):
        text = pk_or_public_id.strip()
        if text.isascii() and text.isdigit():
            return {"pk": int(text)}
        try:
            return {"public_id": uuid.UUID(text)}
        except ValueError:
            return None
    return None


def request_get_for(
    *, actor: Actor, pk_or_public_id: int | str | uuid.UUID, purpose: str
) -> InformationRequest:
    """The one way to open a request: fetch, check, log (L5). ``purpose`` is a short code for the
    audit trail ("detail", "pdf", "answer_form", ...).

    Raises ``Http404`` alike for a request that does not exist and one the actor may not see;
    both are logged as a denied read.
    """
    lookup = _lookup(pk_or_public_id)
    found = _detail_queryset().filter(**lookup).first() if lookup else None
    return checked_read(
        actor,
        InformationRequest,
        found,
        visible=is_visible_to,
        event="request.read",
        requested=pk_or_public_id,
        purpose=purpose,
        not_found=not_found,
    )


def checked_read(
    actor: Actor,
    model: type[M],
    found: M | None,
    *,
    visible: Callable[[Actor, M], bool],
    event: str,
    requested: Any,
    purpose: str,
    not_found: Callable[[], Http404],
    parent_ref: Callable[[M], str] = lambda obj: obj.audit_ref,
) -> M:
    """The check and the log of an access helper (``request_get_for``, and the follow-up's
    ``reverse_get_for``, ``kindcheck_get_for``): ``found`` if the actor may see it, with one
    READ event (L5); else a denied READ — naming the object, or what was asked for when nothing
    was found — and ``not_found()``, alike for both."""
    if found is None or not visible(actor, found):
        record_denied(
            actor=actor,
            event=event,
            action=AuditAction.READ,
            object_type=model._meta.label_lower,
            object_id=str(found.pk if found is not None else requested)[:64],
            parent_ref=parent_ref(found) if found is not None else "",
            payload={"purpose": purpose},
        )
        raise not_found()
    record(
        actor=actor,
        event=event,
        action=AuditAction.READ,
        obj=found,
        parent_ref=parent_ref(found),
        payload={"purpose": purpose},
    )
    return found


# --------------------------------------------------------------------------------------------
# Lists: one SEARCH event per list
# --------------------------------------------------------------------------------------------


def requests_visible_to(actor: Actor) -> QuerySet[InformationRequest]:
    """Everything the actor may see, unlogged: a building block for the list selectors below
    (which log). Views use those, not this."""
    condition = visibility_filter(actor)
    if condition is None:
        return InformationRequest.objects.none()
    return InformationRequest.objects.filter(condition)


def _list_queryset(qs: QuerySet[InformationRequest]) -> QuerySet[InformationRequest]:
    """What a list row shows, in a fixed number of queries however many rows there are."""
    return qs.select_related(
        "requesting_organisation",
        "receiving_organisation",
        "requester",
        "assigned_clinician",
        "parent",
    ).prefetch_related("children", "topics")


def _audit_value(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def _deny_list(actor: Actor, event: str, filters: dict[str, Any]) -> PermissionDenied:
    record_denied(
        actor=actor,
        event=event,
        action=AuditAction.SEARCH,
        payload={"filters": {k: _audit_value(v) for k, v in filters.items()}},
    )
    return PermissionDenied(_("U hebt geen toegang tot deze lijst."))


def _record_list(actor: Actor, event: str, filters: dict[str, Any]) -> None:
    record(
        actor=actor,
        event=event,
        action=AuditAction.SEARCH,
        payload={"filters": {k: _audit_value(v) for k, v in filters.items()}},
    )


def outgoing_for(actor: Actor) -> QuerySet[InformationRequest]:
    """The requesting organisation's requests (drafts: only the actor's own), newest first.
    Show each row's state with :func:`status_for` (R11)."""
    if not (is_acting(actor) and actor.has_role(*REQUESTER_ROLES)):
        raise _deny_list(actor, "request.outgoing_listed", {})
    org = actor.organisation
    qs = InformationRequest.objects.filter(
        Q(requesting_organisation=org) & (~Q(status=S.DRAFT) | Q(requester=actor.user))
    )
    _record_list(actor, "request.outgoing_listed", {})
    return _list_queryset(qs).order_by("-created_at", "-pk")


def inbox_for(
    actor: Actor,
    *,
    status: str | None = None,
    path: str | None = None,
    clinician: User | int | None = None,
    due_before: date | None = None,
) -> QuerySet[InformationRequest]:
    """The receiving organisation's work queue: unassigned requests first, then by due date.

    Without ``status``: everything the provider has to act on (``INBOX_STATES``). ``status``
    narrows to one visible state, ``path`` to a consent path, ``clinician`` to the assigned
    clinician, ``due_before`` to requests due on or before that day.
    """
    filters = {"status": status, "path": path, "clinician": clinician, "due_before": due_before}
    if not (is_acting(actor) and actor.has_role(*PROVIDER_ROLES)):
        raise _deny_list(actor, "request.inbox_listed", filters)
    qs = InformationRequest.objects.filter(receiving_organisation=actor.organisation)
    if status:
        if status not in VISIBLE_TO_PROVIDER:
            raise ValueError(f"not a state the provider sees: {status!r}")
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=INBOX_STATES)
    if path:
        if path not in ConsentPath.values:
            raise ValueError(f"unknown consent path {path!r}")
        qs = qs.filter(consent_path=path)
    if clinician is not None:
        qs = qs.filter(assigned_clinician=clinician)
    if due_before is not None:
        qs = qs.filter(due_date__lte=due_before)
    _record_list(actor, "request.inbox_listed", filters)
    unassigned_first = Case(
        When(assigned_clinician__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return _list_queryset(qs).order_by(unassigned_first, "due_date", "pk")


def refusals_to_confirm(actor: Actor) -> QuerySet[InformationRequest]:
    """R11: refusals of the actor's organisation waiting for a second person, oldest first.
    The actor's own decisions are left out: nobody confirms their own "no"."""
    if not (is_acting(actor) and actor.has_role(*REFUSAL_CONFIRMER_ROLES)):
        raise _deny_list(actor, "request.refusals_listed", {})
    qs = (
        InformationRequest.objects.filter(receiving_organisation=actor.organisation, status=S.REFUSAL_PENDING)
        .exclude(decided_by=actor.user)
        .select_related("decided_by")
    )
    _record_list(actor, "request.refusals_listed", {})
    return _list_queryset(qs).order_by("decided_at", "pk")


def legal_queue(actor: Actor, *, include_given: bool = False) -> QuerySet[LegalAdvice]:
    """The legal advisor's referrals (R31 doubt, R8 contested refusals) of the actor's
    organisation: open ones first-come first-served; ``include_given`` adds answered ones."""
    if not (is_acting(actor) and actor.has_role(Role.JURIDISCH_ADVISEUR)):
        raise _deny_list(actor, "request.legal_queue_listed", {"include_given": include_given})
    qs = LegalAdvice.objects.filter(request__receiving_organisation=actor.organisation).filter(
        request__status__in=VISIBLE_TO_PROVIDER
    )
    if not include_given:
        qs = qs.filter(status=LegalAdviceStatus.OPEN)
    _record_list(actor, "request.legal_queue_listed", {"include_given": include_given})
    open_first = Case(
        When(status=LegalAdviceStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.select_related(
        "request",
        "request__parent",
        "request__requesting_organisation",
        "request__assigned_clinician",
        "asked_by",
        "advisor",
    ).order_by(open_first, "asked_at", "pk")


# --------------------------------------------------------------------------------------------
# The timeline
# --------------------------------------------------------------------------------------------

#: Event kinds the requester side sees. Everything else is the provider's internal work:
#: consulting the parent and colleagues, legal advice, an unconfirmed or rejected refusal (R11).
REQUESTER_VISIBLE_EVENTS: frozenset[str] = frozenset(
    {
        "created",
        "draft_updated",
        "submitted",
        "taken",
        "assigned",
        "returned",
        "resubmitted",
        "refusal_confirmed",
        "refusal_contested",
        "reconsidered",
        "refusal_upheld",
        "answer_sent",
        "acknowledged",
        "withdrawn",
        "consent_path_redecided",
        "consent_revoked",  # written by consent.services.consent_revoke on every relying request
        "deadline_extended",  # issue 5: the requester reads the reason and may contest it
        "extension_contested",  # issue 5
    }
) | FOLLOWUP_EVENT_KINDS  # issue 4: duties, the path-C hold, feedback, R28, R2 — both sides see them
#: Of those, the ones whose motivation stays with the provider (the second person's note).
_MOTIVATION_HIDDEN_FROM_REQUESTER: frozenset[str] = frozenset({"refusal_confirmed"})


@dataclass(frozen=True)
class TimelineEntry:
    """One line of a request's history as the actor may see it."""

    kind: str
    occurred_at: datetime
    actor: User | None
    organisation_name: str
    from_status: RequestStatus | None
    to_status: RequestStatus | None
    motivation: str
    data: dict


def _masked(actor: Actor, request: InformationRequest, value: str) -> RequestStatus | None:
    if not value:
        return None
    status = RequestStatus(value)
    if status == S.REFUSAL_PENDING and not is_provider_side(actor, request):
        return S.IN_PROGRESS
    return status


def timeline_for(actor: Actor, request: InformationRequest) -> list[TimelineEntry]:
    """The request's events, oldest first, filtered and masked for the actor (R11, R41).

    Call it for a request obtained from :func:`request_get_for` (which logged the read); it
    checks visibility again and raises ``Http404`` (logged) when the actor may not see it.
    """
    if not is_visible_to(actor, request):
        record_denied(
            actor=actor,
            event="request.timeline_read",
            action=AuditAction.READ,
            object_type=_OBJECT_TYPE,
            object_id=str(request.pk),
            parent_ref=request.audit_ref,
        )
        raise not_found()
    provider = is_provider_side(actor, request)
    events = RequestEvent.objects.filter(request=request).select_related("actor", "organisation")
    if not provider:
        events = events.filter(kind__in=REQUESTER_VISIBLE_EVENTS)
    ordered = list(events.order_by("occurred_at", "pk"))
    if not provider:
        # R11: an upheld refusal (R8) waits for a second person like any "no"; the requester
        # reads the upholding only once the second person confirmed it (not when rejected or
        # still pending).
        next_verdict = ""
        kept: list[RequestEvent] = []
        for event in reversed(ordered):
            if event.kind in ("refusal_confirmed", "refusal_rejected"):
                next_verdict = event.kind
            if event.kind == "refusal_upheld" and next_verdict != "refusal_confirmed":
                continue
            kept.append(event)
        ordered = kept[::-1]
    entries: list[TimelineEntry] = []
    for event in ordered:
        hide = not provider and event.kind in _MOTIVATION_HIDDEN_FROM_REQUESTER
        entries.append(
            TimelineEntry(
                kind=event.kind,
                occurred_at=event.occurred_at,
                actor=event.actor,
                organisation_name=event.organisation.name if event.organisation else "",
                from_status=_masked(actor, request, event.from_status),
                to_status=_masked(actor, request, event.to_status),
                motivation="" if hide else event.motivation,
                data=dict(event.data),
            )
        )
    return entries
