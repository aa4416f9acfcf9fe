"""A real Celery worker and beat, on Redis and PostgreSQL: beat schedules the heartbeat
every second, the worker runs it, and the row it writes shows up in the test's database.
No mocks, no eager mode. Runs in CI's PostgreSQL/Redis pass (.ci/run); skipped otherwise."""

from __future__ import annotations

import re

import pytest

from toolkid.models import WorkerHeartbeat

HEARTBEATS_EXPECTED = 2
TIMEOUT_SECONDS = 45


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_beat_schedules_and_worker_runs_the_heartbeat(celery_processes):
    assert not WorkerHeartbeat.objects.filter(name="beat").exists()
    try:
        worker = celery_processes.worker()
        beat = celery_processes.beat()

        def heartbeat_seen_twice():
            return WorkerHeartbeat.objects.filter(
                name="beat", beats__gte=HEARTBEATS_EXPECTED
            ).first()

        row = celery_processes.wait_for(
            heartbeat_seen_twice, TIMEOUT_SECONDS, f"heartbeat with beats >= {HEARTBEATS_EXPECTED}"
        )
        assert row.beats >= HEARTBEATS_EXPECTED
        assert worker.alive() and beat.alive()
        # It was this worker, on this broker, that ran the task.
        assert re.search(r"Task toolkid\.tasks\.heartbeat\[[0-9a-f-]+\] succeeded", worker.log())
        assert "Sending due task heartbeat (toolkid.tasks.heartbeat)" in beat.log()
    finally:
        celery_processes.stop_all()
