"""Two sweeps at the same moment, each in its own thread with its own database connection:
``select_for_update(skip_locked=True)`` gives every due notice to exactly one of them, and the
unique keys make sure nothing is notified twice. The second test holds one sweep inside its
claim and shows the other passes the locked rows by (it would time out waiting without
``skip_locked``). Needs PostgreSQL (SQLite serialises writers, so it cannot show this)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections import Counter

import pytest
from django.db import connection, transaction

from audit.models import AuditEvent
from requests.deadlines.services import deadline_sweep
from requests.models import DeadlineNotice, DeadlineNoticeStatus
from toolkid.models import Notification

from .support import AMS, at

THREADS = 2
REQUESTS = 6


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("batch_size", [1, 5])
def test_two_sweeps_at_once_send_each_notice_once(
    filed_request, clinician, teamleider, beheerder, clinician2, decree_days, batch_size
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
            result = deadline_sweep(now=now, batch_size=batch_size).as_dict()
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
    # One audit event per notice sent, written by whichever sweep sent it.
    logged = Counter(
        AuditEvent.objects.filter(event="request.deadline_notice_sent").values_list(
            "payload__deadline_notice_id", flat=True
        )
    )
    assert set(logged) == set(
        DeadlineNotice.objects.filter(status=DeadlineNoticeStatus.SENT).values_list("pk", flat=True)
    )
    assert set(logged.values()) == {1}
    # A third sweep finds nothing left.
    again = deadline_sweep(now=now)
    assert (again.sent, again.notifications) == (0, 0)


HELD = 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_sweep_skips_the_notices_another_sweep_holds_instead_of_waiting(
    filed_request, clinician, teamleider, beheerder, clinician2, decree_days, monkeypatch
):
    """Sweep A claims a batch and, still inside its transaction (the rows locked), stops. Sweep
    B then runs with ``SET LOCAL lock_timeout = '500ms'``: with ``skip_locked`` it passes A's
    rows by and handles all the others without waiting; without it, B would wait for A's lock
    and fail with a lock timeout. When A goes on, it finishes its batch and finds nothing else:
    every notice went exactly once."""
    from requests.deadlines import services as services_deadlines

    with at(2026, 5, 11, 10):
        requests_ = [filed_request("A") for _ in range(4)]
    now = dt.datetime(2026, 5, 27, 9, 0, tzinfo=AMS)
    due = DeadlineNotice.objects.filter(status=DeadlineNoticeStatus.PLANNED, send_at__lte=now)
    total = due.count()
    assert total == 4 * len(requests_)

    claimed, go_on = threading.Event(), threading.Event()
    held: list[int] = []
    errors: list[BaseException] = []
    results: dict[str, dict] = {}
    real_send = services_deadlines._send_batch

    def holding_send(batch, now_, result):
        if threading.current_thread().name == "sweep-a" and not claimed.is_set():
            # A's batch is claimed: its rows are locked until A's transaction ends.
            held.extend(
                DeadlineNotice.objects.filter(status=DeadlineNoticeStatus.PLANNED, send_at__lte=now)
                .order_by("send_at", "pk")
                .values_list("pk", flat=True)[:HELD]
            )
            claimed.set()
            assert go_on.wait(timeout=60), "the test never let sweep A go on"
        real_send(batch, now_, result)

    monkeypatch.setattr(services_deadlines, "_send_batch", holding_send)

    def sweep_a() -> None:
        try:
            results["a"] = deadline_sweep(now=now, batch_size=HELD).as_dict()
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            claimed.set()
            connection.close()

    thread = threading.Thread(target=sweep_a, name="sweep-a")
    thread.start()
    try:
        assert claimed.wait(timeout=30) and not errors, errors
        started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '500ms'")
            results["b"] = deadline_sweep(now=now, batch_size=2).as_dict()
        elapsed = time.monotonic() - started
        # B handled everything but A's batch, and did not stop to wait for A's lock.
        still_planned = set(due.values_list("pk", flat=True))
        assert still_planned == set(held) and len(held) == HELD
        assert results["b"]["sent"] + results["b"]["superseded"] == total - HELD
        assert elapsed < 10, elapsed
    finally:
        go_on.set()
        thread.join(timeout=60)
    assert not errors, errors
    assert results["a"]["sent"] + results["a"]["superseded"] == HELD
    assert not due.exists()
    duplicates = Counter(Notification.objects.values_list("recipient_id", "source_key"))
    assert max(duplicates.values()) == 1
    per_request = Counter(Notification.objects.values_list("params__reference", flat=True))
    assert per_request == Counter({r.reference: 6 for r in requests_})


@pytest.mark.postgres
def test_with_nothing_due_the_sweep_reads_indexes_not_tables(filed_request, decree_days):
    """Issue 11: the sweep's two reads — what is left to plan, what is due to send — are index
    scans over a few thousand open requests (ANALYZEd), never a sequential scan of the requests
    or the notices: with nothing due their cost does not grow with the open requests."""
    from requests.deadlines.services import due_notices, to_plan

    from .support import clone_requests

    with at(2026, 5, 11, 10):
        template = filed_request("A")
    clone_requests(template, 3000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE requests_informationrequest")
        cursor.execute("ANALYZE requests_deadlinenotice")
    now = dt.datetime(2026, 5, 12, 9, 0, tzinfo=AMS)  # the day after filing: nothing due
    planning = to_plan().explain()
    with transaction.atomic():
        claiming = due_notices(now)[:100].explain()
    for plan in (planning, claiming):
        assert "Seq Scan on requests_informationrequest" not in plan, plan
        assert "Seq Scan on requests_deadlinenotice" not in plan, plan
    assert "request_notices_to_plan" in planning, planning
    assert not to_plan().exists()
