"""The retention registry (audit.retention): the apps register what they keep, and audit
imports no domain app (ARCHITECTURE: the arrows point at audit, never away from it)."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from audit import retention
from audit.retention import RetentionPolicy, RetentionScan, RetentionSource
from toolkid.models import Organisation

AUDIT_DIR = Path(settings.BASE_DIR) / "audit"
#: The apps audit must not import (it may import toolkid: actors, users, organisations).
DOMAIN_APPS = {"requests", "consent", "demo"}


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_audit_imports_no_domain_app():
    offending = sorted(
        f"{path.relative_to(AUDIT_DIR.parent)}: {module}"
        for path in AUDIT_DIR.rglob("*.py")
        for module in _imported_modules(path)
        if module.split(".")[0] in DOMAIN_APPS
    )
    assert offending == []


def test_the_apps_register_their_kinds_in_deletion_order():
    # What points at a record goes before it: requests and reverse questions (which keep
    # Kindchecks, consents and parents), then Kindchecks, consents, parents; the audit prefix
    # last (it takes the chain head's lock).
    assert retention.kinds() == (
        "request",
        "reverse_question",
        "kindcheck",
        "consent",
        "parent",
        "audit_prefix",
    )
    assert str(retention.source_for("consent").label) == "toestemmingsverklaringen"


def _source(kind: str, **fields) -> RetentionSource:
    values = {
        "model": Organisation,
        "label": kind,
        "order": 99,
        "expired": lambda cutoff, scan: Organisation.objects.none(),
    }
    return RetentionSource(kind=kind, **{**values, **fields})


def test_a_kind_is_registered_once(monkeypatch):
    monkeypatch.setattr(retention, "_sources", dict(retention._sources))
    source = _source("example")
    retention.register_source(source)
    retention.register_source(source)  # the same again (autoreload, tests): harmless
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        retention.register_source(_source("example", order=1))
    with pytest.raises(ImproperlyConfigured, match="audit log's own"):
        retention.register_source(_source("audit_prefix"))
    with pytest.raises(LookupError):
        retention.source_for("nothing")


@pytest.mark.django_db
def test_sources_that_ask_about_each_other_in_a_circle_are_refused(monkeypatch):
    monkeypatch.setattr(retention, "_sources", {})

    def asks(other: str):
        return lambda cutoff, scan: scan.kept(other)

    retention.register_source(_source("hen", expired=asks("egg")))
    retention.register_source(_source("egg", expired=asks("hen")))
    scan = RetentionScan(RetentionPolicy(), dt.date(2046, 6, 15))
    with pytest.raises(ImproperlyConfigured, match="cycle: expired hen -> expired egg -> expired hen"):
        scan.expired("hen")
