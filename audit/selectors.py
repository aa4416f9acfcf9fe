"""Reads of the audit trail itself (R41; NEN 7513 reporting). One access rule for the page,
the CSV, the PDFs and the parent report:

- a ``beheerder`` acting for an organisation, who holds ``toolkid.view_audit`` on it
  (django-guardian, granted to the organisation's beheerder group), sees the events
  recorded *for that organisation* (``AuditEvent.organisation``);
- the functional administrator sees all events;
- anyone else gets the same 404 as for a page that does not exist, and the attempt is
  logged (outcome *geweigerd*).

The selectors check and return querysets; the caller logs the allowed access with
:func:`log_audit_access` (a SEARCH for the page, an EXPORT per download), because what was
done with the rows differs per caller.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from audit.audit_codes import AuditLogCode
from audit.events import _PARENT_REF, PARENT_REF_PREFIX, record, record_denied
from audit.grounds import Ground, Sensitivity
from audit.models import AuditAction, AuditEvent
from audit.purposes import Purpose
from audit.right_of_access import AccessLetter, access_letter, right_of_access
from toolkid.actors import Actor
from toolkid.models import Organisation, Role, User

#: The event recorded for a denied look at the audit log (the caller may pass another).
DENIED_SEARCH = AuditLogCode.SEARCHED

#: The Audit page's order, newest first, for keyset pages (toolkid.pagination; issue 11). By
#: time, with seq breaking ties: the page filters and shows the time, and the index
#: ``audit_event_org_time_seq_idx`` (organisation, occurred_at, seq) serves the scope, the
#: period, the cursor and the order as one range. Time and seq order may differ by
#: milliseconds (seqs drawn from a sequence without a lock), so the cursor holds both keys
#: and never mixes one key's order with the other's.
LOG_ORDER = ("-occurred_at", "-seq")
#: The parent access page's order, oldest first, for keyset pages (R41; issue 11): the index
#: ``audit_event_parent_time_idx`` (parent_ref, occurred_at, seq) serves the parent, the
#: cursor and the order as one range, whatever the scope. Both keys for the reason above.
PARENT_ORDER = ("occurred_at", "seq")


@dataclass(frozen=True)
class AuditScope:
    """What the actor may see: one organisation's events, or all (``organisation=None``)."""

    organisation: Organisation | None

    @property
    def is_all(self) -> bool:
        return self.organisation is None

    @property
    def key(self) -> str:
        return "all" if self.is_all else f"organisation:{self.organisation.pk}"


def audit_scope(
    actor: Actor,
    *,
    event: str = DENIED_SEARCH,
    action: str = AuditAction.SEARCH,
    parent_ref: str = "",
) -> AuditScope:
    """The actor's view of the audit log, or a logged 404 (``event``/``action`` name the
    attempt in the log; ``parent_ref`` the parent it was about, if any)."""
    if actor.is_functional_admin:
        return AuditScope(organisation=None)
    organisation = actor.organisation
    if (
        organisation is not None
        and actor.user is not None
        and actor.has_role(Role.BEHEERDER)
        and _may_view_audit(actor, organisation)
    ):
        return AuditScope(organisation=organisation)
    # Outside any transaction (views call this first), so the denial is kept.
    record_denied(
        actor=actor,
        event=event,
        action=action,
        object_type="toolkid.organisation" if organisation is not None else "",
        object_id=str(organisation.pk) if organisation is not None else "",
        parent_ref=parent_ref if parent_ref and _PARENT_REF.match(parent_ref) else "",
    )
    raise Http404


def _may_view_audit(actor: Actor, organisation: Organisation) -> bool:
    """``toolkid.view_audit`` on the organisation (granted by toolkid.services to its
    beheerder group), asked of the permission backends once per actor: the actor lives for one
    request, and a page asks twice (its scope, then the report's, e.g. the parent page)."""
    memo = actor.__dict__.get("_view_audit")
    if memo is None:
        memo = {}
        object.__setattr__(actor, "_view_audit", memo)  # frozen dataclass: a cache, not state
    if organisation.pk not in memo:
        memo[organisation.pk] = actor.user.has_perm("toolkid.view_audit", organisation)
    return memo[organisation.pk]


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def scoped_events(scope: AuditScope) -> QuerySet[AuditEvent]:
    events = AuditEvent.objects.all()
    if not scope.is_all:
        events = events.filter(organisation=scope.organisation)
    return events


def audit_events_for(
    actor: Actor,
    *,
    date_from: dt.date | None,
    date_to: dt.date | None,
    user: str | User | None = None,
    action: str | None = None,
    parent_ref: str | None = None,
    purpose: str = DENIED_SEARCH,
    purpose_of_use: str | None = None,
    ground: str | None = None,
    sensitivity: str | None = None,
) -> QuerySet[AuditEvent]:
    """The events the actor may see, filtered, oldest first (chain order).

    ``date_from``/``date_to`` are whole days in local time, both included. ``user`` is a
    user or a user name (matched on the name recorded with the event, so failed logins of
    unknown names are found too). ``purpose`` is the event code logged when access is
    denied (e.g. ``"audit.csv_exported"``).
    """
    scope = audit_scope(actor, event=purpose, action=_action_for(purpose), parent_ref=parent_ref or "")
    return filter_events(
        scoped_events(scope),
        date_from=date_from,
        date_to=date_to,
        user=user,
        action=action,
        parent_ref=parent_ref,
        purpose_of_use=purpose_of_use,
        ground=ground,
        sensitivity=sensitivity,
    )


def filter_events(
    events: QuerySet[AuditEvent],
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    user: str | User | None = None,
    action: str | None = None,
    parent_ref: str | None = None,
    purpose_of_use: str | None = None,
    ground: str | None = None,
    sensitivity: str | None = None,
) -> QuerySet[AuditEvent]:
    """``ground`` is a :class:`audit.grounds.Ground` value or ``"kader:<framework>"`` (the
    request's legal framework, whatever its consent path)."""
    if date_from is not None:
        events = events.filter(occurred_at__gte=_day_start(date_from))
    if date_to is not None:
        events = events.filter(occurred_at__lt=_day_start(date_to + dt.timedelta(days=1)))
    if user:
        username = user.get_username() if isinstance(user, User) else str(user)
        events = events.filter(username=username)
    if action:
        events = events.filter(action=action)
    if parent_ref:
        events = events.filter(parent_ref=parent_ref)
    if purpose_of_use:
        # "onbekend" finds the events written before purposes were recorded (stored empty).
        stored = "" if purpose_of_use == Purpose.UNKNOWN else purpose_of_use
        events = events.filter(purpose=stored)
    if ground:
        # "onbekend" finds the events written before grounds were recorded (stored empty).
        if ground.startswith("kader:"):
            events = events.filter(ground_framework=ground.removeprefix("kader:"))
        else:
            events = events.filter(ground="" if ground == Ground.UNKNOWN else ground)
    if sensitivity:
        events = events.filter(sensitivity="" if sensitivity == Sensitivity.UNKNOWN else sensitivity)
    return events.order_by("seq")


@dataclass(frozen=True)
class ParentAccessReport:
    """Who accessed one parent's data (NEN 7513; the parent's right of access, R41)."""

    parent_ref: str
    scope: AuditScope
    # Every event about the parent, in time order (chain order), with the organisation.
    events: QuerySet[AuditEvent]


def parent_access_report(
    actor: Actor, parent_ref: str, *, purpose: str = AuditLogCode.PARENT_REPORT_VIEWED
) -> ParentAccessReport:
    """Every recorded access to the data of the parent ``parent_ref`` ("ouder:<id>") that the
    actor may see: per event the time, user, role, organisation, action and outcome.

    A beheerder gets the accesses recorded for their own organisation; the functional
    administrator those of all organisations. Nothing about any other parent.
    """
    ref = normalise_parent_ref(parent_ref)
    if ref is None:
        raise ValueError(f"not a parent reference: {parent_ref!r}")
    scope = audit_scope(actor, event=purpose, action=_action_for(purpose), parent_ref=ref)
    events = scoped_events(scope).filter(parent_ref=ref).select_related("organisation").order_by("seq")
    return ParentAccessReport(parent_ref=ref, scope=scope, events=events)


def parent_letter_deferred(scope: AuditScope, parent_ref: str) -> bool:
    """R35, R40: is the overview for the parent deferred, because a request about them in the
    scope is under the path-C hold? For the beheerder's page; it names no request."""
    return right_of_access().hold_active(scope.organisation, parent_ref)


def parent_access_letter(actor: Actor, parent_ref: str) -> tuple[AuditScope, AccessLetter]:
    """The overview for the parent (AVG art. 15, R41) of a parent the actor's organisation has
    to do with; another organisation's parent, or none, is a logged 404. Not logged as made:
    the caller logs the export with the document id."""
    event = AuditLogCode.PARENT_ACCESS_LETTER_EXPORTED
    report = parent_access_report(actor, parent_ref, purpose=event)
    source = right_of_access()
    parent = source.parent(report.scope.organisation, report.parent_ref)
    if parent is None:
        organisation = report.scope.organisation
        record_denied(
            actor=actor,
            event=event,
            action=AuditAction.EXPORT,
            object_type="toolkid.organisation" if organisation is not None else "",
            object_id=str(organisation.pk) if organisation is not None else "",
            parent_ref=report.parent_ref,
        )
        raise Http404
    deferred = source.hold_active(report.scope.organisation, report.parent_ref)
    return report.scope, access_letter(report.events, parent=parent, deferred=deferred)


def normalise_parent_ref(value: str | None) -> str | None:
    """``"ouder:<public id>"`` from what a user types: the reference itself, or the bare
    public id (a UUID, with or without dashes). ``None`` when it is neither."""
    text = (value or "").strip()
    if not text:
        return None
    prefix = f"{PARENT_REF_PREFIX}:"
    key = text[len(prefix) :] if text.lower().startswith(prefix) else text
    try:
        key = str(uuid.UUID(key))
    except ValueError:
        # Not a UUID: accept an older reference form (``parent_ref_for(pk)``) as is.
        pass
    ref = f"{PARENT_REF_PREFIX}:{key}"
    return ref if _PARENT_REF.match(ref) else None


def log_audit_access(
    actor: Actor,
    *,
    event: str,
    action: str,
    scope: AuditScope,
    filters: dict[str, Any],
    parent_ref: str = "",
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    """Record that the audit log was searched or exported (L5: reads and exports count).

    ``filters`` are identifiers only (dates as ISO strings, a user id, an action code): no
    free text.
    """
    payload = {"scope": scope.key, **{k: v for k, v in filters.items() if v not in (None, "")}}
    if extra:
        payload.update(extra)
    return record(
        actor=actor,
        event=event,
        action=action,
        object_type="toolkid.organisation" if scope.organisation is not None else "",
        object_id=str(scope.organisation.pk) if scope.organisation is not None else "",
        parent_ref=parent_ref,
        payload=payload,
    )


def _action_for(purpose: str) -> str:
    return AuditAction.EXPORT if purpose.endswith("_exported") else AuditAction.SEARCH
