"""Real Celery processes for integration tests: a worker and a beat, started as
``python -m celery -A toolkid ...`` against the same PostgreSQL test database and Redis
broker as the test itself; and gunicorn serving the app on that database (``web``).

Use the ``celery_processes`` fixture::

    @pytest.mark.redis
    @pytest.mark.django_db(transaction=True)
    def test_something(celery_processes):
        worker = celery_processes.worker()
        beat = celery_processes.beat()
        ...

Every process started through it is stopped when the test ends, however it ends. The
worker's process group can be killed hard (``worker.kill()``) to test what happens to a task
whose worker dies.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
TEST_SETTINGS = "toolkid.settings.test"


def database_url(db_settings: dict) -> str:
    """A DATABASE_URL naming exactly the database ``db_settings`` describes (after pytest-django
    set up the test database, ``NAME`` is the test database)."""
    user = quote(str(db_settings.get("USER") or ""), safe="")
    password = quote(str(db_settings.get("PASSWORD") or ""), safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = str(db_settings.get("HOST") or "")
    port = str(db_settings.get("PORT") or "")
    location = f"{host}:{port}" if port else host
    name = quote(str(db_settings["NAME"]), safe="")
    options = {k: v for k, v in (db_settings.get("OPTIONS") or {}).items() if isinstance(v, str)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{credentials}{location}/{name}{query}"


@dataclass
class CeleryProcess:
    """One process (a Celery worker or beat, or gunicorn) in its own process group, logging to
    a file."""

    role: str
    popen: subprocess.Popen
    log_path: Path
    _log_file: object = field(repr=False, default=None)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except FileNotFoundError:
            return ""

    def log_tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def _signal_group(self, sig: int) -> None:
        try:
            os.killpg(self.popen.pid, sig)
        except ProcessLookupError:
            pass

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Kill the whole process group at once (the worker and its pool children): a
        crash, not a shutdown."""
        self._signal_group(sig)
        self.popen.wait(timeout=10)

    def stop(self, timeout: float = 15.0) -> None:
        """Warm shutdown (SIGTERM); the group is killed if it does not exit in time.
        Safe to call more than once."""
        if self.alive():
            self._signal_group(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                pass
        # Pool children of a worker that exited (or was killed) must not outlive it.
        self._signal_group(signal.SIGKILL)
        if self.alive():
            self.popen.wait(timeout=10)
        if self._log_file is not None and not self._log_file.closed:
            self._log_file.close()


class CeleryProcesses:
    """Starts worker and beat processes for one test and stops them all afterwards."""

    def __init__(self, workdir: Path, env: dict[str, str]):
        self.workdir = workdir
        self.env = env
        self.started: list[CeleryProcess] = []

    def spawn(self, role: str, *args: str, env: dict[str, str] | None = None) -> CeleryProcess:
        return self._start(role, ["celery", "-A", "toolkid", role, *args], env)

    def _start(self, role: str, module_args: list[str], env: dict[str, str] | None) -> CeleryProcess:
        """``python -m <module_args>`` in a process group of its own, logging to a file."""
        log_path = self.workdir / f"{role}-{len(self.started)}.log"
        log_file = log_path.open("w", encoding="utf-8")
        popen = subprocess.Popen(
            [sys.executable, "-m", *module_args],
            cwd=self.workdir,  # stray files (pid, schedule) land here, not in the tree
            env={**self.env, **(env or {})},
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop/kill reaches pool children
        )
        process = CeleryProcess(role, popen, log_path, log_file)
        self.started.append(process)
        return process

    def worker(self, *args: str, env: dict[str, str] | None = None) -> CeleryProcess:
        defaults = (
            "--loglevel=INFO",
            "--concurrency=1",
            "--without-gossip",
            "--without-mingle",
            f"--hostname=integration-{uuid.uuid4().hex[:8]}@%h",
        )
        return self.spawn("worker", *defaults, *args, env=env)

    def beat(self, *args: str, env: dict[str, str] | None = None) -> CeleryProcess:
        schedule = self.workdir / "celerybeat-schedule"
        return self.spawn("beat", "--loglevel=INFO", f"--schedule={schedule}", *args, env=env)

    def web(self, port: int, *args: str, env: dict[str, str] | None = None) -> CeleryProcess:
        """gunicorn serving ``toolkid.wsgi`` on 127.0.0.1:``port`` (as in production: a few
        workers with threads), its access log in the process's log. Wait for it with
        :meth:`wait_for_web`."""
        options = ("--workers=2", "--threads=2", "--timeout=60", "--no-control-socket",
                   "--access-logfile=-", "--error-logfile=-")
        return self._start(
            "web", ["gunicorn", "toolkid.wsgi:application", f"--bind=127.0.0.1:{port}", *options, *args], env
        )

    def wait_for_web(self, port: int, timeout: float = 60) -> None:
        def answers() -> bool:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/gezond/", timeout=2) as response:
                    return response.status == 200
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                return False

        self.wait_for(answers, timeout, f"gunicorn on port {port}")

    def stop_all(self) -> None:
        errors = []
        for process in reversed(self.started):
            try:
                process.stop()
            except Exception as exc:  # keep stopping the others
                errors.append(f"{process.role} {process.pid}: {exc!r}")
        if errors:
            raise RuntimeError("could not stop: " + "; ".join(errors))

    def logs(self) -> str:
        def state(p: CeleryProcess) -> str:
            return "running" if p.alive() else f"exit {p.popen.returncode}"

        return "\n".join(
            f"--- {p.role} (pid {p.pid}, {state(p)}) ---\n{p.log_tail()}" for p in self.started
        )

    def wait_for(self, condition: Callable[[], object], timeout: float, what: str) -> object:
        """Poll ``condition`` until it returns something truthy; fail with the processes' logs
        on timeout or as soon as one of them died."""
        deadline = time.monotonic() + timeout
        while True:
            value = condition()
            if value:
                return value
            dead = [p for p in self.started if not p.alive()]
            if dead:
                pytest.fail(f"{dead[0].role} exited while waiting for {what}\n{self.logs()}")
            if time.monotonic() > deadline:
                pytest.fail(f"no {what} after {timeout:.0f}s\n{self.logs()}")
            time.sleep(0.25)


@pytest.fixture
def requires_postgres_and_redis(settings) -> None:
    """Skip unless the suite runs on Redis and PostgreSQL: a worker is a separate process,
    so it needs a real broker and must see the test's database."""
    from django.db import connection

    if not str(settings.CELERY_BROKER_URL).startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (CI sets it)")
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL=postgres://... (CI sets it)")


@pytest.fixture
def celery_env(tmp_path: Path, settings) -> dict[str, str]:
    """Environment for Celery subprocesses: the test settings on this test's database and
    broker, a one-second sweep, and a var dir of their own."""
    from django.db import connection

    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE=TEST_SETTINGS,
        DATABASE_URL=database_url(connection.settings_dict),
        CELERY_BROKER_URL=str(settings.CELERY_BROKER_URL),
        TOOLKID_VAR_DIR=str(tmp_path / "var"),
        TOOLKID_SWEEP_SECONDS="1",
        PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        PYTHONUNBUFFERED="1",
    )
    return env


@pytest.fixture
def celery_processes(
    requires_postgres_and_redis, transactional_db, tmp_path: Path, celery_env
) -> Iterator[CeleryProcesses]:
    """Spawner for real worker/beat processes; the broker queue starts empty, and every
    process is stopped at teardown (before the test database is flushed)."""
    from toolkid.celery import app

    app.control.purge()  # nothing left over from an earlier test or run
    processes = CeleryProcesses(tmp_path, celery_env)
    try:
        yield processes
    finally:
        processes.stop_all()
