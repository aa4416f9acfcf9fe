"""Two sweeps at the same moment, each in its own thread with its own database connection:
``select_for_update(skip_locked=True)`` gives every due notice to exactly one of them, and the
unique keys make sure nothing is notified twice. Needs PostgreSQL (SQLite serialises writers,
so it cannot show this)."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection

from requests.models import DeadlineNotice, DeadlineNoticeStatus
from requests.services_deadlines import deadline_sweep
from toolkid.models import Notification

from .support import AMS, at

THREADS = 2
REQUESTS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_notice_once(
    filed_request, clinician, teamleider, beheerder, clinician2, decree_days
):
    with at(2026, 5, 11, 10):
        requests_ = [filed_request("A") for _ in range(REQUESTS)]
    now = dt.datetime(2026, 5, 27, 9, 0, tzinfo=AMS)  # every moment of the 20 May due date passed

    start = threading.Barrier(THREADS)
    results: list[dict] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def sweep() -> None:
        try:
            start.wait(timeout=10)
            result = deadline_sweep(now=now, batch_size=1).as_dict()
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
            return
        finally:
            connection.close()  # this thread's own connection
        with lock:
            results.append(result)

    threads = [threading.Thread(target=sweep) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert len(results) == THREADS
    # Between them, the two sweeps handled every notice exactly once.
    assert sum(r["sent"] for r in results) == 3 * REQUESTS  # due, overdue, escalation
    assert sum(r["superseded"] for r in results) == REQUESTS  # the reminder (caught up late)
    assert not DeadlineNotice.objects.filter(status=DeadlineNoticeStatus.PLANNED).exists()
    # Intake ×3 (due), teamleider + requester (overdue), beheerder (escalation): 6 per request.
    per_request = Counter(Notification.objects.values_list("params__reference", flat=True))
    assert per_request == Counter({r.reference: 6 for r in requests_})
    assert sum(r["notifications"] for r in results) == 6 * REQUESTS
    duplicates = Counter(Notification.objects.values_list("recipient_id", "source_key"))
    assert max(duplicates.values()) == 1
    # A third sweep finds nothing left.
    again = deadline_sweep(now=now)
    assert (again.sent, again.notifications) == (0, 0)
