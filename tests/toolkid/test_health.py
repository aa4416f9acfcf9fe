"""/gezond/ (liveness), /gereed/ (readiness), the heartbeats behind them and
``manage.py health_check`` (toolkid/health.py, toolkid/views_health.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import time

import pytest
import time_machine
from django.core.management import call_command
from django.db import OperationalError, connection
from django.utils import timezone

from audit.models import AuditEvent
from toolkid import health
from toolkid.models import Role, WorkerHeartbeat

LIVE = "/gezond/"
READY = "/gereed/"
STALE_AFTER = 300
SECRET = "geheim-wachtwoord-123"


@pytest.fixture(autouse=True)
def _health_settings(settings, tmp_path):
    """An embedded broker in folders of this test's own, and a fixed staleness limit."""
    settings.TOOLKID_SWEEP_STALE_AFTER = STALE_AFTER
    if str(settings.CELERY_BROKER_URL).startswith("filesystem"):
        settings.CELERY_BROKER_TRANSPORT_OPTIONS = embedded_broker_folders(tmp_path)


def embedded_broker_folders(tmp_path) -> dict:
    options = {key: tmp_path / "broker" / key for key in health._FILESYSTEM_FOLDERS}
    for folder in options.values():
        folder.mkdir(parents=True, exist_ok=True)
    return {**{key: str(folder) for key, folder in options.items()}, "store_processed": False}


@pytest.fixture
def started_long_ago(monkeypatch):
    """This process has been up for an hour: no grace period for a missing heartbeat."""
    monkeypatch.setattr(health, "PROCESS_STARTED_AT", timezone.now() - dt.timedelta(hours=1))


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError(f"connection to server failed: password {SECRET} rejected")

    monkeypatch.setattr(connection, "ensure_connection", refuse)


def body(response) -> dict:
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


# --- liveness --------------------------------------------------------------------------------


def test_liveness_needs_no_login_and_no_database(client, database_down):
    # No django_db mark either: pytest-django refuses any query in this test.
    response = client.get(LIVE)
    assert response.status_code == 200
    assert body(response) == {"status": "ok"}


def test_liveness_answers_head_and_refuses_post(client):
    assert client.head(LIVE).status_code == 200
    assert client.post(LIVE).status_code == 405


# --- readiness -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_readiness_is_ok_without_login_when_everything_is(client, started_long_ago):
    health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
    response = client.get(READY)
    assert response.status_code == 200, response.content
    report = body(response)
    assert report["status"] == "ok"
    assert set(report["checks"]) == {"database", "broker", "deadline_sweep", "audit_sealing"}
    assert all(check["ok"] for check in report["checks"].values())
    assert report["checks"]["deadline_sweep"]["age_seconds"] <= 5  # just touched (a slow machine may tick)
    assert report["checks"]["deadline_sweep"]["limit_seconds"] == STALE_AFTER


@pytest.mark.django_db
def test_readiness_is_not_a_read_of_personal_data(client, make_user, wijkteam, started_long_ago):
    make_user((wijkteam, Role.JEUGDHULPVERLENER), username="j.jansen", first_name="Joke",
              last_name="Jansen", email="joke.jansen@example.nl")
    health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
    events = AuditEvent.objects.count()
    text = client.get(READY).content.decode()
    assert AuditEvent.objects.count() == events
    for personal in ("jansen", "Joke", "example.nl", "Wijkteam"):
        assert personal.lower() not in text.lower()


@pytest.mark.django_db
def test_readiness_is_503_naming_the_database_when_it_is_down(client, database_down):
    response = client.get(READY)
    assert response.status_code == 503
    report = body(response)
    assert report["status"] == "niet gereed"
    assert report["checks"]["database"] == {"ok": False, "detail": "niet bereikbaar (OperationalError)"}
    assert report["checks"]["deadline_sweep"]["ok"] is False
    assert report["checks"]["broker"]["ok"] is True
    assert SECRET not in response.content.decode()


@pytest.mark.django_db
def test_readiness_is_503_when_the_sweep_heartbeat_is_stale(client, started_long_ago):
    with time_machine.travel(timezone.now() - dt.timedelta(seconds=STALE_AFTER + 60), tick=False):
        health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
    response = client.get(READY)
    assert response.status_code == 503
    check = body(response)["checks"]["deadline_sweep"]
    assert check["ok"] is False
    assert check["age_seconds"] >= STALE_AFTER + 60
    assert "te oud" in check["detail"]
    # The next sweep makes it ready again.
    health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
    assert client.get(READY).status_code == 200


@pytest.mark.django_db
def test_a_sweep_never_seen_is_reported_but_not_failed_right_after_the_start(client, monkeypatch):
    start = timezone.now()
    monkeypatch.setattr(health, "PROCESS_STARTED_AT", start)
    with time_machine.travel(start + dt.timedelta(seconds=10), tick=False):
        response = client.get(READY)
    assert response.status_code == 200
    check = body(response)["checks"]["deadline_sweep"]
    assert check["ok"] is True and "nog niet gezien" in check["detail"]
    with time_machine.travel(start + dt.timedelta(seconds=STALE_AFTER + 1), tick=False):
        response = client.get(READY)
    assert response.status_code == 503
    assert body(response)["checks"]["deadline_sweep"] == {
        "ok": False, "detail": "nog nooit gezien", "limit_seconds": STALE_AFTER,
    }


@pytest.mark.django_db
def test_readiness_is_503_when_the_embedded_broker_cannot_write(
    client, settings, tmp_path, started_long_ago
):
    health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
    settings.CELERY_BROKER_URL = "filesystem://"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        **embedded_broker_folders(tmp_path), "data_folder_in": "/nonexistent/toolkid/out",
    }
    response = client.get(READY)
    assert response.status_code == 503
    check = body(response)["checks"]["broker"]
    assert check["ok"] is False
    assert "data_folder_in ontbreekt" in check["detail"]
    assert "/nonexistent" not in response.content.decode()


@pytest.mark.django_db
def test_an_unreachable_broker_is_named_without_its_url_or_password(client, settings, started_long_ago):
    health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
    settings.CELERY_BROKER_URL = f"redis://:{SECRET}@127.0.0.1:1/0"
    began = time.monotonic()
    response = client.get(READY)
    assert time.monotonic() - began < settings.TOOLKID_HEALTH_TIMEOUT + 2
    assert response.status_code == 503
    text = response.content.decode()
    assert body(response)["checks"]["broker"] == {"ok": False, "detail": "niet bereikbaar (OperationalError)"}
    assert SECRET not in text and "127.0.0.1" not in text and "redis://" not in text


@pytest.mark.redis
@pytest.mark.django_db
def test_readiness_talks_to_redis_for_real(client, settings, started_long_ago):
    """CI (CELERY_BROKER_URL=redis://…): ok with Redis up, not ok for a port nobody listens
    on, within the probe's timeout."""
    if not str(settings.CELERY_BROKER_URL).startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL=redis://... (CI sets it)")
    health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
    response = client.get(READY)
    assert response.status_code == 200, response.content
    assert body(response)["checks"]["broker"] == {"ok": True, "detail": "bereikbaar (redis)"}

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    settings.TOOLKID_HEALTH_TIMEOUT = 1
    began = time.monotonic()
    response = client.get(READY)
    assert time.monotonic() - began < 3
    assert response.status_code == 503
    assert body(response)["checks"]["broker"]["ok"] is False


def test_the_health_urls_are_answered_before_login_and_two_factors(client, db):
    """No redirect to the login page: the views are exempt from TwoFactorRequiredMiddleware."""
    from django.urls import resolve

    for url in (LIVE, READY):
        assert getattr(resolve(url).func, "login_required", True) is False
        assert client.get(url).status_code in (200, 503)


# --- heartbeats ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_finished_deadline_sweep_touches_its_heartbeat():
    from requests.tasks import deadline_sweep

    assert not WorkerHeartbeat.objects.filter(name=health.SWEEP_HEARTBEAT).exists()
    deadline_sweep()
    deadline_sweep()
    beat = WorkerHeartbeat.objects.get(name=health.SWEEP_HEARTBEAT)
    assert beat.beats == 2
    assert timezone.now() - beat.last_seen < dt.timedelta(seconds=5)


@pytest.mark.django_db
def test_a_failed_sweep_does_not(monkeypatch):
    import requests.tasks

    def broken(**kwargs):
        raise RuntimeError("sweep failed")

    monkeypatch.setattr(requests.tasks, "_sweep", broken)
    with pytest.raises(RuntimeError):
        requests.tasks.deadline_sweep()
    assert not WorkerHeartbeat.objects.filter(name=health.SWEEP_HEARTBEAT).exists()


@pytest.mark.django_db
def test_the_beat_heartbeat_task_still_counts():
    from toolkid.tasks import heartbeat

    heartbeat()
    heartbeat()
    assert WorkerHeartbeat.objects.get(name=health.BEAT_HEARTBEAT).beats == 2


# --- manage.py health_check --------------------------------------------------------------------


def run_health_check(*args: str) -> tuple[int, dict]:
    out = io.StringIO()
    try:
        call_command("health_check", *args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, json.loads(out.getvalue())


@pytest.mark.django_db
def test_health_check_heartbeat_for_the_beat_container():
    code, report = run_health_check("--heartbeat")
    assert code == 1
    assert report["checks"][health.BEAT_HEARTBEAT]["ok"] is False
    health.heartbeat_touch(name=health.BEAT_HEARTBEAT)
    code, report = run_health_check("--heartbeat")
    assert code == 0 and report["status"] == "ok"
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=STALE_AFTER + 1), tick=False):
        assert run_health_check("--heartbeat")[0] == 1
        health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
        assert run_health_check("--heartbeat", health.SWEEP_HEARTBEAT)[0] == 0


@pytest.mark.django_db
def test_health_check_without_options_is_the_readiness_report(started_long_ago):
    health.heartbeat_touch(name=health.SWEEP_HEARTBEAT)
    code, report = run_health_check()
    assert code == 0
    assert set(report["checks"]) == {"database", "broker", "deadline_sweep", "audit_sealing"}
