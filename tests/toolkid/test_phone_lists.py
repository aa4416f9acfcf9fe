"""Lists on a phone (issue 13): every list table stacks as cards below 48em, each cell naming
its column (data-label), and the row's link sits in its first cell. The e2e test
tests/e2e/test_phone.py checks the same pages in a browser at 390 px."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

TEMPLATES = Path(settings.BASE_DIR) / "templates"

#: The list pages (and the audit log's table), with whether their rows open something by a link.
LISTS = {
    "requests/filing/outgoing.html": True,  # Mijn verzoeken
    "requests/handling/inbox.html": True,  # Binnengekomen verzoeken
    "requests/worklist/tasks.html": True,  # Mijn taken
    "requests/kindcheck/list.html": True,
    "requests/kindcheck/overview.html": False,
    "requests/reverse/list.html": True,  # Vragen over kinderen
    "requests/followup/deviations.html": False,  # the link is to the case the deviation is on
    "requests/deadlines/overview.html": False,  # counts per organisation; the late list links
    "toolkid/members/list.html": False,
    "audit/_events_table.html": False,
}


def body_cells(source: str) -> list[str]:
    """The opening tags of the cells outside <thead>."""
    without_head = re.sub(r"<thead[^>]*>.*?</thead>", "", source, flags=re.DOTALL)
    return re.findall(r"<t[dh](?:\s[^>]*)?>", without_head)


def _source(name: str) -> str:
    """The template, or for the audit table (its rows are written by a template tag,
    audit/templatetags/audit_events.py) what it renders for one row."""
    if name != "audit/_events_table.html":
        return (TEMPLATES / name).read_text(encoding="utf-8")
    from django.template.loader import render_to_string

    from tests.audit.test_event_rows import _row

    return render_to_string(name, {"rows": [_row(on_behalf_of="gemeente")], "caption_id": "c"})


@pytest.mark.parametrize("name", list(LISTS))
def test_every_cell_of_a_list_names_its_column(name):
    source = _source(name)
    tables = re.findall(r"<table[^>]*>", source)
    assert tables and all(re.search(r'class="[^"]*\btable--cards\b', t) for t in tables), tables
    cells = body_cells(source)
    assert cells
    missing = [cell for cell in cells if "data-label=" not in cell]
    assert not missing, f"{name}: cells without data-label: {missing}"


@pytest.mark.parametrize("name", [name for name, links in LISTS.items() if links])
def test_the_first_cell_of_a_row_is_the_link(name):
    source = (TEMPLATES / name).read_text(encoding="utf-8")
    body = re.sub(r"<thead[^>]*>.*?</thead>", "", source, flags=re.DOTALL)
    rows = re.findall(r"<tr[^>]*>\s*(<t[hd][^>]*>.*?</t[hd]>)", body, re.DOTALL)
    assert rows
    for first in rows:
        assert first.startswith('<th scope="row"') and "<a href=" in first, first


def test_the_cards_are_drawn_on_narrow_screens_only():
    css = open(finders.find("css/toolkid.css"), encoding="utf-8").read()
    start = css.index("/* Phones (issue 13) */")
    narrow_at = css.index("@media (max-width: 48em)", start)
    narrow = css[narrow_at:]
    assert ".table--cards > thead" in narrow and "content: attr(data-label)" in narrow
    # Outside the media query a .table--cards is an ordinary table.
    assert ".table--cards" not in css[:narrow_at]
