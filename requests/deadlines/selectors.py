"""Reads about the answer clock (R26, L1): how today's due date came about, for the request's
page, and the deadline overview for teamleiders (UI.md "Overzicht").

Both go through the access rules of ``requests.core.access``: the history only for a request the
actor may see, the overview only for a teamleider or beheerder of the acting organisation.
The overview shows counts and references, never case content (a beheerder sees it too); it is
logged as a SEARCH (L5), like every list.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from audit.events import record, record_denied
from audit.models import AuditAction
from requests.core import access, clock
from requests.core.audit_codes import RequestAuditCode
from requests.core.models import ClockEventKind, DueDateChange, InformationRequest
from requests.core.workflow import OPEN_FOR_PROVIDER
from toolkid import workdays
from toolkid.actors import Actor
from toolkid.models import Organisation, Role, User

#: The period over which answers are counted and the median answer time is taken.
OVERVIEW_DAYS = 90
#: "Binnenkort": due within this many working days (0 = today).
DUE_SOON_WORKING_DAYS = 2
#: Who may open the overview.
OVERVIEW_ROLES: tuple[str, ...] = (Role.TEAMLEIDER, Role.BEHEERDER)


# --------------------------------------------------------------------------------------------
# How today's due date came about
# --------------------------------------------------------------------------------------------


def _long(day: dt.date | None) -> str:
    return workdays._long_date_nl(day) if day else "—"


def _who(user: User | None) -> str:
    if user is None:
        return _("systeem")
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class ClockLine:
    kind: str
    label: str
    occurred_at: dt.datetime
    who: str
    organisation: str
    text: str
    reason: str = ""


@dataclass(frozen=True)
class ClockHistory:
    #: The lines that made today's due date: the last (re)start and the extensions after it.
    current: list[ClockLine]
    #: Everything before that (earlier terms, pauses), oldest first.
    earlier: list[ClockLine]

    @property
    def extended(self) -> bool:
        return any(line.kind == ClockEventKind.EXTENDED for line in self.current)


def _text(change: DueDateChange) -> str:
    if change.kind in (ClockEventKind.STARTED, ClockEventKind.RESUMED):
        label = _("Ingediend op") if change.kind == ClockEventKind.STARTED else _("Opnieuw ingediend op")
        try:
            return workdays.DueDateExplanation.from_dict(change.explanation).summary_nl(start_label=label)
        except ValueError:
            return _("Uiterste datum: %(due)s.") % {"due": _long(change.due_date)}
    if change.kind == ClockEventKind.PAUSED:
        left = change.working_days
        text = _("Teruggestuurd ter herformulering: de termijn stond stil (uiterste datum was %(due)s).") % {
            "due": _long(change.previous_due_date)
        }
        if left is not None and left >= 0:
            text += " " + ngettext(
                "Er was nog %(n)s werkdag over.", "Er waren nog %(n)s werkdagen over.", left
            ) % {"n": left}
        return text + " " + _("Bij opnieuw indienen begint een nieuwe termijn van vijf werkdagen.")  # R26
    if change.kind == ClockEventKind.EXTENDED:
        added = change.working_days or 0
        return ngettext(
            "Verlengd van %(old)s tot %(new)s: %(n)s werkdag erbij.",
            "Verlengd van %(old)s tot %(new)s: %(n)s werkdagen erbij.",
            added,
        ) % {"old": _long(change.previous_due_date), "new": _long(change.due_date), "n": added}
    return ""


def _line(change: DueDateChange) -> ClockLine:
    return ClockLine(
        kind=change.kind,
        label=change.get_kind_display(),
        occurred_at=change.occurred_at,
        who=_who(change.actor),
        organisation=change.organisation.name if change.organisation else "",
        text=_text(change),
        reason=change.reason,
    )


def clock_history_for(actor: Actor, request: InformationRequest) -> ClockHistory:
    """The request's clock as the actor may see it (both sides see all of it: the requester
    reads the reason of an extension). Call it for a request from ``request_get_for``."""
    if not access.is_visible_to(actor, request):
        raise access.not_found()
    changes = clock.history(request)
    current = clock.current_term(changes)
    if current and current[-1].due_date not in (None, request.due_date):
        # The due date was set outside the clock (data from before it, or the demo's backdated
        # case): the rows no longer explain it, so the page shows the stored explanation.
        return ClockHistory(current=[], earlier=[])
    earlier = changes[: len(changes) - len(current)]
    return ClockHistory(current=[_line(c) for c in current], earlier=[_line(c) for c in earlier])


# --------------------------------------------------------------------------------------------
# The overview for teamleiders
# --------------------------------------------------------------------------------------------


@dataclass
class OverviewRow:
    organisation_name: str
    due_soon: int = 0
    overdue: int = 0
    answered_in_time: int = 0
    answered_late: int = 0
    answer_days: list[int] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return self.answered_in_time + self.answered_late

    @property
    def median_days(self) -> float | None:
        return statistics.median(self.answer_days) if self.answer_days else None


@dataclass(frozen=True)
class OverdueItem:
    reference: str
    public_id: Any
    counterpart: str
    due_date: dt.date
    working_days_late: int
    assigned: bool
    #: Not shown: the parent whose request is listed, for the access log (L5).
    parent: Any = field(default=None, compare=False, repr=False)


@dataclass
class Overview:
    organisation: Organisation
    #: "provider": requests the organisation received; "requester": requests it sent.
    side: str
    today: dt.date
    since: dt.date
    rows: list[OverviewRow]
    total: OverviewRow
    overdue_items: list[OverdueItem]
    #: Whether references may link to the request (a beheerder sees no case content).
    may_open: bool


def _responded_at(req: InformationRequest) -> dt.datetime | None:
    """When the requester got a response: the answer, or the confirmed refusal (R11)."""
    moments = [m for m in (req.answered_at, req.refusal_confirmed_at) if m is not None]
    return min(moments) if moments else None


def _term_start(req: InformationRequest) -> dt.date | None:
    start = (req.due_explanation or {}).get("start")
    if start:
        try:
            return dt.date.fromisoformat(start)
        except ValueError:
            pass
    return timezone.localdate(req.submitted_at) if req.submitted_at else None


def overview_for(actor: Actor, *, today: dt.date | None = None) -> Overview:
    """Due soon, overdue, answered in time and the median working days to answer over the
    last 90 days, per counterpart organisation, for the actor's acting organisation.

    On the provider side (adult care) the rows are the requesting organisations; on the
    requester side the receiving ones. Working days are those of the receiving organisation.
    """
    if not (access.is_acting(actor) and actor.has_role(*OVERVIEW_ROLES)):
        record_denied(actor=actor, event=RequestAuditCode.OVERVIEW_LISTED, action=AuditAction.SEARCH)
        raise PermissionDenied(_("U hebt geen toegang tot dit overzicht."))
    org = actor.organisation
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=OVERVIEW_DAYS)
    since_moment = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    provider = org.is_provider
    own = Q(receiving_organisation=org) if provider else Q(requesting_organisation=org)
    counterpart_field = "requesting_organisation" if provider else "receiving_organisation"

    base = InformationRequest.objects.filter(own, receiving_organisation__isnull=False).select_related(
        "requesting_organisation", "receiving_organisation", "parent"
    )
    open_requests = base.filter(status__in=OPEN_FOR_PROVIDER, due_date__isnull=False)
    answered = base.filter(Q(answered_at__gte=since_moment) | Q(refusal_confirmed_at__gte=since_moment))

    tally = _Tally(counterpart_field=counterpart_field, today=today, total=OverviewRow(_("Totaal")))
    for req in open_requests:
        tally.count_open(req)
    for req in answered:
        tally.count_answered(req)

    record(
        actor=actor,
        event=RequestAuditCode.OVERVIEW_LISTED,
        action=AuditAction.SEARCH,
        payload={"filters": {"since": since.isoformat(), "side": "provider" if provider else "requester"}},
    )
    tally.overdue_items.sort(key=lambda item: (item.due_date, item.reference))
    return Overview(
        organisation=org,
        side="provider" if provider else "requester",
        today=today,
        since=since,
        rows=sorted(tally.rows.values(), key=lambda r: r.organisation_name),
        total=tally.total,
        overdue_items=tally.overdue_items,
        may_open=actor.has_role(Role.TEAMLEIDER),
    )


@dataclass
class _Tally:
    """The overview's counts while they are gathered: a row per counterpart organisation
    (``counterpart_field`` of the request), the total, and the overdue requests."""

    counterpart_field: str
    today: dt.date
    total: OverviewRow
    rows: dict[int, OverviewRow] = field(default_factory=dict)
    overdue_items: list[OverdueItem] = field(default_factory=list)
    # One working-day calendar per receiving organisation: its closure days are read once.
    calendars: dict[int, clock.Calendar] = field(default_factory=dict)

    def calendar(self, req: InformationRequest) -> clock.Calendar:
        key = req.receiving_organisation_id
        if key not in self.calendars:
            self.calendars[key] = clock.Calendar(req.receiving_organisation)
        return self.calendars[key]

    def row_for(self, req: InformationRequest) -> OverviewRow:
        counterpart = getattr(req, self.counterpart_field)
        if counterpart.pk not in self.rows:
            self.rows[counterpart.pk] = OverviewRow(counterpart.name)
        return self.rows[counterpart.pk]

    def count_open(self, req: InformationRequest) -> None:
        """An open request: overdue (listed too), due soon, or neither."""
        left = self.calendar(req).between(self.today, req.due_date)
        row = self.row_for(req)
        if req.due_date < self.today:
            row.overdue += 1
            self.total.overdue += 1
            self.overdue_items.append(
                OverdueItem(
                    reference=req.reference or "",
                    public_id=req.public_id,
                    counterpart=getattr(req, self.counterpart_field).name,
                    due_date=req.due_date,
                    working_days_late=max(-left, 0),
                    assigned=req.assigned_clinician_id is not None,
                    parent=req.parent,
                )
            )
        elif left <= DUE_SOON_WORKING_DAYS:
            row.due_soon += 1
            self.total.due_soon += 1

    def count_answered(self, req: InformationRequest) -> None:
        """A request responded to in the period: in time or late, and in how many working days."""
        responded = _responded_at(req)
        start = _term_start(req)
        if responded is None or req.due_date is None:
            return
        responded_day = timezone.localdate(responded)
        row = self.row_for(req)
        if responded_day <= req.due_date:
            row.answered_in_time += 1
            self.total.answered_in_time += 1
        else:
            row.answered_late += 1
            self.total.answered_late += 1
        if start is not None:
            days = max(self.calendar(req).between(start, responded_day), 0)
            row.answer_days.append(days)
            self.total.answer_days.append(days)
