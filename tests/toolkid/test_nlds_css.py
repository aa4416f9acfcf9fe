"""The NL Design System component CSS (ADR 0007 §11, issue 14): a committed copy of
@utrecht/component-library-css from npm, themed with toolKID's own palette, linked by every page.

The copy is committed so that running toolKID needs no npm; these tests keep it honest: the
header names the version package-lock.json pins, and the body is the npm file byte for byte
whenever node_modules has it (`make css` re-copies after a version bump)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGE = "@utrecht/component-library-css"
VENDOR = ROOT / "static" / "vendor" / "nlds" / "utrecht-components.css"
THEME = ROOT / "static" / "css" / "toolkid-theme.css"
NPM_FILE = ROOT / "node_modules" / PACKAGE / "dist" / "index.css"
HEADER = re.compile(rb"^/\*! (?P<package>\S+) (?P<version>\S+) \((?P<licence>[^)]+)\): [^\n]*\*/\n")


def locked_version() -> str:
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"][f"node_modules/{PACKAGE}"]["version"]


def vendor_parts() -> tuple[re.Match, bytes]:
    content = VENDOR.read_bytes()
    header = HEADER.match(content)
    assert header, "static/vendor/nlds/utrecht-components.css lacks the build-css.sh header"
    return header, content[header.end():]


def test_the_copy_names_the_locked_version_and_its_licence():
    header, _ = vendor_parts()
    assert header["package"].decode() == PACKAGE
    assert header["version"].decode() == locked_version()
    assert header["licence"].decode() == "EUPL-1.2"  # the project's own licence


def test_the_package_is_a_runtime_dependency_pinned_exactly():
    manifest = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    assert manifest["dependencies"][PACKAGE] == locked_version()
    # Utrecht's brand tokens are not ours to use (their LICENSE.md: proprietary).
    names = set(manifest.get("dependencies", {})) | set(manifest.get("devDependencies", {}))
    assert "@utrecht/design-tokens" not in names


@pytest.mark.skipif(not NPM_FILE.exists(), reason="node_modules has no @utrecht/component-library-css")
def test_the_copy_is_the_npm_file_byte_for_byte():
    _, body = vendor_parts()
    assert body == NPM_FILE.read_bytes(), "run `make css` to copy the installed version"


def test_the_theme_sets_only_tokens_the_components_read():
    """A misspelt token is silently ignored by the browser; here it fails."""
    _, body = vendor_parts()
    read = set(re.findall(rb"var\((--utrecht-[a-z0-9-]+)", body))
    theme = THEME.read_text(encoding="utf-8")
    set_here = set(re.findall(r"^\s*(--utrecht-[a-z0-9-]+)\s*:", theme, re.MULTILINE))
    assert len(set_here) > 100
    unknown = sorted(name for name in set_here if name.encode() not in read)
    assert not unknown, f"the components never read: {unknown}"


def test_the_theme_is_toolkid_s_palette_and_system_fonts():
    theme = THEME.read_text(encoding="utf-8")
    assert theme.count(".toolkid-theme") >= 1
    assert "@font-face" not in theme and "url(" not in theme  # no web fonts, nothing fetched
    assert "--utrecht-document-font-family: var(--tk-font)" in theme


def page_head(html: str) -> str:
    return html[: html.index("</head>")]


@pytest.mark.django_db
def test_every_page_links_the_components_then_the_theme_then_toolkid_css(client):
    html = client.get("/account/inloggen/").content.decode()
    head = page_head(html)
    order = [
        head.index('href="/static/vendor/nlds/utrecht-components.css"'),
        head.index('href="/static/css/toolkid-theme.css"'),
        head.index('href="/static/css/toolkid.css"'),
    ]
    assert order == sorted(order)
    assert re.search(r'<html lang="nl" class="toolkid-theme">', html)
    assert '<body class="utrecht-document">' in html


def test_every_kind_of_control_gets_its_component_class_from_the_one_mapping():
    from django import forms

    from toolkid.forms import DateInput, text_area
    from toolkid.templatetags.nlds import nlds_alert, nlds_control

    class Form(forms.Form):
        name = forms.CharField()
        code = forms.CharField(widget=forms.TextInput(attrs={"class": "input--code"}))
        when = forms.DateField(widget=DateInput())  # a project subclass of Django's DateInput
        text = forms.CharField(widget=text_area(3))
        choice = forms.ChoiceField(choices=[("a", "A")])
        tick = forms.BooleanField()

    form = Form(data={"name": ""})
    form.is_valid()
    html = {name: str(nlds_control(form[name])) for name in form.fields}
    assert 'class="utrecht-textbox utrecht-textbox--html-input"' in html["name"]
    assert 'aria-invalid="true"' in html["name"]  # Django's own attributes are kept
    assert 'class="input--code utrecht-textbox utrecht-textbox--html-input"' in html["code"]
    assert 'class="input--short utrecht-textbox utrecht-textbox--html-input"' in html["when"]
    assert 'class="utrecht-textarea utrecht-textarea--html-textarea"' in html["text"]
    assert 'class="utrecht-select utrecht-select--html-select"' in html["choice"]
    assert 'class="utrecht-checkbox utrecht-checkbox--html-input"' in html["tick"]
    assert [nlds_alert(tags) for tags in ("success", "warning", "error", "info", "debug", "")] == [
        "ok", "warning", "error", "info", "info", "info",
    ]
