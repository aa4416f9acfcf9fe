"""Due dates in words: "nog 3 werkdagen", "vandaag", "2 werkdagen te laat" (colour only repeats
them), and how a due date was computed. Shared by the request's page, the provider's inbox and
the reverse direction's questions, so a due date reads the same everywhere."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from requests.core.models import InformationRequest
from requests.core.workflow import OPEN_FOR_PROVIDER
from toolkid import workdays, working_calendar


@dataclass(frozen=True)
class DueChip:
    text: str
    modifier: str  # "overdue" | "today" | "ok"

    @property
    def overdue(self) -> bool:
        return self.modifier == "overdue"


def due_chip(
    due: dt.date | None,
    today: dt.date,
    *,
    closures: list[tuple[dt.date, str]],
    decree_days: dict[dt.date, str],
) -> DueChip | None:
    """"nog 3 werkdagen", "vandaag", "2 werkdagen te laat" — pure, from a calendar loaded once."""
    if due is None:
        return None
    left = workdays.working_days_between(today, due, closures=closures, decree_days=decree_days)
    if due == today:
        return DueChip(_("vandaag"), "today")
    if due > today:
        if left <= 0:  # due on a day that is no longer a working day: treat as today
            return DueChip(_("vandaag"), "today")
        return DueChip(
            ngettext("nog %(n)s werkdag", "nog %(n)s werkdagen", left) % {"n": left}, "ok"
        )
    late = -left
    if late <= 0:  # past the date, but no working day since (a weekend)
        return DueChip(_("te laat"), "overdue")
    return DueChip(
        ngettext("%(n)s werkdag te laat", "%(n)s werkdagen te laat", late) % {"n": late}, "overdue"
    )


class DueCalendar:
    """The receiving organisation's closures and the decree days, each loaded once (a list
    page shows every row's chip without a query per row)."""

    def __init__(self) -> None:
        self._decree: dict[dt.date, str] | None = None
        self._closures: dict[int, list[tuple[dt.date, str]]] = {}
        self.today = timezone.localdate()

    def chip(self, req: InformationRequest) -> DueChip | None:
        # The clock runs only while the provider has to act (R26); paused when returned (R7).
        if req.status not in OPEN_FOR_PROVIDER or req.receiving_organisation_id is None:
            return None
        if self._decree is None:
            self._decree = working_calendar.decree_days()
        org_id = req.receiving_organisation_id
        if org_id not in self._closures:
            self._closures[org_id] = working_calendar.closures_for(req.receiving_organisation)
        return due_chip(req.due_date, self.today, closures=self._closures[org_id],
                        decree_days=self._decree)


def due_explanation_text(req: InformationRequest, *, resubmitted: bool = False) -> str:
    if not req.due_explanation:
        return ""
    try:
        explanation = workdays.DueDateExplanation.from_dict(req.due_explanation)
    except ValueError:
        return ""
    label = _("Opnieuw ingediend op") if resubmitted else _("Ingediend op")
    return explanation.summary_nl(start_label=label)
