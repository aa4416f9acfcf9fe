"""The catalogue of audit codes (audit.catalogue): each app registers its codes with a Dutch
label, ``record`` refuses any other code, and the source writes no code that is missing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.utils import translation

from audit import catalogue
from audit.audit_codes import AuditLogCode
from audit.events import record, record_denied
from audit.models import AuditAction, AuditEvent
from consent.audit_codes import ConsentAuditCode
from requests.core.audit_codes import RequestAuditCode
from toolkid.audit_codes import ToolkidAuditCode

from .helpers import TestAuditCode

BASE_DIR = Path(settings.BASE_DIR)
APP_CATALOGUES = (ToolkidAuditCode, ConsentAuditCode, RequestAuditCode, AuditLogCode)
#: The shape of a code (as audit.events checks it): two or more dotted lower-case words.
CODE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$")
#: Source outside the installed apps that writes audit events.
EXTRA_SOURCES = ("bench",)


# --- refusing what nobody registered -----------------------------------------------------


@pytest.mark.django_db
class TestRecordRefusesUnknownCodes:
    def test_an_unregistered_code_is_refused_and_nothing_is_written(self, actor):
        assert not catalogue.is_registered("request.raed")
        with pytest.raises(ValueError, match="unknown audit code 'request.raed'"):
            record(actor=actor, event="request.raed", action=AuditAction.READ)
        with pytest.raises(ValueError, match="unknown audit code"):
            record_denied(actor=actor, event="test.never_registered", action=AuditAction.READ)
        assert not AuditEvent.objects.exists()

    def test_a_member_of_a_catalogue_is_stored_as_its_code(self, actor):
        event = record(actor=actor, event=ConsentAuditCode.CREATED, action=AuditAction.CREATE)
        stored = AuditEvent.objects.get(pk=event.pk)
        assert stored.event == "consent.created"
        assert type(stored.event) is str

        from audit.chain import verify_chain

        assert verify_chain().ok


# --- the catalogues ----------------------------------------------------------------------


def test_every_app_registers_its_catalogue_when_it_loads():
    registered = catalogue.codes()
    for app_catalogue in APP_CATALOGUES:
        assert set(app_catalogue.values) <= set(registered), app_catalogue.__name__


def test_every_registered_code_has_a_label_of_its_own_in_dutch_and_in_english():
    for language in ("nl", "en"):
        with translation.override(language):
            for code, label in catalogue.codes().items():
                assert label.strip(), code
                assert label != code, f"{code}: the label only repeats the code"


def test_no_two_codes_read_the_same():
    """The Audit page, the CSV and the reports show the label: two codes with one label
    would look like one event."""
    labels: dict[str, list[str]] = {}
    for code, label in catalogue.codes().items():
        labels.setdefault(label, []).append(code)
    assert {label: codes for label, codes in labels.items() if len(codes) > 1} == {}


def test_an_unknown_code_reads_as_itself():
    # An old event whose code was retired still shows something.
    assert catalogue.label("retired.code") == "retired.code"
    assert catalogue.label("consent.revoked") == "Toestemming ingetrokken"


def test_two_apps_cannot_claim_one_code():
    class Thief(models.TextChoices):
        REVOKED = "consent.revoked", "Iets anders"

    with pytest.raises(ImproperlyConfigured, match="consent.revoked"):
        catalogue.register(Thief)
    assert catalogue.label("consent.revoked") == "Toestemming ingetrokken"
    # The app's own class again (autoreload, tests): harmless.
    catalogue.register(ConsentAuditCode)


def _po_msgids(path: Path) -> set[str]:
    """The msgids of a .po file, multi-line ones joined."""
    ids, current, in_id = set(), [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("msgid "):
            current, in_id = [line[len("msgid ") :]], True
        elif in_id and line.startswith('"'):
            current.append(line)
        else:
            if in_id:
                ids.add("".join(ast.literal_eval(part) for part in current))
            in_id = False
    return ids


def test_every_label_is_in_the_english_catalog():
    """A label without an entry would show in Dutch on the English pages (and tests/toolkid/
    test_translations.py checks only the entries that are there)."""
    msgids = _po_msgids(BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po")
    with translation.override("nl"):
        missing = [
            f"{code}: {member.label}"
            for app_catalogue in APP_CATALOGUES
            for code, member in ((m.value, m) for m in app_catalogue)
            if str(member.label) not in msgids
        ]
    assert missing == []


# --- the source writes only registered codes ---------------------------------------------


def _source_roots() -> list[Path]:
    """The project's installed apps, and the benchmark scripts (which write events too). A
    package that is not an installed app (yet) registers no codes and is not walked."""
    roots = {BASE_DIR / name for name in EXTRA_SOURCES if (BASE_DIR / name).is_dir()}
    for config in apps.get_app_configs():
        path = Path(config.path)
        # Ours: beside manage.py, not in the virtualenv's site-packages.
        if path.is_relative_to(BASE_DIR) and "site-packages" not in path.parts:
            roots.add(path)
    return sorted(roots)


def _literal(node: ast.AST) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _callee(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _written_codes(path: Path) -> list[tuple[str, int]]:
    """String literals ``path`` passes as an audit code: ``event="..."`` (record,
    record_denied, record_auth_event, access helpers) and the code of a service decorator
    ``@_service("...")``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg == "event" and (code := _literal(keyword.value)) is not None:
                found.append((code, node.lineno))
        if _callee(node) == "_service" and node.args and (code := _literal(node.args[0])) is not None:
            found.append((code, node.lineno))
    return found


def _code_like_literals(path: Path) -> list[tuple[str, int]]:
    """Every string literal in ``path`` that is shaped like a code: codes handed on through a
    variable (a table of purposes, a list helper) are not caught by :func:`_written_codes`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if (text := _literal(node)) is not None and CODE.match(text):
            found.append((text, node.lineno))
    return found


def _sources() -> list[Path]:
    return [
        path
        for root in _source_roots()
        for path in sorted(root.rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_the_walk_finds_the_codes_written_as_literals(tmp_path):
    source = tmp_path / "example.py"
    source.write_text(
        "from x import _service, record, record_auth_event\n"
        "@_service('request.submitted', AuditAction.UPDATE)\n"
        "def submit(): record(actor=a, event='request.read', action='read')\n"
        "record_auth_event(actor=a, event='auth.logout')\n"
        "record(actor=a, event=ConsentAuditCode.CREATED, action='create')\n"
        "PURPOSES = {'view': ('consent.read', 'read')}\n"
    )
    assert sorted(code for code, _line in _written_codes(source)) == [
        "auth.logout",
        "request.read",
        "request.submitted",
    ]
    assert "consent.read" in {text for text, _line in _code_like_literals(source)}
    assert {"audit", "consent", "requests", "toolkid"} <= {path.name for path in _source_roots()}


def test_every_code_the_source_writes_is_registered():
    """What keeps the catalogues complete: a code written as a literal at an ``event=`` or an
    ``@_service(...)`` must be registered, or ``record`` would refuse it at run time."""
    unknown = [
        f"{path.relative_to(BASE_DIR)}:{line}: {code}"
        for path in _sources()
        for code, line in _written_codes(path)
        if not catalogue.is_registered(code)
    ]
    assert unknown == []


def test_every_code_shaped_literal_in_a_code_namespace_is_registered():
    """The same for codes handed on through a variable (``_EVENTS`` tables, list helpers,
    letter specs, ``_Access(...)``): a literal shaped like ``<namespace>.<name>`` in a
    namespace that has registered codes (``request.``, ``consent.``, ``auth.``, …) must be a
    registered code, unless it names a model (``consent.consentdeclaration``) or a module."""
    import importlib.util

    namespaces = {code.split(".")[0] for code in catalogue.codes()} - {"test"}
    model_labels = {model._meta.label_lower for model in apps.get_models()}

    def is_module(text: str) -> bool:
        try:
            return importlib.util.find_spec(text) is not None
        except ModuleNotFoundError:
            return False

    unknown = [
        f"{path.relative_to(BASE_DIR)}:{line}: {text}"
        for path in _sources()
        for text, line in _code_like_literals(path)
        if text.count(".") == 1
        and text.split(".")[0] in namespaces
        and not catalogue.is_registered(text)
        and text.lower() not in model_labels
        and not is_module(text)
    ]
    assert unknown == []


def test_the_test_codes_stay_in_their_own_namespace():
    assert all(code.startswith("test.") for code in TestAuditCode.values)
