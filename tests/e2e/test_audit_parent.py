"""The beheerder of Mondriaan answers a parent's right of access: finds the demo parent by BSN
on the Audit page and reads who at Mondriaan saw her data, in Dutch words, per request."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import axe_check, shot

pytestmark = pytest.mark.e2e

#: A demo parent (demo/request_cases.py: path A, answered by a clinician of Mondriaan).
PARENT = "Sandra Wetzels"
#: A code or a "model pk" as the log stores them: never what a user reads.
RAW = re.compile(r"\b(request|consent|auth|audit|parent|user|toolkid|requests)\.[a-z_]+\b")


def test_beheerder_finds_a_parent_and_reads_the_access_record(login_as, server):
    page = login_as("beheer.mondriaan")
    page.goto(server.url("/audit/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit")

    # An invalid BSN: a Dutch error, and what was typed stays.
    page.get_by_label("Of: BSN").fill("123456789")
    page.get_by_role("button", name="Ouder zoeken").click()
    expect(page.get_by_text("Dit is geen geldig BSN").first).to_be_visible()
    expect(page.get_by_label("Of: BSN")).to_have_value("123456789")
    axe_check(page, "Ouder zoeken: ongeldig BSN")
    assert "123456789" not in page.url  # a POST: nothing typed in the address

    page.get_by_label("Of: BSN").fill("111 222 333")
    page.get_by_role("button", name="Ouder zoeken").click()
    expect(page.get_by_role("heading", name="Gevonden ouders")).to_be_visible()
    expect(page.get_by_role("cell", name=PARENT).first).to_be_visible()
    if not page.get_by_role("heading", name=re.compile("Toegang tot de gegevens")).is_visible():
        # More than one record of this parent: open the first overview.
        page.get_by_role("link", name=re.compile("Inzageoverzicht")).first.click()
    record = page.get_by_role("region", name=re.compile("Toegang tot de gegevens"))
    expect(record).to_be_visible()
    # Who at Mondriaan did what, in words, with the request it was about.
    expect(record.get_by_text("Verzoek opgepakt door de zorgverlener").first).to_be_visible()
    expect(record.get_by_text(re.compile(r"TK-\d{4}-\d{6}")).first).to_be_visible()
    expect(record.get_by_text("Mondriaan").first).to_be_visible()
    assert RAW.findall(record.inner_text()) == []
    axe_check(page, "Inzageoverzicht van een ouder")
    shot(page, "inzageoverzicht-ouder")

    # The log itself names the search, in words.
    page.goto(server.url("/audit/"))
    log = page.get_by_role("region", name="Gebeurtenissen")
    expect(log.get_by_text("Ouder opgezocht voor het inzageoverzicht").first).to_be_visible()
    assert RAW.findall(log.inner_text()) == []
    assert "111222333" not in page.content()
