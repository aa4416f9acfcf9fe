"""The settings modules, loaded the way a deployment loads them: in a fresh interpreter with
only the environment variables a test gives it (nothing inherited from the CI run)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_docker_compose import env_py_variables

ROOT = Path(__file__).resolve().parent.parent.parent
PROJECT_VARIABLES = env_py_variables((ROOT / "toolkid/settings/env.py").read_text("utf-8")) | {
    "DJANGO_SETTINGS_MODULE"
}

GOOD_SECRET = "k3Yv-9qLw2Xz!tR7pN4sB8mH1cJ6dF0gA5eU-example-only-not-a-secret"
PRODUCTION_ENV = {
    "SECRET_KEY": GOOD_SECRET,
    "DATABASE_URL": "postgres://x@127.0.0.1/x",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "toolkid.example.nl",
}

DUMP_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from toolkid.celery import app
conf = app.conf
print(json.dumps({
    "engine": settings.DATABASES["default"]["ENGINE"],
    "db_name": str(settings.DATABASES["default"]["NAME"]),
    "db_host": settings.DATABASES["default"].get("HOST", ""),
    "conn_health_checks": settings.DATABASES["default"].get("CONN_HEALTH_CHECKS", False),
    "broker": conf.broker_url,
    "embedded_broker": settings.CELERY_EMBEDDED_BROKER,
    "acks_late": conf.task_acks_late,
    "reject_on_worker_lost": conf.task_reject_on_worker_lost,
    "prefetch": conf.worker_prefetch_multiplier,
    "time_limit": conf.task_time_limit,
    "transport_options": conf.broker_transport_options,
    "debug": settings.DEBUG,
}))
"""


def clean_env(settings_module: str, **variables: str) -> dict[str, str]:
    """The caller's environment without any variable toolKID reads, plus ``variables``."""
    env = {k: v for k, v in os.environ.items() if k not in PROJECT_VARIABLES}
    env["DJANGO_SETTINGS_MODULE"] = settings_module
    env.update(variables)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def dump(settings_module: str, **variables: str) -> dict:
    result = run(["-c", DUMP_SETTINGS], clean_env(settings_module, **variables))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- production refuses to start when it would be unsafe -----------------------------------


def django_setup(**variables: str) -> subprocess.CompletedProcess[str]:
    env = clean_env("toolkid.settings.production", **variables)
    return run(["-c", "import django; django.setup()"], env)


def test_production_starts_with_a_complete_environment():
    result = django_setup(**PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG staat aan; de productie-instellingen weigeren te starten."),
        ({"SECRET_KEY": None}, "SECRET_KEY ontbreekt of is de ontwikkelwaarde"),
        ({"SECRET_KEY": "dev-insecure-not-for-production"}, "SECRET_KEY ontbreekt"),
        ({"SECRET_KEY": "short-but-not-the-default"}, "geheime sleutel van 50+ tekens"),
        ({"DATABASE_URL": None}, "DATABASE_URL ontbreekt; productie draait op PostgreSQL."),
        ({"CELERY_BROKER_URL": None}, "CELERY_BROKER_URL ontbreekt; productie gebruikt Redis."),
    ],
    ids=["debug", "no-secret", "default-secret", "short-secret", "no-database", "no-broker"],
)
def test_production_refuses_unsafe_configuration(change, message):
    variables = {**PRODUCTION_ENV, **change}
    variables = {k: v for k, v in variables.items() if v is not None}
    result = django_setup(**variables)
    assert result.returncode != 0
    last_line = result.stderr.strip().splitlines()[-1]
    assert last_line.startswith("django.core.exceptions.ImproperlyConfigured: "), result.stderr
    assert message in last_line


def test_production_passes_the_deployment_checklist():
    env = clean_env("toolkid.settings.production", **PRODUCTION_ENV)
    result = run(["manage.py", "check", "--deploy", "--fail-level", "INFO"], env)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output


def test_production_security_settings():
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DEBUG, s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, list(s.SECURE_PROXY_SSL_HEADER)]))"
    )
    result = run(["-c", script], clean_env("toolkid.settings.production", **PRODUCTION_ENV))
    assert result.returncode == 0, result.stderr
    debug, redirect, session_secure, csrf_secure, hsts, proxy_header = json.loads(result.stdout)
    assert (debug, redirect, session_secure, csrf_secure) == (False, True, True, True)
    assert hsts >= 365 * 24 * 60 * 60
    assert proxy_header == ["HTTP_X_FORWARDED_PROTO", "https"]


# --- defaults: embedded SQLite and broker; servers when the environment names them ---------


def test_base_defaults_to_sqlite_and_the_filesystem_broker():
    values = dump("toolkid.settings.base")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert Path(values["db_name"]) == ROOT / "var" / "toolkid.sqlite3"
    assert values["broker"] == "filesystem://"
    assert values["embedded_broker"] is True
    # The filesystem transport needs its folders; they live under var/.
    assert Path(values["transport_options"]["data_folder_in"]).is_relative_to(ROOT / "var")


DECLARE_ON_EMBEDDED_BROKER = """
import django
django.setup()
from kombu import Exchange, Queue
from toolkid.celery import app
with app.connection_for_write() as conn:
    Queue("celery", Exchange("celery"), routing_key="celery")(conn.default_channel).declare()
"""


def test_embedded_broker_keeps_its_exchange_tables_under_the_var_dir(tmp_path):
    # kombu's default control folder is ./control in the working directory: a worker started
    # from a checkout wrote it into the repository. It belongs with the other runtime data.
    var_dir = tmp_path / "var"
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    env = clean_env("toolkid.settings.base", TOOLKID_VAR_DIR=str(var_dir), PYTHONPATH=str(ROOT))
    result = subprocess.run(
        [sys.executable, "-c", DECLARE_ON_EMBEDDED_BROKER],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert not (workdir / "control").exists()
    tables = sorted(p.name for p in (var_dir / "celery-broker" / "control").iterdir())
    assert "celery.exchange" in tables


def test_database_url_selects_postgresql():
    values = dump("toolkid.settings.base", DATABASE_URL="postgres://toolkid@db.example:5432/tk")
    assert values["engine"] == "django.db.backends.postgresql"
    assert (values["db_name"], values["db_host"]) == ("tk", "db.example")
    assert values["conn_health_checks"] is True
    assert values["broker"] == "filesystem://"  # the broker is chosen separately


def test_test_settings_use_in_memory_sqlite_by_default():
    values = dump("toolkid.settings.test")
    assert values["engine"] == "django.db.backends.sqlite3"
    assert values["db_name"] == ":memory:"


# --- Celery reliability ---------------------------------------------------------------------


@pytest.mark.parametrize("broker", ["", "redis://127.0.0.1:6379/0"], ids=["embedded", "redis"])
def test_celery_reliability(broker):
    values = dump("toolkid.settings.test", **({"CELERY_BROKER_URL": broker} if broker else {}))
    # A task is acknowledged after it ran; one whose worker died goes back on the queue;
    # a worker holds one message at a time.
    assert values["acks_late"] is True
    assert values["reject_on_worker_lost"] is True
    assert values["prefetch"] == 1
    assert values["time_limit"] > 0
    if broker:
        assert values["broker"] == broker
        assert values["embedded_broker"] is False
        # An unacknowledged message is redelivered only after the visibility timeout; it
        # must outlast the longest task, or a slow task would run twice.
        assert values["transport_options"]["visibility_timeout"] > values["time_limit"]
