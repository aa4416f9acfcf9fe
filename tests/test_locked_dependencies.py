"""The dependencies are locked: every package, direct or not, at one version with the SHA-256 of
its files (requirements.lock for production and the Dockerfile, requirements-dev.lock for
`make`), installed with ``--require-hashes``. When pyproject.toml and the locks disagree — a
dependency added, dropped or moved out of a lock's range without `make lock` — this fails."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
#: ``name==version \`` and the ``--hash=sha256:…`` lines that follow it.
ENTRY = re.compile(
    r"^([A-Za-z0-9_.\-]+)==([^\s\\]+)\s*\\\n((?:\s+--hash=sha256:[0-9a-f]{64}\s*\\?\n?)+)", re.MULTILINE
)


def locked(name: str) -> dict[str, tuple[str, int]]:
    """{canonical name: (version, number of hashes)} of one lock file."""
    text = (ROOT / name).read_text()
    entries = {canonicalize_name(m[1]): (m[2], m[3].count("--hash=")) for m in ENTRY.finditer(text)}
    pinned = re.findall(r"^[A-Za-z0-9_.\-]+==", text, re.MULTILINE)
    assert len(entries) == len(pinned), f"{name}: a pinned package without hashes"
    return entries


def _requirements(extra: str | None = None) -> list[Requirement]:
    project = PYPROJECT["project"]
    found = [Requirement(r) for r in project["dependencies"]]
    if extra:
        found += [Requirement(r) for r in project["optional-dependencies"][extra]]
    return found


@pytest.mark.parametrize(("lock", "extra"), [("requirements.lock", None), ("requirements-dev.lock", "dev")])
def test_every_dependency_of_pyproject_is_locked_within_its_range(lock, extra):
    entries = locked(lock)
    for requirement in _requirements(extra):
        name = canonicalize_name(requirement.name)
        assert name in entries, f"{requirement} is not in {lock}: run `make lock`"
        version, hashes = entries[name]
        assert requirement.specifier.contains(version, prereleases=True), (
            f"{lock} pins {name}=={version}, outside {requirement.specifier}: run `make lock`"
        )
        assert hashes >= 1


def test_production_and_development_lock_the_same_versions():
    production, development = locked("requirements.lock"), locked("requirements-dev.lock")
    assert {name: version for name, (version, _) in production.items()} == {
        name: development[name][0] for name in production
    }


def test_no_lock_brings_in_the_pypi_requests_library():
    # The top-level requests/ app would shadow it (tests/test_no_requests_dependency.py).
    for lock in ("requirements.lock", "requirements-dev.lock"):
        assert "requests" not in locked(lock)


def test_make_and_the_dockerfile_install_only_what_is_locked():
    makefile, dockerfile = (ROOT / "Makefile").read_text(), (ROOT / "Dockerfile").read_text()
    assert "--require-hashes --no-deps -r requirements-dev.lock" in makefile
    assert "--require-hashes --no-deps -r requirements.lock" in dockerfile
    assert "pip install ." not in dockerfile
