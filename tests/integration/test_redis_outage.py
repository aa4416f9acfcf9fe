"""A long Redis outage with a real worker and beat (issue #12, item 7), on a Redis server of
the test's own: the shared Redis is never stopped.

The broker goes away for OUTAGE_SECONDS and comes back on the same port. Then:

- the worker and beat are still running, and the worker runs the deadline sweep again;
- beat logged each send it could not make in one line, without a traceback;
- a control worker whose retries run out (tests/integration/outage_settings.py: two retries,
  Celery's give-up behaviour compressed from ~45 minutes to ~6 seconds) did stop during the same
  outage, so the outage is long enough to stop a worker that gives up.

Needs PostgreSQL and Redis like the other integration tests (CI's pass) and ``redis-server`` on
PATH; skipped otherwise."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis

OUTAGE_SECONDS = 10
TIMEOUT_SECONDS = 60
#: A failed send is two lines: Celery's "Sending due task" and ours "could not send".
MAX_LINES_PER_FAILED_SEND = 3
SWEEP_SUCCEEDED = re.compile(r"Task requests\.tasks\.deadline_sweep\[[0-9a-f-]+\] succeeded")
READY = re.compile(r"integration-\w+@\S+ ready\.")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A redis-server of one test: in memory only, on a port of its own, stopped and started
    again on that same port."""

    def __init__(self, executable: str, workdir: Path):
        self.executable = executable
        self.workdir = workdir
        self.port = free_port()
        self.popen: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = (self.workdir / "redis-server.log").open("a", encoding="utf-8")
        self.popen = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        log.close()
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if self.popen.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on port {self.port}") from None
                time.sleep(0.1)
            finally:
                client.close()

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)


@pytest.fixture
def own_redis(requires_postgres_and_redis, tmp_path: Path) -> Iterator[RedisServer]:
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("needs redis-server on PATH: the test stops a Redis of its own, never the shared one")
    workdir = tmp_path / "redis"
    workdir.mkdir()
    server = RedisServer(executable, workdir)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def poll(condition: Callable[[], object], timeout: float, what: str, logs: Callable[[], str]):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout:.0f}s\n{logs()}")
        time.sleep(0.25)
    return value


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_worker_and_beat_outlast_a_redis_outage(own_redis, celery_processes):
    broker = {"CELERY_BROKER_URL": own_redis.url}
    worker = celery_processes.worker(env=broker)
    gives_up = celery_processes.worker(
        env={**broker, "DJANGO_SETTINGS_MODULE": "tests.integration.outage_settings"}
    )
    beat = celery_processes.beat(env=broker)
    logs = celery_processes.logs

    # Both workers take tasks from the same queue (which one gets the sweep is up to Redis).
    celery_processes.wait_for(
        lambda: SWEEP_SUCCEEDED.search(worker.log() + gives_up.log())
        and all(READY.search(w.log()) for w in (worker, gives_up)),
        TIMEOUT_SECONDS,
        "both workers ready and a sweep run before the outage",
    )

    own_redis.stop()
    down_at = time.monotonic()
    beat_lines_at_down = len(beat.log().splitlines())  # (a line being written stays out)
    # The control worker runs out of retries within the outage: a worker that gives up stops.
    poll(lambda: not gives_up.alive(), OUTAGE_SECONDS, "control worker giving up", logs)
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - down_at)))
    assert worker.alive() and beat.alive(), f"stopped during the outage\n{logs()}"
    beat_during = beat.log().splitlines()[beat_lines_at_down:]
    worker_at_up = len(worker.log())
    own_redis.start()

    # After the outage: the same worker runs the sweep that beat sends again.
    poll(lambda: SWEEP_SUCCEEDED.search(worker.log()[worker_at_up:]), TIMEOUT_SECONDS,
         "deadline sweep after the outage", logs)
    assert worker.alive() and beat.alive(), logs()

    # The worker waited and retried with no limit: Celery counts the retries against
    # broker_connection_max_retries, "(1/100)" by default, "(1/None)" for never giving up ...
    assert "Connection to broker lost" in worker.log()
    assert re.search(r"Trying again in [\d.]+ seconds\.\.\. \(\d+/None\)", worker.log()), logs()
    # ... and cancels an unacknowledgeable task on connection loss (no "will be True in 6.0"
    # warning: worker_cancel_long_running_tasks_on_connection_loss is on).
    assert "worker_cancel_long_running_tasks_on_connection_loss" not in worker.log()
    # The control worker stopped because its retries ran out, not for another reason.
    assert gives_up.popen.returncode != 0
    assert "OperationalError" in gives_up.log()

    # Beat: every failed send is one line, no traceback, a few lines per tick at most.
    shown = "\n".join(beat_during)
    failed = [line for line in beat_during if "beat: could not send" in line]
    assert failed, f"beat sent nothing during the outage?\n{shown}"
    assert "Traceback" not in beat.log()
    assert all(line.startswith("[") for line in beat_during), shown  # no continuation lines
    assert len(beat_during) <= MAX_LINES_PER_FAILED_SEND * len(failed), shown
    assert re.search(r"beat: could not send (deadline-sweep|heartbeat): \w+: ", failed[0]), failed[0]
