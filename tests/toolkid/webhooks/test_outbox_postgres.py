"""Three delivery runs at once, each in its own thread with its own database connection, to one
real receiver: ``select_for_update(skip_locked=True)`` gives every row to exactly one run, so
each event arrives once. Needs PostgreSQL (SQLite serialises writers and has no row locks)."""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection

from tests.toolkid.webhooks.conftest import TEST_TYPE
from toolkid.models import DeliveryStatus, WebhookDelivery
from toolkid.webhooks import events
from toolkid.webhooks.outbox import deliver_due

RUNS = 3
ROWS = 30


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_runs_side_by_side_deliver_each_event_once(register, wijkteam, receiver):
    endpoint, receiver.secret = register(wijkteam, receiver.url)
    receiver.start()
    for number in range(ROWS):
        events.emit(TEST_TYPE, organisation=wijkteam, subject=str(number), data={"verzoek": str(number)},
                    source_key=f"test:{number}")

    start = threading.Barrier(RUNS)
    errors: list[BaseException] = []
    delivered: list[int] = []

    def run() -> None:
        try:
            start.wait(timeout=10)
            delivered.append(deliver_due(batch_size=2).delivered)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sum(delivered) == ROWS
    ids = Counter(r.event.get_id() for r in receiver.accepted)
    assert len(ids) == ROWS and set(ids.values()) == {1}
    assert WebhookDelivery.objects.filter(endpoint=endpoint, status=DeliveryStatus.DELIVERED).count() == ROWS
