"""toolKID has its own app called ``requests``; the PyPI library of that name must never be
installed beside it by a runtime dependency, or ``import requests`` would depend on sys.path
order. These tests walk the installed runtime dependency tree and check the import.
"""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import tomllib
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
FORBIDDEN = "requests"

# A distribution's Requires-Dist lines, or None when it is not installed.
RequiresLookup = Callable[[str], "list[str] | None"]


def _marker_holds(marker: Marker | None, extras: Iterable[str]) -> bool:
    """A Requires-Dist marker holds for this interpreter with any of the requested extras
    (or none: ``extra == ""`` covers the unconditional requirements)."""
    if marker is None:
        return True
    return any(marker.evaluate({"extra": extra}) for extra in ("", *extras))


def resolve_runtime_closure(
    roots: Iterable[str], requires_of: RequiresLookup
) -> tuple[dict[str, list[str]], set[str]]:
    """Walk requirements transitively.

    ``roots`` are requirement strings (pyproject's ``dependencies``); extras named there
    (``celery[redis]``, ``psycopg[binary]``) are followed, other extras are not. Returns
    ``(reached, missing)``: every distribution reached, by canonical name, with the chain
    of names that pulls it in, and the names required here but not installed.
    """
    reached: dict[str, list[str]] = {}
    extras_seen: dict[str, set[str]] = {}
    missing: set[str] = set()
    queue: deque[tuple[Requirement, list[str]]] = deque()

    for line in roots:
        requirement = Requirement(line)
        if _marker_holds(requirement.marker, ()):
            queue.append((requirement, []))

    while queue:
        requirement, chain = queue.popleft()
        name = canonicalize_name(requirement.name)
        extras = {canonicalize_name(e) for e in requirement.extras}
        known = extras_seen.get(name)
        if known is not None and extras <= known:
            continue  # already walked with these extras
        extras_seen[name] = (known or set()) | extras
        reached.setdefault(name, [*chain, name])

        requires = requires_of(name)
        if requires is None:
            missing.add(name)
            continue
        for line in requires:
            child = Requirement(line)
            if _marker_holds(child.marker, extras_seen[name]):
                queue.append((child, [*chain, name]))
    return reached, missing


def installed_requires(name: str) -> list[str] | None:
    try:
        return importlib.metadata.distribution(name).requires or []
    except importlib.metadata.PackageNotFoundError:
        return None


def runtime_dependencies() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["dependencies"]


# --- the resolver on a fake index: it must see what it is meant to see ----------------------

FAKE_INDEX = {
    "celery": ["kombu>=5", 'redis>=4; extra == "redis"', 'pytest; extra == "pytest"'],
    "kombu": ['requests>=2; extra == "sqs"', 'redis>=4; extra == "redis"'],
    "redis": ['async-timeout; python_full_version < "3.11.3"'],
    "async-timeout": [],
    "psycopg": ['psycopg-binary; extra == "binary"', 'psycopg-c; extra == "c"'],
    "psycopg-binary": [],
    "pytest": ["requests"],  # behind an extra nobody asks for
    "old-lib": ['requests; python_version < "3"'],  # behind a marker that is false here
    "leftpad": ["Requests>=2.0"],  # the culprit, spelled as PyPI allows
    "requests": ["urllib3"],
    "urllib3": [],
}


def fake(index: dict[str, list[str]]) -> RequiresLookup:
    return index.get


def test_resolver_follows_requested_extras_and_skips_others():
    reached, missing = resolve_runtime_closure(
        ["celery[redis]~=5.0", "psycopg[binary]", "old-lib"], fake(FAKE_INDEX)
    )
    assert set(reached) == {"celery", "kombu", "redis", "psycopg", "psycopg-binary", "old-lib"}
    assert missing == set()
    assert reached["redis"] == ["celery", "redis"]


def test_resolver_detects_a_transitive_requests():
    index = {**FAKE_INDEX, "kombu": [*FAKE_INDEX["kombu"], "leftpad"]}
    reached, _ = resolve_runtime_closure(["celery[redis]"], fake(index))
    assert FORBIDDEN in reached
    assert reached[FORBIDDEN] == ["celery", "kombu", "leftpad", "requests"]


def test_resolver_follows_an_extra_requested_deeper_in_the_tree():
    index = {**FAKE_INDEX, "celery": ["kombu[sqs]"]}
    reached, _ = resolve_runtime_closure(["celery"], fake(index))
    assert reached[FORBIDDEN] == ["celery", "kombu", "requests"]


def test_resolver_reports_missing_distributions():
    _, missing = resolve_runtime_closure(["celery", "not-installed"], fake(FAKE_INDEX))
    assert missing == {"not-installed"}


# --- the real installation --------------------------------------------------------------


def test_no_runtime_dependency_requires_the_requests_library():
    roots = runtime_dependencies()
    reached, missing = resolve_runtime_closure(roots, installed_requires)
    assert FORBIDDEN not in reached, "pulled in by: " + " -> ".join(reached.get(FORBIDDEN, []))
    assert not missing, f"runtime dependencies not installed (run `make install`): {missing}"
    # The walk really went through the tree (celery -> kombu -> ..., weasyprint -> ...).
    assert {"django", "celery", "kombu", "redis", "psycopg-binary", "weasyprint"} <= set(reached)
    # ... and through the API's and the webhooks' and login's libraries (docs/adr/0007 §12).
    assert {"djangorestframework", "drf-spectacular", "httpx", "authlib", "joserfc"} <= set(reached)
    assert len(reached) > len(roots)


def test_import_requests_is_the_project_app():
    import requests

    assert Path(requests.__file__).resolve().is_relative_to(ROOT), requests.__file__
    assert Path(requests.__file__).resolve().parent == ROOT / "requests"


def test_import_requests_is_the_project_app_where_the_app_runs():
    # manage.py, gunicorn and celery run from the project root; so does this import.
    result = subprocess.run(
        [sys.executable, "-c", "import requests; print(requests.__file__)"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )
    assert Path(result.stdout.strip()).resolve().parent == ROOT / "requests"


# --- libraries that import ``requests`` when they find it (docs/adr/0007 §10, §12) ---------
# Django REST framework imports ``requests`` optionally (rest_framework.compat); Authlib's Django
# and requests clients import it unconditionally (the Django client is built on the requests
# client). Our app is no such library: importing them would import our app instead, or fail.

FORBIDDEN_AUTHLIB = (
    "authlib.integrations.django_client",
    "authlib.integrations.requests_client",
    "authlib.integrations.django_oauth2",
)
APP_PACKAGES = ("toolkid", "requests", "consent", "audit")


def _imported_modules(path: Path) -> set[str]:
    """Every module a file imports, ``from a import b`` also as ``a.b`` (b may be a module)."""
    import ast

    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _is_our_module(name: str) -> bool:
    base = ROOT / name.replace(".", "/")
    return base.with_suffix(".py").exists() or base.is_dir() or _is_our_module_attribute(name)


def _is_our_module_attribute(name: str) -> bool:
    """``requests.core.access.status_for``: a name imported from one of our modules."""
    module = name.rsplit(".", 1)[0]
    return module != name and (ROOT / module.replace(".", "/")).with_suffix(".py").exists()


def _forbidden(name: str) -> bool:
    if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN_AUTHLIB):
        return True
    # "requests.adapters" and the like would be the library's, not our app's.
    return name.startswith("requests.") and not _is_our_module(name)


def test_forbidden_detects_the_authlib_integrations_and_the_library_modules():
    assert _forbidden("authlib.integrations.django_client")
    assert _forbidden("authlib.integrations.requests_client.oauth2_session")
    assert _forbidden("requests.adapters")
    assert not _forbidden("authlib.integrations.httpx_client")
    assert not _forbidden("authlib.oauth2.rfc7636")
    assert not _forbidden("requests.core.access")


def test_no_app_module_imports_a_library_module_that_needs_the_requests_library():
    offenders = [
        f"{path.relative_to(ROOT)}: {name}"
        for package in APP_PACKAGES
        for path in sorted((ROOT / package).rglob("*.py"))
        for name in sorted(_imported_modules(path))
        if _forbidden(name)
    ]
    assert not offenders, offenders
    # The walk saw the OIDC client, which does import Authlib (so a moved file fails here).
    assert "authlib.oauth2.rfc7636" in _imported_modules(ROOT / "toolkid" / "oidc" / "client.py")


def test_the_api_and_login_libraries_load_beside_our_requests_app():
    """What the app imports at run time, loaded from the project root (where ``import
    requests`` is our app): DRF must take the library as absent (toolkid/shadow.py), so its
    test client and drf-spectacular load, and nothing takes our app for the library."""
    code = (
        "import os, sys, warnings; os.environ['DJANGO_SETTINGS_MODULE'] = 'toolkid.settings.test';"
        "warnings.simplefilter('ignore');"
        "import django; django.setup();"
        "import rest_framework.compat, rest_framework.test, drf_spectacular.views, httpx, joserfc.jwt;"
        "import authlib.integrations.httpx_client, authlib.oauth2.rfc7636;"
        "import toolkid.oidc.client, toolkid.oidc.views;"
        "print(rest_framework.compat.requests, sys.modules['requests'].__file__)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    compat, requests_file = result.stdout.split()
    assert compat == "None"
    assert Path(requests_file).resolve().parent == ROOT / "requests"
