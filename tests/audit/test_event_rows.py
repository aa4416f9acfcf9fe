"""The audit events table's rows, written by a template tag instead of 650 template cells
(issue 11): the markup the template wrote, every value escaped, "—" for an empty value, the
time in the active time zone, the parent link and the denied chip."""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from django.template.loader import render_to_string
from django.urls import reverse

from audit.reports import ReportRow


def _row(**changes) -> ReportRow:
    values = dict(
        seq=7, occurred_at=dt.datetime(2026, 3, 1, 23, 30, 5, tzinfo=dt.UTC), username="<b>zorg</b>",
        role="Zorgverlener", organisation="Mondriaan & co", on_behalf_of="", action="Inzien",
        event="request.read", event_label="Informatieverzoek ingezien", outcome="Toegestaan",
        outcome_code="allowed", object="Informatieverzoek VZ-1", reference="VZ-1",
        parent_ref="ouder:00000000-0000-0000-0000-00000000000a", ip_address="192.0.2.1",
        purpose="Behandelen", ground="Toestemming", sensitivity="Gezondheid",
    )
    values.update(changes)
    return ReportRow(**values)


def _html(rows, **context) -> str:
    return render_to_string("audit/_events_table.html", {"rows": rows, "caption_id": "c", **context})


def test_cells_are_labelled_escaped_and_in_local_time():
    html = _html([_row()])
    # Europe/Amsterdam: 23:30 UTC on 1 March is 00:30 on 2 March.
    time = '<time datetime="2026-03-02T00:30:05+01:00">02-03-2026 00:30:05</time>'
    assert f'<td data-label="Tijdstip" class="utrecht-table__cell">{time}</td>' in html
    assert '<td data-label="Gebruiker" class="utrecht-table__cell">&lt;b&gt;zorg&lt;/b&gt;</td>' in html
    assert '<td data-label="Organisatie" class="utrecht-table__cell">Mondriaan &amp; co</td>' in html
    assert (
        '<td data-label="Grondslag" class="utrecht-table__cell">'
        'Toestemming<br><span class="muted">Gezondheid</span></td>'
    ) in html
    assert (
        '<td data-label="Uitkomst" class="utrecht-table__cell">'
        '<span class="chip chip--ok">Toegestaan</span></td>'
    ) in html
    ref = "ouder:00000000-0000-0000-0000-00000000000a"
    link = f'<a href="{reverse("audit:parent_access")}?ouder={quote(ref)}"><code>{ref}</code></a>'
    assert f'<td data-label="Ouder" class="utrecht-table__cell">{link}</td>' in html
    assert '<td data-label="Object" class="utrecht-table__cell">Informatieverzoek VZ-1</td>' in html


def test_empty_values_show_a_dash_and_the_parent_page_leaves_two_columns_out():
    row = _row(username="", role="", organisation="", object="", reference="", parent_ref="",
               ip_address="", on_behalf_of="gemeente", outcome_code="denied", outcome="Geweigerd")
    html = _html([row])
    for label in ("Rol", "Organisatie", "Object", "Verzoek", "Ouder", "IP-adres"):
        assert f'<td data-label="{label}" class="utrecht-table__cell">—</td>' in html, label
    assert (
        '<td data-label="Gebruiker" class="utrecht-table__cell">'
        '— <span class="muted">(namens gemeente)</span></td>'
    ) in html
    assert '<span class="chip chip--overdue">Geweigerd</span>' in html
    parent_page = _html([row], parent_view=True)
    assert 'data-label="Object"' not in parent_page and 'data-label="Ouder"' not in parent_page
    assert parent_page.count("<td ") == 11
