"""A request's timeline as the actor may read it: every step on the provider side; on the
requester side no provider-internal step, and no refusal before a second person confirmed it
(R11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from audit.events import record_denied
from audit.models import AuditAction
from requests.core.access import OBJECT_TYPE, is_provider_side, is_visible_to, not_found
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import MOTIVATION_HIDDEN_FROM_REQUESTER, REQUESTER_VISIBLE_EVENTS
from requests.core.events import RequestEventKind as K
from requests.core.models import InformationRequest, RequestEvent
from requests.core.workflow import RequestStatus
from requests.core.workflow import RequestStatus as S
from toolkid.actors import Actor
from toolkid.models import User


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
            event=RequestAuditCode.TIMELINE_READ,
            action=AuditAction.READ,
            object_type=OBJECT_TYPE,
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
            if event.kind in (K.REFUSAL_CONFIRMED, K.REFUSAL_REJECTED):
                next_verdict = event.kind
            if event.kind == K.REFUSAL_UPHELD and next_verdict != K.REFUSAL_CONFIRMED:
                continue
            kept.append(event)
        ordered = kept[::-1]
    entries: list[TimelineEntry] = []
    for event in ordered:
        hide = not provider and event.kind in MOTIVATION_HIDDEN_FROM_REQUESTER
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
