"""Reads for the requesting side's lists (the outgoing requests), each logged as one SEARCH event
(L5, R41); who sees what is decided in ``requests/core/access.py``."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from requests.core.access import REQUESTER_ROLES, deny_list, is_acting, list_queryset, record_list
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import RequestEventKind
from requests.core.listing import due_window_q, search_kind, search_q
from requests.core.models import InformationRequest, RequestEvent
from requests.core.workflow import OPEN_FOR_PROVIDER
from requests.core.workflow import RequestStatus as S
from toolkid.actors import Actor
from toolkid.models import Organisation

#: The outgoing list's order, newest first, unique (toolkid/pagination.py).
OUTGOING_ORDER = ("-created_at", "-pk")
#: Done for the requester: acknowledged or withdrawn. Shown only when asked for.
FINISHED: tuple[str, ...] = (S.CLOSED, S.WITHDRAWN)
#: The status filter's own values beside the states.
OPEN, FINISHED_FILTER, EVERY = "", "afgerond", "alle"
#: R11: the requester sees a refusal waiting for a second person as "In behandeling", so that
#: filter finds both, and the hidden state is no filter of its own.
_SEEN_AS = {S.IN_PROGRESS: (S.IN_PROGRESS, S.REFUSAL_PENDING)}
REQUESTER_STATES: tuple[str, ...] = tuple(s for s in S if s != S.REFUSAL_PENDING)


def empty_drafts() -> QuerySet[InformationRequest]:
    """Drafts nobody typed anything in: started (a click on "Nieuw informatieverzoek") but never
    saved. They are not listed, and the nightly task removes them
    (``requests.filing.draft.empty_drafts_remove``)."""
    return InformationRequest.objects.filter(status=S.DRAFT).exclude(_typed())


def _typed() -> Exists:
    return Exists(RequestEvent.objects.filter(request=OuterRef("pk"), kind=RequestEventKind.DRAFT_UPDATED))


def outgoing_for(
    actor: Actor,
    *,
    status: str = OPEN,
    path: str | None = None,
    due_window: str | None = None,
    organisation: Organisation | int | None = None,
    search: dict[str, Any] | None = None,
) -> QuerySet[InformationRequest]:
    """The requesting organisation's requests (drafts: only the actor's own, and only once
    something was typed in them), newest first (``OUTGOING_ORDER``; page it with
    ``toolkid.pagination.paginate``). Show each row's state with :func:`status_for` (R11).

    ``status``: ``OPEN`` (the default: everything not yet finished), ``FINISHED_FILTER``
    (closed and withdrawn), ``EVERY``, or one state of ``REQUESTER_STATES``. ``path``,
    ``due_window``, ``organisation`` (the receiving one) and ``search`` narrow further.
    """
    filters = {"status": status, "path": path, "due_window": due_window, "organisation": organisation,
               "search": search_kind(search)}
    if not (is_acting(actor) and actor.has_role(*REQUESTER_ROLES)):
        raise deny_list(actor, RequestAuditCode.OUTGOING_LISTED, filters)
    org = actor.organisation
    # The actor's typed drafts as a set of their own (a few rows, through the organisation-and-state
    # index): inline, the OR made PostgreSQL hash every "typed" event of every request ever filed.
    own_drafts = InformationRequest.objects.filter(
        requesting_organisation=org, status=S.DRAFT, requester=actor.user
    ).filter(_typed())
    qs = InformationRequest.objects.filter(
        Q(requesting_organisation=org) & (~Q(status=S.DRAFT) | Q(pk__in=own_drafts.values("pk")))
    )
    if status == OPEN:
        qs = qs.exclude(status__in=FINISHED)
    elif status == FINISHED_FILTER:
        qs = qs.filter(status__in=FINISHED)
    elif status != EVERY:
        if status not in REQUESTER_STATES:
            raise ValueError(f"not a state the requester sees: {status!r}")
        qs = qs.filter(status__in=_SEEN_AS.get(status, (status,)))
    if path:
        qs = qs.filter(consent_path=path)
    if due_window:
        # The provider's clock runs only in these states (R26); a returned request's stands still.
        qs = qs.filter(due_window_q(due_window, timezone.localdate()), status__in=OPEN_FOR_PROVIDER)
    if organisation is not None:
        qs = qs.filter(receiving_organisation=organisation)
    if search:
        # After the organisation filter: a name finds only parents on this organisation's requests.
        qs = qs.filter(search_q(search))
    record_list(actor, RequestAuditCode.OUTGOING_LISTED, filters)
    return list_queryset(qs).order_by(*OUTGOING_ORDER)
