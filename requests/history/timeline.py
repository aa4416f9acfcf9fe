"""A request's timeline as the actor may read it: every step on the provider side; on the
requester side no provider-internal step, and no refusal before a second person confirmed it
(R11)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from audit.events import record_denied
from audit.models import AuditAction
from requests.core import access
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
    pk: int | None = None


def _masked(actor: Actor, request: InformationRequest, value: str) -> RequestStatus | None:
    if not value:
        return None
    status = RequestStatus(value)
    if status == S.REFUSAL_PENDING and not is_provider_side(actor, request):
        return S.IN_PROGRESS
    return status


def events_of(request: InformationRequest) -> list[RequestEvent]:
    """All the request's events, oldest first, with who and for which organisation: one query
    per page read, shared by the timeline and the earlier versions (``selectors.history_for``)."""
    return access.memoised(
        ("events", request.pk),
        lambda: list(
            RequestEvent.objects.filter(request=request)
            .select_related("actor", "organisation")
            .order_by("occurred_at", "pk")
        ),
    )


def _check(actor: Actor, request: InformationRequest) -> None:
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


def timeline_for(actor: Actor, request: InformationRequest) -> list[TimelineEntry]:
    """The request's events, oldest first, filtered and masked for the actor (R11, R41).

    Call it for a request obtained from :func:`request_get_for` (which logged the read); it
    checks visibility again and raises ``Http404`` (logged) when the actor may not see it.
    """
    _check(actor, request)
    provider = is_provider_side(actor, request)
    ordered = events_of(request)
    if not provider:
        ordered = [event for event in ordered if event.kind in REQUESTER_VISIBLE_EVENTS]
    return _entries(actor, request, ordered, provider=provider, later_verdict="")


def _entries(
    actor: Actor, request: InformationRequest, ordered: list[RequestEvent], *, provider: bool,
    later_verdict: str,
) -> list[TimelineEntry]:
    """``ordered`` (oldest first) in words for the actor. ``later_verdict``: the verdict on a
    refusal that came after the last of ``ordered`` (a page of an older stretch)."""
    if not provider:
        # R11: an upheld refusal (R8) waits for a second person like any "no"; the requester
        # reads the upholding only once the second person confirmed it (not when rejected or
        # still pending).
        next_verdict = later_verdict
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
                pk=event.pk,
            )
        )
    return entries


@dataclass(frozen=True)
class TimelinePage:
    """One page of the timeline, newest first; ``older``: the cursor of the next (older) page."""

    entries: list[TimelineEntry]
    older: int | None


def timeline_page(
    actor: Actor, request: InformationRequest, *, before: int | None, size: int
) -> TimelinePage:
    """``size`` entries older than the event ``before`` (the newest when None), newest first:
    keyset pagination on ``(occurred_at, pk)``, so an event recorded meanwhile neither skips
    nor repeats a line. The drafting before the first submission is one line, as on the page.
    Queries: the page, the first submission and (requester side) the later refusal verdict."""
    _check(actor, request)
    provider = is_provider_side(actor, request)
    events = RequestEvent.objects.filter(request=request)
    if not provider:
        events = events.filter(kind__in=REQUESTER_VISIBLE_EVENTS)
    first_submission = (
        RequestEvent.objects.filter(request=request, kind=K.SUBMITTED)
        .order_by("occurred_at", "pk").values_list("occurred_at", flat=True).first()
    )
    # Drafting before the first submission shows as "Concept aangemaakt" only (R41).
    drafting = Q(kind=K.DRAFT_UPDATED)
    if first_submission is not None:
        drafting &= Q(occurred_at__lt=first_submission)
    events = events.exclude(drafting)
    window = events
    if before is not None:
        anchor = RequestEvent.objects.filter(request=request, pk=before).values_list(
            "occurred_at", flat=True
        ).first()
        if anchor is not None:
            window = events.filter(Q(occurred_at__lt=anchor) | Q(occurred_at=anchor, pk__lt=before))
    rows = list(
        window.select_related("actor", "organisation").order_by("-occurred_at", "-pk")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    later_verdict = ""
    if not provider and rows:
        newest = rows[0]
        after = Q(occurred_at__gt=newest.occurred_at) | Q(occurred_at=newest.occurred_at, pk__gt=newest.pk)
        later_verdict = (
            events.filter(after, kind__in=(K.REFUSAL_CONFIRMED, K.REFUSAL_REJECTED))
            .order_by("occurred_at", "pk").values_list("kind", flat=True).first()
        ) or ""
    entries = _entries(actor, request, rows[::-1], provider=provider, later_verdict=later_verdict)
    return TimelinePage(entries=entries[::-1], older=rows[-1].pk if more else None)


def in_words(entry: TimelineEntry) -> dict[str, Any]:
    """One timeline line as the pages show it (``requests/history/_timeline.html``)."""
    who = entry.actor.get_full_name() or entry.actor.get_username() if entry.actor else _("systeem")
    return {
        "label": K(entry.kind).label,
        "kind": entry.kind,
        "when": entry.occurred_at,
        "who": who,
        "organisation": entry.organisation_name,
        "to_status": entry.to_status.label if entry.to_status else "",
        "motivation": entry.motivation,
    }
