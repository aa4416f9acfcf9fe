"""The demo app's place in the project: installed by the dev, test and e2e settings only (so
``load_demo`` does not exist in production), imported by nothing but the tests, and writing its
own audit codes under a registered, Dutch label."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest
from django.conf import settings

from audit import catalogue
from demo.audit_codes import DemoAuditCode
from tests.toolkid.test_settings import PRODUCTION_ENV, ROOT, clean_env, run

INSTALLED = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps(list(settings.INSTALLED_APPS)))"
)


def installed_apps(settings_module: str, tmp_path: Path, **variables: str) -> list[str]:
    env = clean_env(settings_module, TOOLKID_VAR_DIR=str(tmp_path / "var"), **variables)
    result = run(["-c", INSTALLED], env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", ["toolkid.settings.dev", "toolkid.settings.test", "tests.e2e.settings"])
def test_dev_test_and_e2e_settings_install_the_demo(module, tmp_path):
    assert "demo" in installed_apps(module, tmp_path)


def test_base_settings_do_not_install_the_demo(tmp_path):
    assert "demo" not in installed_apps("toolkid.settings.base", tmp_path)


def test_production_settings_do_not_install_the_demo_so_load_demo_does_not_exist(tmp_path):
    apps = installed_apps("toolkid.settings.production", tmp_path, **PRODUCTION_ENV)
    assert "demo" not in apps and "toolkid" in apps
    env = clean_env("toolkid.settings.production", TOOLKID_VAR_DIR=str(tmp_path / "var"), **PRODUCTION_ENV)
    for command in ("load_demo", "demo_code"):
        result = run(["manage.py", command, "--help"], env)
        assert result.returncode != 0
        assert f"Unknown command: '{command}'" in result.stderr, result.stderr


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return names


def test_nothing_but_the_tests_imports_the_demo():
    skip = {".venv", "node_modules", ".git", "demo", "tests", "var"}
    offenders = [
        str(path.relative_to(ROOT))
        for path in ROOT.rglob("*.py")
        if not skip.intersection(path.relative_to(ROOT).parts)
        and any(name == "demo" or name.startswith("demo.") for name in _imports(path))
    ]
    assert offenders == []
    # The demo's commands live in the demo app only (toolkid has commands of its own: health_check).
    toolkid_commands = {path.stem for path in (ROOT / "toolkid" / "management").rglob("*.py")}
    assert not {"load_demo", "demo_code"} & toolkid_commands


def test_the_demo_registers_its_audit_codes_with_dutch_labels():
    assert "demo" in settings.INSTALLED_APPS
    assert {code.value for code in DemoAuditCode} == {"user.created", "demo.request_backdated"}
    for code in DemoAuditCode:
        assert catalogue.is_registered(code.value)
        assert catalogue.label(code.value) == str(code.label) != code.value
    assert catalogue.label("demo.request_backdated") == "Demoverzoek teruggedateerd"


def test_no_demo_module_over_600_lines_and_no_function_over_60():
    """The loader reads as a list of cases and a small runner (ADR 0005)."""
    for path in sorted((ROOT / "demo").rglob("*.py")):
        source = path.read_text("utf-8")
        assert len(source.splitlines()) <= 600, path
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                assert length <= 60, f"{path.relative_to(ROOT)}:{node.lineno} {node.name} has {length} lines"
