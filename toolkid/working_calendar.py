"""The Django side of the working-day calendar: feeds the pure ``workdays`` module the editable
decree days and an organisation's own closure days (L1)."""

from __future__ import annotations

from datetime import date

from toolkid import workdays
from toolkid.models import ClosureDay, DecreeDay, Organisation

#: R26: "redelijkerwijs binnen vijf werkdagen".
ANSWER_TERM_WORKING_DAYS = 5


def decree_days() -> dict[date, str]:
    return dict(DecreeDay.objects.values_list("date", "description"))


def closures_for(organisation: Organisation) -> list[tuple[date, str]]:
    return list(ClosureDay.objects.filter(organisation=organisation).values_list("date", "reason"))


def explain_due_date(
    organisation: Organisation, start: date, days: int = ANSWER_TERM_WORKING_DAYS
) -> workdays.DueDateExplanation:
    """The due date of a term starting on ``start``, counted in the working days of the
    organisation that has to act (the receiving organisation for an answer)."""
    return workdays.explain_due_date(
        start, days, closures=closures_for(organisation), decree_days=decree_days()
    )


def working_days_left(organisation: Organisation, today: date, due: date) -> int:
    """Positive: working days still left; 0: due today; negative: working days overdue."""
    return workdays.working_days_between(
        today, due, closures=closures_for(organisation), decree_days=decree_days()
    )
