"""Health of the running system: what ``/gezond/`` and ``/gereed/`` (toolkid/views_health.py)
and ``manage.py health_check`` (docker-compose.yml) report.

- Liveness: the process answers. Nothing here is asked; no database, no broker.
- Readiness: the database answers ``SELECT 1``, the Celery broker accepts a connection (on the
  embedded filesystem broker: its folders exist and are writable), and the deadline sweep
  (R26) finished recently, told by its heartbeat row.

Each check returns ``ok`` and a short Dutch ``detail`` for the operator. Details never hold
personal data, connection strings or passwords: a failure is named by its exception class,
the full message goes to the log with any URL in it masked.

Heartbeats are rows of ``toolkid.WorkerHeartbeat``, one per name, touched by the periodic
task that owns the name: ``beat`` by ``toolkid.tasks.heartbeat`` (beat schedules it, a worker
runs it) and ``deadline-sweep`` by ``requests.tasks.deadline_sweep`` after a finished sweep.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F
from django.utils import timezone
from kombu import Connection
from kombu.utils.url import maybe_sanitize_url

from toolkid.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

#: Heartbeat touched by ``toolkid.tasks.heartbeat``: beat scheduled it and a worker ran it.
BEAT_HEARTBEAT = "beat"
#: Heartbeat touched by ``requests.tasks.deadline_sweep`` after each finished sweep.
SWEEP_HEARTBEAT = "deadline-sweep"

#: When this process started (``ToolkidConfig.ready``): a heartbeat that has not been seen
#: yet is not a failure during the first ``TOOLKID_SWEEP_STALE_AFTER`` seconds after it.
PROCESS_STARTED_AT: dt.datetime = timezone.now()

# The folders of kombu's filesystem transport (settings.CELERY_BROKER_TRANSPORT_OPTIONS).
_FILESYSTEM_FOLDERS = ("data_folder_in", "data_folder_out", "processed_folder", "control_folder")


def note_process_start() -> None:
    global PROCESS_STARTED_AT
    PROCESS_STARTED_AT = timezone.now()


# --- heartbeats ----------------------------------------------------------------------------


def heartbeat_touch(*, name: str, now: dt.datetime | None = None) -> None:
    """Record that the periodic work called ``name`` just ran (an upsert; safe in parallel)."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(name=name).update(last_seen=now, beats=F("beats") + 1)
    if not updated:
        _, created = WorkerHeartbeat.objects.get_or_create(
            name=name, defaults={"last_seen": now, "beats": 1}
        )
        if not created:  # another process created it between our update and get_or_create
            WorkerHeartbeat.objects.filter(name=name).update(last_seen=now, beats=F("beats") + 1)


# --- checks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    ok: bool
    detail: str
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "detail": self.detail, **self.extra}


@dataclass(frozen=True)
class Report:
    checks: dict[str, Check]

    @property
    def ok(self) -> bool:
        return all(check.ok for check in self.checks.values())

    @property
    def failing(self) -> list[str]:
        return [name for name, check in self.checks.items() if not check.ok]

    def as_dict(self) -> dict:
        return {
            "status": "ok" if self.ok else "niet gereed",
            "checks": {name: check.as_dict() for name, check in self.checks.items()},
        }


def _failure(what: str, exc: BaseException) -> Check:
    # The message may name a host or carry a URL: the log gets it (masked), the answer does not.
    logger.warning("Health check %s failed: %s: %s", what, type(exc).__name__,
                   maybe_sanitize_url(str(exc).splitlines()[0] if str(exc) else ""))
    return Check(False, f"niet bereikbaar ({type(exc).__name__})")


def check_database() -> Check:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any failure means: not ready
        return _failure("database", exc)
    return Check(True, f"bereikbaar ({connection.vendor})")


def _broker_scheme(url: str) -> str:
    return url.split("://", 1)[0].split("+", 1)[0].lower() if "://" in url else url.lower()


def check_broker(*, timeout: float | None = None) -> Check:
    """A connection to ``CELERY_BROKER_URL``, given up after ``timeout`` seconds; on the
    embedded filesystem broker, its folders."""
    url = str(settings.CELERY_BROKER_URL)
    scheme = _broker_scheme(url)
    if scheme == "filesystem":
        return _check_filesystem_broker()
    timeout = settings.TOOLKID_HEALTH_TIMEOUT if timeout is None else timeout
    options = dict(getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {})
    options.update(socket_connect_timeout=timeout, socket_timeout=timeout)
    try:
        with Connection(url, connect_timeout=timeout, transport_options=options) as conn:
            # One attempt, no retry loop: a probe must answer within its own timeout.
            conn.ensure_connection(max_retries=0, timeout=timeout)
    except Exception as exc:
        return _failure("broker", exc)
    return Check(True, f"bereikbaar ({scheme})")


def _check_filesystem_broker() -> Check:
    options = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", None) or {}
    problems = []
    for key in _FILESYSTEM_FOLDERS:
        folder = options.get(key)
        if folder is None:
            continue
        if not os.path.isdir(folder):
            problems.append(f"{key} ontbreekt")
        elif not os.access(folder, os.W_OK | os.X_OK):
            problems.append(f"{key} niet schrijfbaar")
    if problems:
        return Check(False, "ingebouwde broker (bestandssysteem): " + ", ".join(problems))
    return Check(True, "ingebouwde broker (bestandssysteem): mappen aanwezig en schrijfbaar")


def check_heartbeat(
    *, name: str, now: dt.datetime | None = None, grace_until: dt.datetime | None = None
) -> Check:
    """Is the heartbeat ``name`` younger than ``TOOLKID_SWEEP_STALE_AFTER`` seconds?

    Until ``grace_until`` (a process that just started), a missing or old heartbeat is
    reported but not a failure: the first sweep may not have run yet.
    """
    now = now or timezone.now()
    limit = int(settings.TOOLKID_SWEEP_STALE_AFTER)
    try:
        last_seen = WorkerHeartbeat.objects.filter(name=name).values_list("last_seen", flat=True).first()
    except DatabaseError as exc:
        return _failure(f"heartbeat {name}", exc)
    in_grace = grace_until is not None and now < grace_until
    if last_seen is None:
        if in_grace:
            return Check(True, f"nog niet gezien sinds de start; fout na {limit} s", {"limit_seconds": limit})
        return Check(False, "nog nooit gezien", {"limit_seconds": limit})
    age = max(0, int((now - last_seen).total_seconds()))
    extra = {"age_seconds": age, "limit_seconds": limit}
    if age <= limit:
        return Check(True, f"laatst {age} s geleden", extra)
    if in_grace:
        return Check(True, f"laatst {age} s geleden, van voor de start; fout na {limit} s", extra)
    return Check(False, f"te oud: laatst {age} s geleden (grens {limit} s)", extra)


def check_audit_sealing(*, now: dt.datetime | None = None) -> Check:
    """Is the oldest unsealed audit event younger than ``TOOLKID_AUDIT_SEAL_MAX_LAG`` seconds
    (ADR 0006)? Older means the sealer (beat) is not running: events wait, protected by their
    own hashes and the triggers only."""
    from audit.sealing import sealing_lag

    limit = int(settings.TOOLKID_AUDIT_SEAL_MAX_LAG)
    try:
        lag = sealing_lag(now=now)
    except DatabaseError as exc:
        return _failure("audit sealing", exc)
    extra = {"unsealed": lag.count, "oldest_seconds": lag.oldest_age_seconds, "limit_seconds": limit}
    if lag.oldest_age_seconds is None:
        return Check(True, "alles verzegeld", extra)
    detail = f"{lag.count}{'+' if lag.capped else ''} niet verzegeld, de oudste {lag.oldest_age_seconds} s"
    if lag.oldest_age_seconds <= limit:
        return Check(True, detail, extra)
    return Check(False, f"{detail} (grens {limit} s)", extra)


def readiness(*, now: dt.datetime | None = None) -> Report:
    """Every readiness check, each named. The heartbeat is only read when the database
    answered (else it would just repeat that failure, slowly)."""
    now = now or timezone.now()
    checks: dict[str, Check] = {"database": check_database(), "broker": check_broker()}
    if checks["database"].ok:
        grace_until = PROCESS_STARTED_AT + dt.timedelta(seconds=int(settings.TOOLKID_SWEEP_STALE_AFTER))
        checks["deadline_sweep"] = check_heartbeat(name=SWEEP_HEARTBEAT, now=now, grace_until=grace_until)
        checks["audit_sealing"] = check_audit_sealing(now=now)
    else:
        checks["deadline_sweep"] = Check(False, "onbekend: de database is niet bereikbaar")
        checks["audit_sealing"] = Check(False, "onbekend: de database is niet bereikbaar")
    return Report(checks)
