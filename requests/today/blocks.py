"""The requests app's blocks on *Vandaag* (``toolkid.today``), registered from
:meth:`requests.apps.RequestsConfig.ready`.

Each block lists references with their due date and a short status, never a parent's name; the
page is still a read of the cases it shows, so it logs one SEARCH and one READ per parent
shown (L5, R41), like the list pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.core.due import DueCalendar
from requests.core.models import InformationRequest
from requests.today import selectors
from toolkid.actors import Actor
from toolkid.today import TodayBlock, TodayItem


@dataclass(frozen=True)
class Spec:
    heading: Promise
    empty: Promise
    list_url: str  # the url name of the full list
    order: int


SPECS: dict[str, Spec] = {
    # The provider (zorgverlener, teamleider).
    "refusals": Spec(_("Weigeringen om te bevestigen"),
                     _("Er wachten geen weigeringen op uw beoordeling."), "requests:refusals", 10),
    "due_today": Spec(_("Vandaag uiterlijk beantwoorden"),
                      _("Er hoeft vandaag geen verzoek beantwoord te worden."), "requests:inbox", 20),
    "overdue": Spec(_("Te laat"), _("Er zijn geen verzoeken te laat. Mooi zo."), "requests:inbox", 30),
    "unassigned": Spec(_("Nieuw en nog niet toegewezen"),
                       _("Alle nieuwe verzoeken zijn toegewezen."), "requests:inbox", 40),
    "mine": Spec(_("Aan u toegewezen"), _("Er zijn nu geen verzoeken aan u toegewezen."),
                 "requests:inbox", 50),
    # The requester (youth care).
    "to_read": Spec(_("Antwoorden om te lezen"), _("Er zijn geen nieuwe antwoorden om te lezen."),
                    "requests:outgoing", 10),
    "returned": Spec(_("Teruggestuurd om te herformuleren"),
                     _("Er zijn geen verzoeken teruggestuurd om te herformuleren."), "requests:outgoing", 20),
    "tasks": Spec(_("Open taken"), _("U hebt geen open taken."), "requests:tasks", 30),
    # The legal advisor.
    "advice": Spec(_("Open adviesvragen"), _("Er wachten geen adviesvragen op uw advies."),
                   "requests:legal_queue", 10),
}


def _detail_url(req: InformationRequest) -> str:
    return reverse("requests:detail", kwargs={"public_id": req.public_id})


class _Items:
    """Turns rows into block lines, with one working-day calendar for every due date."""

    def __init__(self, actor: Actor) -> None:
        self.actor = actor
        self.calendar = DueCalendar()

    def request(self, req: InformationRequest, status: str = "") -> TodayItem:
        chip = self.calendar.chip(req)
        return TodayItem(
            label=req.reference or "",
            url=_detail_url(req),
            due=req.due_date if chip else None,
            status=status or str(access.status_for(self.actor, req).label),
            urgency=chip.modifier if chip else "",
            due_text=chip.text if chip else "",
        )


def _block(key: str, count: int, items: list[TodayItem]) -> TodayBlock:
    spec = SPECS[key]
    return TodayBlock(key=key, heading=spec.heading, count=count, empty_text=spec.empty, items=items,
                      more_url=reverse(spec.list_url), order=spec.order)


def _request_blocks(actor: Actor, today: dt.date, shown: list[Any]) -> list[TodayBlock]:
    items = _Items(actor)
    slices = {**selectors.provider_today(actor, today), **selectors.requester_today(actor)}
    blocks = []
    for key, found in slices.items():
        shown.extend(found.rows)
        blocks.append(_block(key, found.count, [items.request(req) for req in found.rows]))
    return blocks


def _task_block(actor: Actor, shown: list[Any]) -> list[TodayBlock]:
    found = selectors.open_tasks(actor)
    if found is None:
        return []
    duties, questions = found
    lines = [
        TodayItem(label=duty.request.reference or "", url=_detail_url(duty.request),
                  status=str(duty.get_kind_display()))
        for duty in duties
    ] + [
        TodayItem(label=q.reference or "", due=q.due_date, status=str(_("Vraag over een kind beantwoorden")),
                  url=reverse("requests:reverse_detail", kwargs={"public_id": q.public_id}))
        for q in questions
    ]
    first = lines[: selectors.FIRST_ROWS]
    shown.extend([*duties, *questions][: selectors.FIRST_ROWS])
    return [_block("tasks", len(lines), first)]


def _advice_block(actor: Actor, shown: list[Any]) -> list[TodayBlock]:
    found = selectors.open_advice(actor)
    if found is None:
        return []
    items = _Items(actor)
    shown.extend(found.rows)
    lines = [items.request(advice.request, status=str(advice.get_origin_display())) for advice in found.rows]
    return [_block("advice", found.count, lines)]


def _counts_block(actor: Actor, today: dt.date) -> list[TodayBlock]:
    counts = selectors.organisation_counts(actor, today)
    if not counts:
        return []
    labels = {
        "open": _("Openstaande verzoeken"),
        "overdue": _("Waarvan te laat"),
        "unassigned": _("Waarvan nog niet toegewezen"),
        "to_read": _("Antwoorden die nog gelezen moeten worden"),
    }
    lines = [TodayItem(label=str(labels[key]), status=str(value)) for key, value in counts.items()]
    return [TodayBlock(key="organisation_counts", heading=_("Verzoeken van uw organisatie in cijfers"),
                       count=counts["open"], empty_text="", items=lines, counts_only=True, order=90)]


def today_blocks(actor: Actor) -> list[TodayBlock]:
    """The source registered with ``toolkid.today``: every block that applies to ``actor``."""
    today = timezone.localdate()
    shown: list[Any] = []
    blocks = [
        *_request_blocks(actor, today, shown),
        *_task_block(actor, shown),
        *_advice_block(actor, shown),
    ]
    if blocks:
        _log(actor, shown)
    return [*blocks, *_counts_block(actor, today)]


def _log(actor: Actor, shown: Iterable[Any]) -> None:
    # One audit write for the SEARCH and the READs (issue 11).
    with access.one_list_write():
        _log_now(actor, shown)


def _log_now(actor: Actor, shown: Iterable[Any]) -> None:
    access.record_list(actor, RequestAuditCode.TODAY_LISTED, {})
    access.record_parents_shown(actor, RequestAuditCode.TODAY_LISTED, shown)
