"""The deadline overview for teamleiders (UI.md "Overzicht"): counts per organisation
and a small server-rendered SVG chart of the median answer time against the five working
days of R26. The chart has a title and a description, and every number it shows is in the
table beside it (the chart only repeats the table)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.views.decorators.http import require_GET

from requests.core.access import one_list_write, record_parents_shown
from requests.core.audit_codes import RequestAuditCode
from requests.deadlines import selectors as selectors_deadlines
from toolkid.pagination import paginate_list
from toolkid.working_calendar import ANSWER_TERM_WORKING_DAYS

CHART_WIDTH = 640
LABEL_WIDTH = 220
BAR_AREA = CHART_WIDTH - LABEL_WIDTH - 60
BAR_HEIGHT = 24
ROW_GAP = 12
TOP = 28


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: int
    text_y: int
    over_norm: bool


def _chart(rows: list[selectors_deadlines.OverviewRow]) -> dict | None:
    measured = [r for r in rows if r.median_days is not None]
    if not measured:
        return None
    top_value = max([ANSWER_TERM_WORKING_DAYS, *(r.median_days for r in measured)]) + 1
    scale = BAR_AREA / top_value
    bars = []
    for index, row in enumerate(measured):
        y = TOP + index * (BAR_HEIGHT + ROW_GAP)
        bars.append(Bar(
            label=row.organisation_name[:32],
            value_text=number_format(row.median_days, decimal_pos=1),
            y=y,
            width=max(round(row.median_days * scale), 2),
            text_y=y + BAR_HEIGHT - 7,
            over_norm=row.median_days > ANSWER_TERM_WORKING_DAYS,
        ))
    height = TOP + len(bars) * (BAR_HEIGHT + ROW_GAP) + 8
    return {
        "width": CHART_WIDTH,
        "height": height,
        "label_width": LABEL_WIDTH,
        "bars": bars,
        "norm_x": LABEL_WIDTH + round(ANSWER_TERM_WORKING_DAYS * scale),
        "norm": ANSWER_TERM_WORKING_DAYS,
        "axis_bottom": height - 4,
    }


@require_GET
@one_list_write()
def overview(request: HttpRequest) -> HttpResponse:
    data = selectors_deadlines.overview_for(request.actor)
    # The counts cover every open request; the overdue ones are listed a page at a time.
    page = paginate_list(request, data.overdue_items, lambda item: (item.due_date, item.reference))
    record_parents_shown(request.actor, RequestAuditCode.OVERVIEW_LISTED, page.rows)  # L5
    context = {
        "overview": data,
        "page": page,
        "chart": _chart(data.rows),
        "norm": ANSWER_TERM_WORKING_DAYS,
        "days": selectors_deadlines.OVERVIEW_DAYS,
        "soon": selectors_deadlines.DUE_SOON_WORKING_DAYS,
    }
    return render(request, "requests/deadlines/overview.html", context)
