"""The deadline sweep (R26) in a real Celery worker and beat, on Redis and PostgreSQL.

1. Beat schedules ``deadline-sweep`` every second; the worker runs it; the notices of requests
   whose moments have passed appear as rows, each once.
2. The worker is killed (SIGKILL, the whole process group) in the middle of a sweep. Its open
   batch is rolled back by PostgreSQL; after a new worker starts, the next sweeps catch up and
   every due notification exists exactly once.

No mocks, no eager mode. Runs in CI's PostgreSQL/Redis pass; skipped otherwise."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter

import pytest
import time_machine
from django.utils import timezone

from requests.models import DeadlineNotice, DeadlineNoticeKind, DeadlineNoticeStatus
from toolkid.models import DecreeDay, Notification
from toolkid.workdays import DEFAULT_DECREE_DAYS

# The request fixtures (filed_request and the people around it) live in tests/requests.
from ..requests.conftest import (  # noqa: F401
    beheerder,
    filed_request,
    teamleider,
)

TIMEOUT_SECONDS = 90
#: Per request: due-day notice to the intake (teamleider + zorgverlener), the overdue alert to
#: the teamleider and the requester, the second escalation to the beheerder.
NOTIFICATIONS_PER_REQUEST = 5
N = DeadlineNoticeKind
S = DeadlineNoticeStatus


@pytest.fixture
def people(clinician, teamleider, beheerder, db):  # noqa: F811
    for day, description in DEFAULT_DECREE_DAYS.items():
        DecreeDay.objects.get_or_create(date=day, defaults={"description": description})
    return clinician, teamleider, beheerder


def file_in_the_past(filed_request, count: int) -> list:  # noqa: F811
    """Requests sent 30 days ago: all four moments of their due date have passed."""
    past = timezone.now() - dt.timedelta(days=30)
    with time_machine.travel(past.replace(hour=10), tick=False):
        return [filed_request("A") for _ in range(count)]


def processed() -> int:
    return DeadlineNotice.objects.exclude(status=S.PLANNED).count()


def assert_each_notice_once(requests_) -> None:
    for request in requests_:
        statuses = Counter(DeadlineNotice.objects.filter(request=request).values_list("kind", "status"))
        assert statuses == Counter({
            (N.REMINDER, S.SUPERSEDED): 1,  # caught up after the due date: the due-day notice suffices
            (N.DUE, S.SENT): 1,
            (N.OVERDUE, S.SENT): 1,
            (N.ESCALATION, S.SENT): 1,
        }), request.reference
    per_request = Counter(Notification.objects.values_list("params__reference", flat=True))
    assert per_request == Counter({r.reference: NOTIFICATIONS_PER_REQUEST for r in requests_})
    assert max(Counter(Notification.objects.values_list("recipient_id", "source_key")).values()) == 1
    # What each notice row says it sent is what exists.
    for notice in DeadlineNotice.objects.filter(status=S.SENT):
        made = Notification.objects.filter(source_key__startswith=f"deadline_notice:{notice.pk}:").count()
        assert made == notice.recipients


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beat_and_worker_run_the_deadline_sweep(celery_processes, filed_request, people):  # noqa: F811
    requests_ = file_in_the_past(filed_request, 3)
    total = DeadlineNotice.objects.count()
    assert total == 12 and processed() == 0
    try:
        worker = celery_processes.worker()
        beat = celery_processes.beat()
        celery_processes.wait_for(
            lambda: processed() == total
            and Notification.objects.count() == 3 * NOTIFICATIONS_PER_REQUEST,
            TIMEOUT_SECONDS,
            "every notice processed",
        )
        assert_each_notice_once(requests_)
        # Later sweeps (one a second) add nothing.
        time.sleep(3)
        assert Notification.objects.count() == 3 * NOTIFICATIONS_PER_REQUEST
        assert re.search(r"Task requests\.tasks\.deadline_sweep\[[0-9a-f-]+\] succeeded", worker.log())
        assert "Sending due task deadline-sweep (requests.tasks.deadline_sweep)" in beat.log()
    finally:
        celery_processes.stop_all()


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_during_a_sweep_loses_and_doubles_nothing(
    celery_processes, filed_request, people  # noqa: F811
):
    requests_ = file_in_the_past(filed_request, 40)
    total = DeadlineNotice.objects.count()
    # One notice per transaction: the sweep takes long enough to be caught in the middle.
    slow = {"TOOLKID_SWEEP_BATCH_SIZE": "1"}
    try:
        worker = celery_processes.worker(env=slow)
        celery_processes.beat()

        def halfway() -> bool:
            return 0 < processed() < total

        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not halfway():
            assert time.monotonic() < deadline, f"the sweep did not start\n{celery_processes.logs()}"
            assert processed() < total, "the sweep finished before it could be interrupted"
            time.sleep(0.02)
        worker.kill()  # SIGKILL to the whole process group: a crash, not a shutdown
        at_kill = processed()
        assert 0 < at_kill < total
        assert "deadline_sweep" in worker.log()
        time.sleep(2)
        assert processed() == at_kill, "nothing moves while no worker runs"

        restarted = celery_processes.worker(env=slow)
        # (celery_processes.wait_for would stop at the killed worker; poll the new one here.)
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while not (processed() == total
                   and Notification.objects.count() == len(requests_) * NOTIFICATIONS_PER_REQUEST):
            assert restarted.alive(), f"the new worker died\n{celery_processes.logs()}"
            assert time.monotonic() < deadline, f"not caught up after the restart\n{celery_processes.logs()}"
            time.sleep(0.25)
        time.sleep(2)  # a few more sweeps
        assert_each_notice_once(requests_)
    finally:
        celery_processes.stop_all()
