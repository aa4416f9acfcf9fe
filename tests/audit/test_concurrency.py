"""Concurrent writers queue on the chain head; the chain never forks (R41)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from audit.chain import verify_chain
from audit.events import record
from audit.models import AuditAction, AuditEvent
from toolkid.actors import Actor

WRITERS = 2
EVENTS_PER_WRITER = 20


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_writers_at_once_make_one_unbroken_chain():
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def write(name: str) -> None:
        try:
            start.wait(timeout=10)
            for n in range(EVENTS_PER_WRITER):
                record(actor=Actor.system(name), event="test.concurrent",
                       action=AuditAction.CREATE, payload={"writer": name, "n": n})
        except BaseException as exc:  # reported to the main thread below
            errors.append(exc)
        finally:
            connection.close()  # this thread's own connection

    threads = [threading.Thread(target=write, args=(f"writer{i}",)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    total = WRITERS * EVENTS_PER_WRITER
    assert list(AuditEvent.objects.values_list("seq", flat=True)) == list(range(1, total + 1))
    for i in range(WRITERS):
        assert AuditEvent.objects.filter(on_behalf_of=f"writer{i}").count() == EVENTS_PER_WRITER
    result = verify_chain()
    assert result.ok, result.reason
    assert result.checked == total
