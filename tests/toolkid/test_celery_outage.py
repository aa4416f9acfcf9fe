"""Broker outages (issue #12, item 7) without a broker: the Celery settings that keep worker and
beat waiting, and beat's scheduler logging a send it could not make in one line.

The real outage, with a worker, beat and a Redis that stops: tests/integration/test_redis_outage.py.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from celery.beat import PersistentScheduler, ScheduleEntry
from celery.utils.imports import symbol_by_name
from kombu.exceptions import OperationalError

from toolkid.celery import app
from toolkid.celery_beat import QuietScheduler


def test_worker_and_beat_retry_the_broker_forever():
    conf = app.conf
    # None is "forever" (0 would be "never retry"); Celery's default of 100 gives up after ~45 min.
    assert conf.broker_connection_max_retries is None
    assert conf.broker_connection_retry is True
    assert conf.broker_connection_retry_on_startup is True
    # A task that can no longer be acknowledged is stopped on connection loss (acks late).
    assert conf.task_acks_late is True
    assert conf.worker_cancel_long_running_tasks_on_connection_loss is True
    # Sending gives up within seconds (beat tries again next tick), capped at one second apart.
    policy = conf.task_publish_retry_policy
    assert policy["max_retries"] <= 3 and policy["interval_max"] <= 1


def test_beat_uses_the_quiet_scheduler():
    assert symbol_by_name(app.conf.beat_scheduler) is QuietScheduler
    assert issubclass(QuietScheduler, PersistentScheduler)


@pytest.fixture
def scheduler(tmp_path) -> QuietScheduler:
    return QuietScheduler(app=app, schedule_filename=str(tmp_path / "celerybeat-schedule"), lazy=True)


def entry() -> ScheduleEntry:
    # A task name no worker registers: Celery's apply_async sends it with send_task, which the
    # tests replace; everything between (the SchedulingError it raises) is Celery's own.
    return ScheduleEntry(
        name="deadline-sweep", task="tests.not-a-registered-task",
        schedule=timedelta(seconds=1), app=app,
    )


def fail_with(monkeypatch, scheduler, exc: BaseException) -> None:
    def send_task(*args, **kwargs):
        raise exc

    monkeypatch.setattr(scheduler, "send_task", send_task)


def error_records(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("exc", "shown"),
    [
        (OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused."),
         "OperationalError: Error 111 connecting to 127.0.0.1:6379. Connection refused."),
        (ConnectionRefusedError(111, "Connection refused"),
         "ConnectionRefusedError: [Errno 111] Connection refused"),
        (OperationalError("timed out\nsecond line"), "OperationalError: timed out"),
    ],
    ids=["kombu", "socket", "multi-line message"],
)
def test_unreachable_broker_is_one_line_without_traceback(monkeypatch, caplog, scheduler, exc, shown):
    fail_with(monkeypatch, scheduler, exc)
    with caplog.at_level(logging.INFO):
        scheduler.apply_entry(entry())  # does not raise: beat keeps ticking
    [record] = error_records(caplog)
    assert record.exc_info is None and record.exc_text is None
    message = record.getMessage()
    assert message == f"beat: could not send deadline-sweep: {shown}"
    assert "\n" not in message


def test_other_errors_keep_their_traceback(monkeypatch, caplog, scheduler):
    fail_with(monkeypatch, scheduler, ValueError("not a broker problem"))
    with caplog.at_level(logging.INFO):
        scheduler.apply_entry(entry())
    [record] = error_records(caplog)
    assert record.exc_info is not None
    assert "Message Error" in record.getMessage()
    assert "not a broker problem" in record.getMessage()


def test_a_sent_task_logs_no_error(monkeypatch, caplog, scheduler):
    sent = []
    monkeypatch.setattr(scheduler, "send_task", lambda *a, **k: sent.append(a) or None)
    with caplog.at_level(logging.INFO):
        scheduler.apply_entry(entry())
    assert sent and not error_records(caplog)
    assert "Sending due task deadline-sweep" in caplog.text
