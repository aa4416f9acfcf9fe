"""The backup restores (issue 12): a PostgreSQL database with the demo data and its documents
folder go through scripts/backup.sh and scripts/restore.sh into a new database and a new folder,
and every request, consent document and audit event is back, with the audit chain intact
(``audit_verify``, run by the restore). docs/operations.md is the runbook these scripts serve.

Real tools only: pg_dump, pg_restore, psql and manage.py in subprocesses, as an operator runs them.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

TABLES = ("requests_informationrequest", "requests_requestevent", "consent_consentdeclaration",
          "audit_auditevent", "toolkid_user")


def _url(name: str) -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def _run(*command: str, env: dict[str, str]) -> str:
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{' '.join(command)}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def _counts(url: str, env: dict[str, str]) -> dict[str, int]:
    query = " union all ".join(f"select '{t}', count(*) from {t}" for t in TABLES)
    rows = _run("psql", url, "-Atc", query, env=env).split()
    return {name: int(count) for name, count in (row.split("|") for row in rows)}


def _files(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def databases():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")
    names = [f"toolkid_backup_{role}_{uuid.uuid4().hex[:8]}" for role in ("source", "restored")]
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    maintenance = _url("postgres")
    for name in names:
        _run("psql", maintenance, "-c", f'create database "{name}"', env=env)
    yield [_url(name) for name in names]
    for name in names:
        subprocess.run(["psql", maintenance, "-c", f'drop database if exists "{name}" with (force)'],
                       env=env, capture_output=True, timeout=60)


@pytest.mark.postgres
def test_a_backup_with_the_demo_data_restores_complete_with_an_intact_audit_chain(databases, tmp_path):
    source, restored = databases
    base = {**os.environ, "DJANGO_SETTINGS_MODULE": "toolkid.settings.dev", "CELERY_BROKER_URL": "",
            "PYTHONPATH": str(ROOT)}
    source_env = {**base, "DATABASE_URL": source, "TOOLKID_VAR_DIR": str(tmp_path / "var-source"),
                  "TOOLKID_DOCUMENTS_DIR": str(tmp_path / "documents-source")}
    _run(sys.executable, "manage.py", "migrate", "--no-input", "-v0", env=source_env)
    _run(sys.executable, "manage.py", "load_demo", env=source_env)
    documents = tmp_path / "documents-source"
    assert _files(documents), "the demo data holds consent documents"

    folder = Path(_run("bash", "scripts/backup.sh", str(tmp_path / "backups"), env=source_env).strip())
    assert {p.name for p in folder.iterdir()} == {"database.dump", "documents.tar.gz", "SHA256SUMS"}

    restored_env = {**base, "DATABASE_URL": restored, "TOOLKID_VAR_DIR": str(tmp_path / "var-restored"),
                    "TOOLKID_DOCUMENTS_DIR": str(tmp_path / "documents-restored"), "PYTHON": sys.executable}
    output = _run("bash", "scripts/restore.sh", str(folder), env=restored_env)
    events = _counts(source, base)["audit_auditevent"]
    assert f"Auditketen intact: {events} gebeurtenissen gecontroleerd." in output

    assert _counts(restored, base) == _counts(source, base)
    assert min(_counts(restored, base).values()) > 0
    assert _files(tmp_path / "documents-restored") == _files(documents)
    # A restore never lands on top of data: the same backup into the now-filled database refuses.
    again = subprocess.run(["bash", "scripts/restore.sh", str(folder)], cwd=ROOT, env=restored_env,
                           capture_output=True, text=True, timeout=600)
    assert again.returncode == 2 and "not empty" in again.stderr
