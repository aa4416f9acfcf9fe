"""Plain Dutch in what users read (issue 13): no protocol rule codes, one form of address ("u"),
no words broken mid-word.

The scans read the source, the way a reviewer would: every gettext string in the Python
modules, and the text of every template outside comments and outside the "Waarom?" disclosure
(``includes/why.html``), which is where a rule may still be named for the curious reader.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
APPS = ("toolkid", "audit", "consent", "requests")
TEMPLATES = ROOT / "templates"


RULE_CODE = re.compile(r"\b(R\d+[a-z]?|L[1-7])\b")
INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jezelf|jullie)\b", re.IGNORECASE)
BROKEN_WORD = re.compile(r"&shy;|\u00ad|[a-z]-ing\b")

GETTEXT_NAMES = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
}

#: Comments, the "Waarom?" disclosure (it names the rule on purpose) and the inside of tags'
#: names and variables: what is left is text a user may read.
_COMMENT = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->", re.DOTALL)
_WHY = re.compile(r'{%\s*include\s+"includes/why\.html".*?%}', re.DOTALL)
_VARIABLE = re.compile(r"{{.*?}}", re.DOTALL)
_LITERAL = re.compile(r"""_\((?:"([^"]*)"|'([^']*)')\)""")


def _python_modules():
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "tests" in path.parts:
                continue
            yield path


def _gettext_strings(path: Path):
    """(line, text) of every string literal passed to a gettext function in the module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
        if name not in GETTEXT_NAMES:
            continue
        for arg in node.args:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield node.lineno, arg.value


def _templates():
    for path in sorted(TEMPLATES.rglob("*.html")) + sorted(TEMPLATES.rglob("*.txt")):
        yield path.relative_to(TEMPLATES).as_posix(), path


def _readable(source: str) -> str:
    """The template with comments, the "Waarom?" disclosure and variables blanked out; of a
    variable only its translated literals stay (``|default:_("Geen genoemd.")``)."""
    for pattern in (_COMMENT, _WHY):
        source = pattern.sub(" ", source)
    return _VARIABLE.sub(lambda m: " ".join(a or b for a, b in _LITERAL.findall(m.group(0))) or " ", source)


def _findings(pattern: re.Pattern, *, python: bool = True, templates: bool = True) -> list[str]:
    found = []
    if python:
        for path in _python_modules():
            for line, text in _gettext_strings(path):
                if pattern.search(text):
                    found.append(f"{path.relative_to(ROOT)}:{line}: {text!r}")
    if templates:
        for relative, path in _templates():
            for number, line in enumerate(_readable(path.read_text(encoding="utf-8")).splitlines(), 1):
                if pattern.search(line):
                    found.append(f"templates/{relative}:{number}: {line.strip()}")
    return found


def test_the_scan_sees_gettext_strings_and_template_text():
    """Guard against a scan that reads nothing and so passes for the wrong reason."""
    strings = [text for path in _python_modules() for _line, text in _gettext_strings(path)]
    assert "U hebt niet de juiste rol om dit te doen." in strings
    assert len(strings) > 500
    login = _readable((TEMPLATES / "registration/login.html").read_text(encoding="utf-8"))
    assert "Inloggen" in login
    why = '{% include "includes/why.html" with text=_("x") rule="R15" %}'
    assert "R15" not in _readable(why)
    assert _readable('{{ x|default:_("Geen genoemd.") }}').strip() == "Geen genoemd."
    assert RULE_CODE.search("Eigen waarneming (R15)") and RULE_CODE.search("Grondslag (L3)")
    assert not RULE_CODE.search("Stap 3 van 6, ROTS, L10n")


def test_no_rule_codes_in_what_users_read():
    assert _findings(RULE_CODE) == []


def test_users_are_addressed_as_u():
    assert _findings(INFORMAL) == []


def test_no_word_is_broken_mid_word():
    assert _findings(BROKEN_WORD) == []
    css = (ROOT / "static/css/toolkid.css").read_text(encoding="utf-8")
    assert not re.search(r"hyphens\s*:\s*auto", css)


@pytest.mark.django_db
def test_the_login_page_says_u(client):
    with translation.override("nl"):
        page = client.get(reverse("login")).content.decode()
    assert "Inloggen" in page
    assert not INFORMAL.search(re.sub(r"<[^>]+>", " ", page))
