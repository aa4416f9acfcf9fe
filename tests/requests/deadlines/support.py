"""Plain helpers for the deadline tests (issue 5): a frozen clock in Amsterdam time and reading
what the sweep did. The fixtures are in conftest.py."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail

from requests.models import DeadlineNotice, DeadlineNoticeStatus, InformationRequest
from requests.services_deadlines import deadline_sweep
from toolkid.models import Notification

AMS = ZoneInfo("Europe/Amsterdam")


def at(year: int, month: int, day: int, hour: int = 9, minute: int = 0) -> time_machine.travel:
    """Freeze the clock at a local (Amsterdam) moment."""
    return time_machine.travel(dt.datetime(year, month, day, hour, minute, tzinfo=AMS), tick=False)


def sweep_at(day: dt.date, hour: int = 9, **kwargs):
    with at(day.year, day.month, day.day, hour):
        return deadline_sweep(**kwargs)


def sent(request: InformationRequest) -> list[str]:
    return list(
        DeadlineNotice.objects.filter(request=request, status=DeadlineNoticeStatus.SENT)
        .order_by("send_at", "pk")
        .values_list("kind", flat=True)
    )


def statuses(request: InformationRequest) -> dict[tuple[str, dt.date], str]:
    return {
        (n.kind, n.due_date): n.status for n in DeadlineNotice.objects.filter(request=request)
    }


def received(request: InformationRequest | None = None) -> Counter:
    """(username, notification kind) → how many."""
    qs = Notification.objects.all()
    if request is not None:
        qs = qs.filter(params__reference=request.reference)
    return Counter(qs.values_list("recipient__username", "kind"))


def outbox_recipients() -> Counter:
    return Counter(address for message in mail.outbox for address in message.to)


def working_days(start: dt.date, end: dt.date):
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)
