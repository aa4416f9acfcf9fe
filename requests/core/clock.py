"""The answer clock of a request (R26, L1), as rows.

The due date itself lives on the request (``due_date`` with ``due_explanation``, set by
``request_submit`` and ``request_resubmit``). This module, called by those services inside their
transaction, keeps what happens to the clock:

- a :class:`~requests.models.DueDateChange` row for every start, pause, restart and extension,
  with the explanation of the date that followed, so the request's page can show how today's
  due date came about;
- the :class:`~requests.models.DeadlineNotice` rows of the current due date (two working days
  before, on the day, the first working day after, three working days after), which the sweep
  (``requests.deadlines.services.deadline_sweep``) claims when their moment has passed.

The clock runs only while the receiving organisation has to act (``OPEN_FOR_PROVIDER``). It
**pauses** while the request is back with the requester for reformulation (R7): planned notices
are cancelled and the working days left are recorded. On resubmission it **restarts**: five
working days from the resubmission (the rule ``request_resubmit`` applies), recorded as
"hervat" with its explanation. Notices are planned on working days of the receiving
organisation, at ``TOOLKID_DEADLINE_NOTICE_HOUR`` local time.

Nothing here checks permissions or writes the audit trail: the calling service does both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone

from requests.core import access
from requests.core.models import (
    ClockEventKind,
    DeadlineNotice,
    DeadlineNoticeKind,
    DeadlineNoticeStatus,
    DueDateChange,
    InformationRequest,
    LegalAdvice,
    LegalAdviceOrigin,
)
from toolkid import workdays, working_calendar
from toolkid.actors import Actor
from toolkid.models import Organisation

N = DeadlineNoticeKind

#: Working days from the due date to each notice (negative: before it).
NOTICE_OFFSETS: dict[str, int] = {
    N.REMINDER: -2,
    N.DUE: 0,
    N.OVERDUE: 1,
    N.ESCALATION: 3,
}


class Calendar:
    """An organisation's non-working days, loaded once (decree days and its closures)."""

    def __init__(self, organisation: Organisation):
        self.closures = working_calendar.closures_for(organisation)
        self.decree_days = working_calendar.decree_days()

    def is_working_day(self, day: dt.date) -> bool:
        return workdays.is_working_day(day, closures=self.closures, decree_days=self.decree_days)

    def shift(self, day: dt.date, days: int) -> dt.date:
        """The ``days``-th working day after (or, negative, before) ``day``."""
        if days >= 0:
            return workdays.add_working_days(day, days, closures=self.closures, decree_days=self.decree_days)
        current, found = day, 0
        while found < -days:
            current -= dt.timedelta(days=1)
            if self.is_working_day(current):
                found += 1
        return current

    def between(self, start: dt.date, end: dt.date) -> int:
        return workdays.working_days_between(start, end, closures=self.closures, decree_days=self.decree_days)


def moment(day: dt.date) -> dt.datetime:
    """When the notices of ``day`` go: ``TOOLKID_DEADLINE_NOTICE_HOUR`` o'clock, local time."""
    naive = dt.datetime.combine(day, dt.time(hour=settings.TOOLKID_DEADLINE_NOTICE_HOUR))
    return timezone.make_aware(naive, timezone.get_default_timezone())


def schedule(due: dt.date, calendar: Calendar) -> dict[str, dt.date]:
    """The day of each notice for a due date, in the receiving organisation's working days."""
    return {kind: calendar.shift(due, offset) for kind, offset in NOTICE_OFFSETS.items()}


def plan_notices(request: InformationRequest, calendar: Calendar | None = None) -> None:
    """Plan the notices of the request's current due date. Idempotent: the unique key
    (request, kind, due date) keeps one row per moment; a moment cancelled earlier (the
    clock paused, then restarted on the same due date) is planned again, one already sent
    stays sent. Notices of other due dates that are still planned are cancelled."""
    due = request.due_date
    if due is None or request.receiving_organisation_id is None:
        return
    DeadlineNotice.objects.filter(request=request, status=DeadlineNoticeStatus.PLANNED).exclude(
        due_date=due
    ).update(status=DeadlineNoticeStatus.CANCELLED, processed_at=timezone.now())
    calendar = calendar or Calendar(request.receiving_organisation)
    rows = [
        DeadlineNotice(request=request, kind=kind, due_date=due, send_on=day, send_at=moment(day))
        for kind, day in schedule(due, calendar).items()
    ]
    DeadlineNotice.objects.bulk_create(rows, ignore_conflicts=True)
    DeadlineNotice.objects.filter(
        request=request, due_date=due, status=DeadlineNoticeStatus.CANCELLED
    ).update(status=DeadlineNoticeStatus.PLANNED, processed_at=None)
    # Planned: the request leaves the sweep's index of what is left to plan (NOTICES_TO_PLAN).
    request.notices_planned_for = due
    InformationRequest.objects.filter(pk=request.pk).update(notices_planned_for=due)


def cancel_notices(request: InformationRequest) -> int:
    """The clock stopped or paused: no planned notice of this request goes any more."""
    return DeadlineNotice.objects.filter(request=request, status=DeadlineNoticeStatus.PLANNED).update(
        status=DeadlineNoticeStatus.CANCELLED, processed_at=timezone.now()
    )


def _record(
    actor: Actor,
    request: InformationRequest,
    kind: str,
    **fields: object,
) -> DueDateChange:
    return DueDateChange.objects.create(
        request=request,
        kind=kind,
        actor=actor.user,
        organisation=actor.organisation,
        **fields,
    )


def clock_started(
    *,
    actor: Actor,
    request: InformationRequest,
    explanation: workdays.DueDateExplanation,
    previous_due_date: dt.date | None = None,
    resumed: bool = False,
) -> DueDateChange:
    """The request was submitted (or resubmitted, ``resumed=True``) and its due date set from
    ``explanation``: record it and plan the notices."""
    change = _record(
        actor,
        request,
        ClockEventKind.RESUMED if resumed else ClockEventKind.STARTED,
        previous_due_date=previous_due_date,
        due_date=explanation.due,
        start_date=explanation.start,
        working_days=explanation.days,
        explanation=explanation.to_dict(),
    )
    plan_notices(request)
    return change


def clock_paused(*, actor: Actor, request: InformationRequest) -> DueDateChange:
    """R7: the request went back to the requester; the clock stands still. Records how many
    working days were left (informative: on resubmission the term starts again, R26)."""
    left = None
    if request.due_date is not None and request.receiving_organisation_id is not None:
        left = Calendar(request.receiving_organisation).between(timezone.localdate(), request.due_date)
    change = _record(
        actor,
        request,
        ClockEventKind.PAUSED,
        previous_due_date=request.due_date,
        due_date=None,
        working_days=left,
    )
    cancel_notices(request)
    return change


def clock_extended(
    *,
    actor: Actor,
    request: InformationRequest,
    previous_due_date: dt.date,
    reason: str,
    calendar: Calendar,
) -> DueDateChange:
    """The clinician extended the term to ``request.due_date`` (already set) with a reason."""
    change = _record(
        actor,
        request,
        ClockEventKind.EXTENDED,
        previous_due_date=previous_due_date,
        due_date=request.due_date,
        working_days=calendar.between(previous_due_date, request.due_date),
        reason=reason,
    )
    plan_notices(request, calendar)
    return change


def history(request: InformationRequest) -> list[DueDateChange]:
    # Read once per page read (``access.reading``): the page's clock and the policy's question
    # about a contestable extension share it (issue 11).
    return access.memoised(("clock", request.pk), lambda: list(
        DueDateChange.objects.filter(request=request).select_related("actor", "organisation")
    ))


def current_term(changes: Iterable[DueDateChange]) -> list[DueDateChange]:
    """The changes that made today's due date: the last start or restart and what followed."""
    result: list[DueDateChange] = []
    for change in changes:
        if change.kind in (ClockEventKind.STARTED, ClockEventKind.RESUMED):
            result = [change]
        else:
            result.append(change)
    return result


def extension_to_contest(req: InformationRequest) -> DueDateChange | None:
    """The extension of the current term that the requester may still contest: the latest
    one since the clock last (re)started, unless it was already contested."""
    term = current_term(history(req))
    extensions = [c for c in term if c.kind == ClockEventKind.EXTENDED]
    if not extensions:
        return None
    latest = extensions[-1]
    contested = LegalAdvice.objects.filter(
        request=req, origin=LegalAdviceOrigin.CONTESTED_EXTENSION, asked_at__gte=latest.occurred_at
    ).exists()
    return None if contested else latest
