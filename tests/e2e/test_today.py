"""Vandaag, the home page: a clinician and a requester see what waits for them today, with the
count per block, and open a request straight from it (axe: zero serious/critical)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.flows import heading, main
from tests.e2e.helpers import axe_check, shot

pytestmark = pytest.mark.e2e


def block(page: Page, title: str):
    return main(page).locator("section.today-block", has=page.get_by_role("heading", name=re.compile(title)))


def count(page: Page, title: str) -> int:
    return int(block(page, title).locator(".today-block__count").inner_text())


def test_the_clinician_opens_the_request_due_today_from_vandaag(login_as):
    page = login_as("zorg.mondriaan")
    expect(main(page).get_by_role("heading", name="Vandaag", exact=True)).to_be_visible()
    blocks = ("Vandaag uiterlijk beantwoorden", "Te laat", "Nieuw en nog niet toegewezen", "Aan u toegewezen")
    for title in blocks:
        expect(block(page, title)).to_be_visible()
    assert count(page, "Vandaag uiterlijk beantwoorden") >= 1
    assert count(page, "Te laat") >= 1
    due_today = block(page, "Vandaag uiterlijk beantwoorden")
    expect(due_today.locator(".chip--today").first).to_have_text("vandaag")
    axe_check(page, "Vandaag (zorgverlener)")
    shot(page, "vandaag-zorgverlener")

    link = due_today.get_by_role("link").first
    reference = link.inner_text().strip()
    assert re.fullmatch(r"TK-\d{4}-\d{6}", reference)
    link.click()
    expect(heading(page)).to_contain_text(reference)


def test_the_requester_opens_the_returned_request_from_vandaag(login_as):
    page = login_as("jeugd.xonar")
    returned = block(page, "Teruggestuurd om te herformuleren")
    expect(returned).to_be_visible()
    assert count(page, "Teruggestuurd om te herformuleren") == 1
    assert count(page, "Antwoorden om te lezen") >= 1
    expect(block(page, "Open taken")).to_be_visible()
    axe_check(page, "Vandaag (jeugdhulpverlener)")
    shot(page, "vandaag-jeugdhulpverlener")

    link = returned.get_by_role("link").first
    reference = link.inner_text().strip()
    link.click()
    expect(heading(page)).to_contain_text(reference)


def test_an_empty_block_says_so_in_a_sentence(login_as):
    page = login_as("jeugd.mondriaan")
    expect(block(page, "Teruggestuurd om te herformuleren")).to_contain_text(
        "Er zijn geen verzoeken teruggestuurd om te herformuleren."
    )
    assert count(page, "Teruggestuurd om te herformuleren") == 0
