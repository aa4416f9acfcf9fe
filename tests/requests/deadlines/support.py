"""Plain helpers for the deadline tests (R26, L1): a frozen clock in Amsterdam time and reading
what the sweep did. The fixtures are in conftest.py."""

from __future__ import annotations

import copy
import datetime as dt
import re
import uuid
from collections import Counter
from zoneinfo import ZoneInfo

import time_machine
from django.core import mail

from requests.deadlines.services import deadline_sweep
from requests.models import DeadlineNotice, DeadlineNoticeStatus, InformationRequest
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


#: What a text must not say while the path-C hold holds (R35, R37, R40): anything telling
#: someone to inform, contact or tell the parent — in Dutch or English — and the codes of the
#: parent-facing duties. Deliberately broad: a false alarm is a reason to reword, not to relax.
_PARENT = r"\b(?:ouders?|parents?)\b"
PARENT_CONTACT_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"ouder_informeren|terugkoppeling_ouder|ouder_vertellen_contact",
        # "de ouder informeren", "ouder op de hoogte brengen", "met de ouder bespreken"
        _PARENT + r"[^.?!]{0,60}\b(?:informeren|inlichten|vertellen|berichten|benaderen|bellen|"
        r"contacteren|spreken|bespreken|terugkoppel\w*|op de hoogte|in kennis|laten weten)",
        # "informeer de ouder", "breng de ouder op de hoogte", "neem contact op met de ouder"
        r"\b(?:informeer|licht|breng|stel|bel|benader|vertel|contacteer|bericht|spreek|bespreek|"
        r"neem|laat|koppel)\b[^.?!]{0,60}" + _PARENT,
        r"\bcontact\b[^.?!]{0,30}\bmet\s+(?:de\s+)?" + _PARENT,
        # English: "inform the parent", "contact the parents", "the parent is to be told"
        r"\b(?:inform|tell|notify|contact|call|brief|let)\w*\b[^.?!]{0,60}" + _PARENT,
        _PARENT + r"[^.?!]{0,60}\b(?:informed|told|notified|contacted|know)\b",
    )
)


def tells_to_contact_parent(text: str) -> list[str]:
    """The passages of ``text`` that tell someone to inform or contact the parent."""
    return [found.group(0) for pattern in PARENT_CONTACT_PATTERNS if (found := pattern.search(text))]


def notification_texts(notification: Notification) -> list[str]:
    """Everything a notification shows anyone, in Dutch and English: its kind's title, its
    sentence in the notification centre, and its e-mail subject and body."""
    from django.utils import translation

    from toolkid.notifications import category_label, email_for, text_for

    texts: list[str] = [notification.kind, notification.target_url]
    for language in ("nl", "en"):
        with translation.override(language):
            texts += [str(notification.get_kind_display()), str(category_label(notification)),
                      text_for(notification)]
    texts += list(email_for(notification))
    return texts


def clone_requests(template: InformationRequest, n: int) -> list[InformationRequest]:
    """``n`` copies of ``template`` (same organisations, people, state and due date) with copies
    of its planned notices, written in bulk: the scale tests need hundreds of open requests, and
    filing each through the services would take minutes."""
    rows = []
    for _ in range(n):
        row = copy.copy(template)
        row.pk = None
        row._state = copy.copy(template._state)
        row._state.adding = True
        row.public_id = uuid.uuid4()
        row.submit_token = uuid.uuid4()
        row.start_token = uuid.uuid4()
        row.reference = f"TK-K-{uuid.uuid4().hex[:12]}"
        rows.append(row)
    created = InformationRequest.objects.bulk_create(rows)
    notices = list(DeadlineNotice.objects.filter(request=template))
    DeadlineNotice.objects.bulk_create([
        DeadlineNotice(request=row, kind=n.kind, due_date=n.due_date, send_on=n.send_on,
                       send_at=n.send_at, status=n.status)
        for row in created for n in notices
    ])
    return created
