"""docker-compose.yml, .env.example and the Dockerfile agree with the settings.

Docker does not run in CI, so these tests read the files: every service toolKID needs is
there, beat runs exactly once, and every variable the deployment mentions is one that
``toolkid/settings/env.py`` reads (and the other way round).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import shlex
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
ENV_PY = ROOT / "toolkid" / "settings" / "env.py"
DOCKERFILE = ROOT / "Dockerfile"

REQUIRED_SERVICES = {"db", "redis", "web", "worker", "beat"}
# Services that run toolKID's own code (the image built from the Dockerfile).
APP_SERVICES = {"web", "worker", "beat", "migrate"}
# Read by manage.py, wsgi.py and celery.py rather than env.py (env.py says so).
SETTINGS_MODULE_VAR = "DJANGO_SETTINGS_MODULE"
PRODUCTION_SETTINGS = "toolkid.settings.production"
# Variables of the postgres image itself, set on the db service only.
POSTGRES_IMAGE_VARS = {"POSTGRES_DB", "POSTGRES_USER", "POSTGRES_PASSWORD_FILE"}

# `${NAME}`, `${NAME:-default}`, `$NAME`; `$$` is compose's escape for a literal `$`.
_INTERPOLATION = re.compile(
    r"(?<!\$)\$(?:\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}|([A-Za-z_][A-Za-z0-9_]*))"
)


# --- helpers ---------------------------------------------------------------------------


def env_py_variables(source: str) -> set[str]:
    """Names env.py reads: every ``env("NAME", ...)`` / ``env.<type>("NAME", ...)`` call."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        is_env_call = (isinstance(func, ast.Name) and func.id == "env") or (
            isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Name)
            and func.value.id == "env"
        )
        first = node.args[0]
        if is_env_call and isinstance(first, ast.Constant) and isinstance(first.value, str):
            names.add(first.value)
    return names


def parse_env_file(text: str) -> dict[str, str]:
    """KEY=value lines as docker compose reads an env_file (comments and blanks skipped)."""
    values = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep, f".env.example line {number} is not KEY=value: {raw!r}"
        key = key.strip()
        assert re.fullmatch(r"[A-Z_][A-Z0-9_]*", key), f"bad variable name on line {number}"
        assert key not in values, f"{key} appears twice in .env.example"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        values[key] = value
    return values


def interpolated_names(node: object) -> set[str]:
    """Every variable compose would interpolate anywhere in a (parsed) YAML tree."""
    if isinstance(node, dict):
        return interpolated_names([*node.keys(), *node.values()])
    if isinstance(node, list):
        return set().union(*(interpolated_names(v) for v in node))
    if isinstance(node, str):
        return {a or b for a, b in _INTERPOLATION.findall(node)}
    return set()


def environment_of(service: dict) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):  # ["KEY=value", "KEY"]
        return {k: (v if sep else None) for k, sep, v in (item.partition("=") for item in env)}
    return {k: (None if v is None else str(v)) for k, v in env.items()}


def command_args(service: dict) -> list[str]:
    command = service.get("command") or []
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


def option_value(args: list[str], option: str) -> str | None:
    """The value of ``--option=value`` or ``--option value`` (or ``-A value``)."""
    for i, arg in enumerate(args):
        if arg.startswith(option + "="):
            return arg.split("=", 1)[1]
        if arg == option and i + 1 < len(args):
            return args[i + 1]
    return None


def runs_celery(args: list[str], subcommand: str) -> bool:
    return bool(args) and Path(args[0]).name == "celery" and subcommand in args


def healthcheck_text(service: dict) -> str:
    test = (service.get("healthcheck") or {}).get("test")
    if isinstance(test, list):
        return " ".join(str(part) for part in test)
    return str(test or "")


def depends_on(service: dict) -> dict[str, str]:
    deps = service.get("depends_on") or {}
    if isinstance(deps, list):  # short form: started, not healthy
        return {name: "service_started" for name in deps}
    return {name: (cond or {}).get("condition", "service_started") for name, cond in deps.items()}


# --- fixtures --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def env_example() -> dict[str, str]:
    return parse_env_file(ENV_EXAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def settings_variables() -> set[str]:
    names = env_py_variables(ENV_PY.read_text(encoding="utf-8"))
    # The parser itself must work, or the cross-checks below would pass on an empty set.
    assert {"SECRET_KEY", "DATABASE_URL", "CELERY_BROKER_URL", "TOOLKID_DOCUMENTS_DIR"} <= names
    return names


# --- the helpers themselves --------------------------------------------------------------


def test_env_py_parser_finds_every_reader_form():
    source = (
        'import environ\nenv = environ.Env()\n'
        'A = env.str("ALPHA", default="")\nB = env.bool("BETA")\nC = env("GAMMA")\n'
        'D = other.str("NOT_ENV")\nE = env.list(NAME_IN_VARIABLE)\n'
    )
    assert env_py_variables(source) == {"ALPHA", "BETA", "GAMMA"}


def test_interpolation_finds_variables_but_not_escaped_dollars():
    tree = {"a": ["x ${ONE} $TWO", "${THREE:-d}", "$$HOSTNAME", "${FOUR:?set it}"], "b": 5}
    assert interpolated_names(tree) == {"ONE", "TWO", "THREE", "FOUR"}


# --- services ----------------------------------------------------------------------------


def test_required_services_exist(services):
    assert REQUIRED_SERVICES <= set(services), f"missing: {REQUIRED_SERVICES - set(services)}"
    # Nothing unexpected sneaks in (a second beat under another name, say).
    assert set(services) <= REQUIRED_SERVICES | {"migrate"}


def test_beat_runs_exactly_once(services):
    beats = [name for name, svc in services.items() if runs_celery(command_args(svc), "beat")]
    assert beats == ["beat"], f"services running celery beat: {beats}"
    beat = services["beat"]
    replicas = (beat.get("deploy") or {}).get("replicas", 1)
    assert replicas == 1
    assert "scale" not in beat
    for name, svc in services.items():
        args = command_args(svc)
        assert "-B" not in args and "--beat" not in args, f"{name} embeds a beat (-B)"
    # A fixed container name: compose refuses `--scale beat=2` (names must be unique).
    assert beat.get("container_name")


def published_host_ports(service: dict) -> list[tuple[str, range]]:
    """(host address, host ports) of each short-form ``ports`` entry ("ip:from-to:container")."""
    found = []
    for entry in service.get("ports") or []:
        parts = str(entry).split(":")
        assert len(parts) == 3, f"publish on an explicit address (loopback): {entry!r}"
        address, host, _container = parts
        low, _, high = host.partition("-")
        found.append((address, range(int(low), int(high or low) + 1)))
    return found


def test_web_and_worker_scale_to_two(services):
    """`docker compose up --scale web=2 --scale worker=2` (README "Opschalen"): each web
    replica gets a host port of its own from a range on loopback (a fixed port would let only
    one start), and nothing but beat carries a name or a count that forbids a second copy."""
    replicas = 2
    ports = published_host_ports(services["web"])
    assert ports, "web publishes no port for the proxy"
    for address, host_ports in ports:
        assert address == "127.0.0.1"
        assert len(host_ports) >= replicas, f"{host_ports} has no port for {replicas} web replicas"
    for name in ("web", "worker"):
        assert "container_name" not in services[name], f"{name} cannot be scaled with a fixed name"
        assert (services[name].get("deploy") or {}).get("replicas", 1) in (1, None)


def test_only_web_publishes_ports_and_only_on_loopback(services):
    for name, svc in services.items():
        if name != "web":
            assert not svc.get("ports"), f"{name} publishes a port"
    assert all(address == "127.0.0.1" for address, _ in published_host_ports(services["web"]))


def test_worker_runs_celery_worker_with_bounded_concurrency(services):
    args = command_args(services["worker"])
    assert runs_celery(args, "worker")
    assert option_value(args, "--concurrency") == "2"
    assert option_value(args, "--loglevel") == "INFO"


@pytest.mark.parametrize("name", ["worker", "beat"])
def test_celery_services_use_the_toolkid_app(services, name):
    args = command_args(services[name])
    assert option_value(args, "-A") == "toolkid"
    assert importlib.util.find_spec("toolkid.celery") is not None


def test_web_serves_the_wsgi_application_behind_a_proxy(services):
    args = command_args(services["web"])
    assert Path(args[0]).name == "gunicorn"
    assert "toolkid.wsgi:application" in args
    assert any(a.startswith("--forwarded-allow-ips") for a in args)
    # The target exists: toolkid/wsgi.py defines `application` (parsed, not imported, so
    # this test does not depend on the production settings' environment).
    wsgi = ast.parse((ROOT / "toolkid" / "wsgi.py").read_text(encoding="utf-8"))
    assigned = {
        target.id
        for node in ast.walk(wsgi)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert "application" in assigned


def test_migrations_run_once_before_the_app_starts(services):
    migrate = services["migrate"]
    assert command_args(migrate)[-3:] == ["manage.py", "migrate", "--no-input"]
    assert migrate.get("restart") == "no"
    for name in ("web", "worker", "beat"):
        assert depends_on(services[name]).get("migrate") == "service_completed_successfully"


def test_web_depends_on_healthy_db_and_redis(services):
    deps = depends_on(services["web"])
    assert deps.get("db") == "service_healthy"
    assert deps.get("redis") == "service_healthy"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("db", "pg_isready"),
        ("redis", "redis-cli ping"),
        ("web", "http://127.0.0.1:8000/gezond/"),
        ("worker", "celery -A toolkid inspect ping"),
        ("beat", "python manage.py health_check --heartbeat"),
    ],
)
def test_healthchecks(services, name, expected):
    assert expected in healthcheck_text(services[name])


@pytest.mark.parametrize("name", ["web", "worker", "beat"])
def test_app_services_have_a_complete_healthcheck(services, name):
    check = services[name].get("healthcheck") or {}
    assert check.get("test"), f"{name} has no healthcheck"
    assert not check.get("disable"), name
    for key in ("interval", "timeout", "retries", "start_period"):
        assert check.get(key), f"{name}: healthcheck lacks {key}"


def test_web_healthcheck_url_is_the_liveness_endpoint_without_login(services):
    from django.urls import resolve

    match = resolve("/gezond/")
    assert match.url_name == "health_live"
    # No login, no second factor: the healthcheck has neither (TwoFactorRequiredMiddleware).
    assert getattr(match.func, "login_required", True) is False
    # The image has python but no curl: the check asks with the standard library.
    assert "curl" not in DOCKERFILE.read_text(encoding="utf-8")
    assert "urllib.request" in healthcheck_text(services["web"])


def test_beat_healthcheck_command_exists():
    from django.core.management import get_commands, load_command_class

    assert get_commands().get("health_check") == "toolkid"
    parser = load_command_class("toolkid", "health_check").create_parser("manage.py", "health_check")
    assert parser.parse_args(["--heartbeat"]).heartbeat == "beat"


def test_backing_service_images(services):
    # The settings speak PostgreSQL (psycopg) and Redis (celery[redis]); README: PostgreSQL 15.
    assert services["db"]["image"].split(":")[0] == "postgres"
    assert services["db"]["image"].split(":")[1].startswith("15")
    assert services["redis"]["image"].split(":")[0] == "redis"
    assert services["redis"]["image"].split(":")[1].startswith("7")
    assert command_args(services["redis"])[-2:] == ["--appendonly", "yes"]


def test_app_services_share_the_image_and_env_file(services):
    for name in APP_SERVICES & set(services):
        svc = services[name]
        assert svc.get("build", {}).get("dockerfile", "Dockerfile") == "Dockerfile", name
        assert (ROOT / svc["build"].get("context", ".") / "Dockerfile").is_file()
        env_file = svc.get("env_file")
        assert env_file == ".env" or env_file == [".env"], name


def test_volumes_for_database_and_private_documents(services, compose, env_example):
    assert any(v.endswith(":/var/lib/postgresql/data") for v in services["db"]["volumes"])
    documents_dir = env_example["TOOLKID_DOCUMENTS_DIR"]
    for name in APP_SERVICES & set(services):
        mounts = [v.split(":", 1) for v in services[name].get("volumes", [])]
        assert any(target == documents_dir for _, target in mounts), name
    declared = set(compose.get("volumes") or {})
    for name in ("db", *(APP_SERVICES & set(services))):
        for volume in services[name].get("volumes", []):
            source = volume.split(":")[0]
            assert source in declared, f"{name}: {source} is not a named volume"


# --- environment -------------------------------------------------------------------------


def test_settings_module_is_production(services, env_example):
    assert env_example[SETTINGS_MODULE_VAR] == PRODUCTION_SETTINGS
    for name in APP_SERVICES & set(services):
        env = environment_of(services[name])
        assert env.get(SETTINGS_MODULE_VAR, PRODUCTION_SETTINGS) == PRODUCTION_SETTINGS, name
    assert importlib.util.find_spec(PRODUCTION_SETTINGS) is not None
    assert f"DJANGO_SETTINGS_MODULE={PRODUCTION_SETTINGS}" in DOCKERFILE.read_text()


def test_env_example_variables_are_read_by_the_settings(env_example, settings_variables):
    unknown = set(env_example) - settings_variables - {SETTINGS_MODULE_VAR}
    assert not unknown, f".env.example sets variables toolKID never reads: {sorted(unknown)}"


def test_every_setting_variable_is_in_env_example(env_example, settings_variables):
    missing = settings_variables - set(env_example)
    assert not missing, f".env.example lacks: {sorted(missing)}"


def test_compose_variables_are_read_by_the_settings(compose, services, settings_variables):
    known = settings_variables | {SETTINGS_MODULE_VAR}
    unknown = interpolated_names(compose) - known
    for name, svc in services.items():
        allowed = known | (POSTGRES_IMAGE_VARS if name == "db" else set())
        unknown |= set(environment_of(svc)) - allowed
    assert not unknown, f"docker-compose.yml mentions unknown variables: {sorted(unknown)}"


def test_env_example_holds_no_real_secret(env_example):
    # Production refuses an empty or short key: an unedited copy fails loudly, never silently.
    assert len(env_example["SECRET_KEY"]) < 50
    assert env_example["DEBUG"].lower() in {"false", "0", "off", "no"}
    for name in ("DATABASE_URL", "EMAIL_URL"):
        assert "CHANGE-ME" in env_example[name] or "@" not in env_example[name], name
    assert env_example["DATABASE_URL"].startswith("postgres://")
    assert env_example["DATABASE_URL"].split("@")[1].startswith("db:")
    assert env_example["CELERY_BROKER_URL"].startswith("redis://redis:")
