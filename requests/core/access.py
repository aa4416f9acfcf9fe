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
denied or allowed; every list selector writes one SEARCH event per list, and the list's view
one READ per parent it shows (:func:`record_parents_shown`).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from audit.events import record, record_denied, record_many
from audit.models import AuditAction
from requests.core.audit_codes import RequestAuditCode
from requests.core.grounds import ground_of_row
from requests.core.models import (
    Decision,
    InformationRequest,
    LegalAdvice,
    RequestGroupObjectPermission,
    RequestUserObjectPermission,
)
from requests.core.workflow import VISIBLE_TO_PROVIDER, RequestStatus
from toolkid.actors import Actor
from toolkid.models import Role

S = RequestStatus
M = TypeVar("M", bound=Model)
T = TypeVar("T")

#: Roles that see the requesting organisation's outgoing requests.
REQUESTER_ROLES: tuple[str, ...] = (Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)
#: Roles that see the receiving organisation's incoming requests.
PROVIDER_ROLES: tuple[str, ...] = (Role.ZORGVERLENER, Role.TEAMLEIDER)
#: R11: who may be the second person on a refusal.
REFUSAL_CONFIRMER_ROLES: tuple[str, ...] = (Role.TEAMLEIDER, Role.JURIDISCH_ADVISEUR)


#: R11: the requester learns of a refusal only once a second person confirmed it.
_REFUSAL_KNOWN_TO_REQUESTER = (S.REFUSED, S.CONTESTED)

HANDLE_PERMISSION = "handle_request"

#: Within one page read (:func:`reading`) the answers that need a query are kept per request row:
#: the page asks the policy (``requests/core/policy.py``) about every action, each asking "does
#: the actor hold ``handle_request``?", and must not pay a query for every question (issue 11).
#: Services never run inside it: they re-fetch the row under lock and ask afresh.
_page_memo: ContextVar[dict[Any, Any] | None] = ContextVar("requests_page_memo", default=None)


@contextmanager
def reading() -> Iterator[None]:
    """One page read: :func:`memoised` answers are computed once until the block ends."""
    token = _page_memo.set({})
    try:
        yield
    finally:
        _page_memo.reset(token)


def memoised(key: Any, compute: Callable[[], T]) -> T:
    """``compute()``, once per ``key`` inside :func:`reading`; outside it, every time."""
    memo = _page_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


#: Flags the request's page reads with the row (``request_get_for(annotate=…)``): a list beside the
#: request that is empty costs no query. Elsewhere the flag is absent and the list is read.
PAGE_FLAGS: dict[str, Any] = {
    "has_legal_advice": Exists(LegalAdvice.objects.filter(request=OuterRef("pk"))),
}


def actor_flags(actor: Actor) -> dict[str, Any]:
    """The actor's object permissions on the request, read with the row on its page (the
    guardian rows ``handle_request`` and ``advise_request`` refer to; R31, R8): the policy asks
    about them for every action, and each ``has_perm`` would be two queries."""
    if not is_acting(actor):
        return {}
    handle = {
        "content_object": OuterRef("pk"),
        "permission__codename": HANDLE_PERMISSION,
        "permission__content_type__app_label": "requests",
    }
    advise_group, advise_user = _advise_granted(actor, OuterRef("pk"))
    return {
        "actor_handle_user": Exists(RequestUserObjectPermission.objects.filter(user=actor.user, **handle)),
        "actor_handle_group": Exists(
            RequestGroupObjectPermission.objects.filter(group__user=actor.user, **handle)
        ),
        "actor_advise_group": Exists(advise_group),
        "actor_advise_user": Exists(advise_user),
    }


def advices_of(request: InformationRequest) -> list[LegalAdvice]:
    """The request's referrals to the legal advisor (R31), oldest first: one query per page read
    for the policy's questions and the page's list alike."""
    if not getattr(request, "has_legal_advice", True):
        return []
    return memoised(
        ("advices", request.pk),
        lambda: list(
            request.legal_advice.select_related("asked_by", "advisor").order_by("asked_at", "pk")
        ),
    )


def holds_handle_permission(actor: Actor, request: InformationRequest) -> bool:
    """The actor holds ``handle_request`` on ``request`` (assigned or delegated; R31)."""
    user = actor.user
    if user is None:
        return False
    if hasattr(request, "actor_handle_user"):  # read with the row (:func:`actor_flags`)
        return user.is_active and (
            user.is_superuser or request.actor_handle_user or request.actor_handle_group
        )
    return memoised(
        ("handle", user.pk, request.pk),
        lambda: user.has_perm(f"requests.{HANDLE_PERMISSION}", request),
    )
ADVISE_PERMISSION = "advise_request"

OBJECT_TYPE = InformationRequest._meta.label_lower


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


def sees_refusals_to_confirm(actor: Actor) -> bool:
    """R11: who reads the list of refusals waiting for a second person (the teamleider and the
    juridisch adviseur of the receiving organisation)."""
    return is_acting(actor) and actor.has_role(*REFUSAL_CONFIRMER_ROLES)


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
            if hasattr(request, "actor_advise_group"):  # read with the row (:func:`actor_flags`)
                return request.actor_advise_group or request.actor_advise_user
            group_perms, user_perms = _advise_granted(actor, request.pk)
            return memoised(
                ("advise", actor.user.pk, org_id, request.pk),
                lambda: group_perms.exists() or user_perms.exists(),
            )
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


def _with_parent(found: InformationRequest) -> InformationRequest:
    """The consent declaration's parent is the request's, already read with the row: not a
    query of its own when the page names the declaration (issue 11)."""
    declaration = found.consent_declaration if found.consent_declaration_id else None
    if declaration is not None and declaration.parent_id == found.parent_id:
        declaration._meta.get_field("parent").set_cached_value(declaration, found.parent)
    return found


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
    *,
    actor: Actor,
    pk_or_public_id: int | str | uuid.UUID,
    purpose: str,
    related: Iterable[str] = (),
    annotate: dict[str, Any] | None = None,
    event: str = RequestAuditCode.READ,
) -> InformationRequest:
    """The one way to open a request: fetch, check, log (L5). ``purpose`` is a short code for the
    audit trail ("detail", "pdf", "answer_form", ...); ``related``: one-to-one rows a page shows,
    fetched in the same query (``select_related``); ``annotate``: flags the page reads from the row
    (``Exists`` of its rows beside the request, so an empty list costs no query); ``event``: the
    audit code of the read (a page of the timeline is a ``TIMELINE_READ``).

    Raises ``Http404`` alike for a request that does not exist and one the actor may not see;
    both are logged as a denied read.
    """
    lookup = _lookup(pk_or_public_id)
    queryset = _detail_queryset().select_related(*related).annotate(**(annotate or {}))
    found = queryset.filter(**lookup).first() if lookup else None
    return _with_parent(checked_read(
        actor,
        InformationRequest,
        found,
        visible=is_visible_to,
        event=event,
        requested=pk_or_public_id,
        purpose=purpose,
        not_found=not_found,
    ))


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


def list_queryset(qs: QuerySet[InformationRequest]) -> QuerySet[InformationRequest]:
    """What a list row shows, in a fixed number of queries however many rows there are."""
    return qs.select_related(
        "requesting_organisation",
        "receiving_organisation",
        "requester",
        "assigned_clinician",
        "parent",
    ).prefetch_related("children", "topics")


def audit_value(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return value.pk
    return value


def deny_list(actor: Actor, event: str, filters: dict[str, Any]) -> PermissionDenied:
    record_denied(
        actor=actor,
        event=event,
        action=AuditAction.SEARCH,
        payload={"filters": {k: audit_value(v) for k, v in filters.items()}},
    )
    return PermissionDenied(_("U hebt geen toegang tot deze lijst."))


#: Inside :func:`one_list_write`: the list's SEARCH event, kept to be written together with the
#: READs of the parents the page shows (:func:`record_parents_shown`): one audit write per list
#: page instead of two (issue 11). Nothing is dropped: what is still pending is written on exit.
_pending_search: ContextVar[list[dict[str, Any]] | None] = ContextVar("requests_pending_search", default=None)


@contextmanager
def one_list_write() -> Iterator[None]:
    """One list page (also a view decorator): its SEARCH and READ events in one write (L5)."""
    pending: list[dict[str, Any]] = []
    token = _pending_search.set(pending)
    try:
        yield
    finally:
        _pending_search.reset(token)
        if pending:  # a search whose rows were not shown (an error, an empty block): still logged
            record_many(pending)


def record_list(actor: Actor, event: str, filters: dict[str, Any]) -> None:
    entry = {
        "actor": actor,
        "event": event,
        "action": AuditAction.SEARCH,
        "payload": {"filters": {k: audit_value(v) for k, v in filters.items()}},
    }
    pending = _pending_search.get()
    if pending is not None:
        pending.append(entry)
        return
    record(**entry)


def _shown_parent(item: Any) -> tuple[Any, str]:
    """The parent a list row shows, and the row's own reference: a request, or anything that
    holds a ``parent`` (Kindcheck, reverse question) or a ``request`` (legal advice, duty)."""
    if item is None:
        return None, ""
    if isinstance(item, InformationRequest):
        return (item.parent if item.parent_id else None), item.reference or ""
    parent = getattr(item, "parent", None)
    if parent is not None:
        return parent, str(getattr(item, "reference", "") or "")
    request = getattr(item, "request", None)
    return _shown_parent(request) if isinstance(request, InformationRequest) else (None, "")


def record_parents_shown(actor: Actor, event: str, shown: Iterable[Any]) -> None:
    """NEN 7513 (L5, R41): a list that shows cases is a read of each parent on it. Writes one
    READ per parent shown (``parent_ref`` set, so "wie heeft gegevens van deze ouder ingezien"
    finds it), naming the list (``event``, its SEARCH code) and the references shown. Call
    it with the rows the page renders, after the list's own SEARCH event."""
    parents: dict[str, tuple[Any, list[str], Any]] = {}
    for item in shown:
        parent, reference = _shown_parent(item)
        if parent is None:
            continue
        # The ground is that of the first row showing this parent (audit.grounds).
        _obj, references, _ground = parents.setdefault(parent.audit_ref, (parent, [], ground_of_row(item)))
        if reference and reference not in references:
            references.append(reference)
    # One INSERT for the whole page, not a round per parent (audit.events), with the list's own
    # SEARCH event when it waits for it (:func:`one_list_write`).
    pending = _pending_search.get() or []
    searches = list(pending)
    pending.clear()
    record_many(
        searches + [
            {
                "actor": actor,
                "event": RequestAuditCode.PARENT_SHOWN_IN_LIST,
                "action": AuditAction.READ,
                "obj": parent,
                "parent_ref": ref,
                "payload": {"list": str(event), "references": references[:_MAX_REFERENCES]},
                "ground": ground,
            }
            for ref, (parent, references, ground) in parents.items()
        ]
    )


#: Enough to find the request(s) back; a parent seldom has more on one page.
_MAX_REFERENCES = 20


# --------------------------------------------------------------------------------------------
# The timeline
# --------------------------------------------------------------------------------------------




def as_uuid(value: uuid.UUID | str) -> uuid.UUID | None:
    """Not even an id is treated as one that does not exist."""
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None
