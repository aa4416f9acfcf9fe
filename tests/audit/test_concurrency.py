"""Concurrent writers do not wait on each other and nothing is lost (ADR 0006, R41): N threads
write while a sealer seals; afterwards every event is covered, the log verifies, and a row
tampered with is named."""

from __future__ import annotations

import datetime as dt
import json
import threading

import pytest
from django.db import connection

from audit.chain import verify_chain
from audit.events import record
from audit.models import AuditAction, AuditEvent, AuditSeal
from audit.sealing import seal_pending
from toolkid.actors import Actor

from .helpers import raw_sql

WRITERS = 4
EVENTS_PER_WRITER = 40


def _write(name: str, start: threading.Barrier, errors: list) -> None:
    try:
        start.wait(timeout=10)
        for n in range(EVENTS_PER_WRITER):
            record(actor=Actor.system(name), event="test.concurrent",
                   action=AuditAction.CREATE, payload={"writer": name, "n": n})
    except BaseException as exc:  # reported to the main thread below
        errors.append(exc)
    finally:
        connection.close()  # this thread's own connection


def _seal_while(writers: list[threading.Thread], errors: list) -> None:
    """The sealer, running the whole time with no grace period: the hardest case for gaps."""
    try:
        while any(thread.is_alive() for thread in writers):
            seal_pending(grace_period=dt.timedelta(seconds=2))
    except BaseException as exc:
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_writers_and_a_sealer_at_once_leave_a_complete_intact_log():
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []
    writers = [threading.Thread(target=_write, args=(f"writer{i}", start, errors)) for i in range(WRITERS)]
    sealer = threading.Thread(target=_seal_while, args=(writers, errors))
    for thread in writers:
        thread.start()
    sealer.start()
    for thread in [*writers, sealer]:
        thread.join(timeout=120)
    assert not errors, errors

    total = WRITERS * EVENTS_PER_WRITER
    seqs = list(AuditEvent.objects.values_list("seq", flat=True))
    assert len(seqs) == len(set(seqs)) == total
    for i in range(WRITERS):
        assert AuditEvent.objects.filter(on_behalf_of=f"writer{i}").count() == EVENTS_PER_WRITER
    seal_pending(grace_period=dt.timedelta(0))
    result = verify_chain(workers=2)
    assert result.ok, result.reason
    assert (result.checked, result.unsealed) == (total, 0)
    # Every event under exactly one seal, the seals back to back.
    seals = list(AuditSeal.objects.order_by("first_seq").values_list("first_seq", "last_seq", "event_count"))
    assert sum(count for _, _, count in seals) == total
    assert all(after[0] == before[1] + 1 for before, after in zip(seals, seals[1:], strict=False))

    target = AuditEvent.objects.order_by("seq")[total // 2]
    raw_sql("UPDATE audit_auditevent SET payload = %s WHERE id = %s", [json.dumps({"n": -1}), target.pk])
    broken = verify_chain(workers=2)
    assert (broken.ok, broken.first_broken_seq, broken.first_broken_id) == (False, target.seq, target.pk)
