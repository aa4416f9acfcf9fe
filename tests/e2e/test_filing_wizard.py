"""The filing wizard in a real browser (issue 13): only the ticked topics show their question
box, at once and without losing what was typed; the buttons read "Vorige" → "Opslaan en
verder" → "Opslaan als concept"; the menu marks "Nieuw informatieverzoek" while filing; and a
question that asks for a judgement on parenting is warned about at the question itself (R10).
axe checks every state (zero serious or critical violations). Without JavaScript ("Toon
vragen") is covered in tests/requests/filing/test_wizard.py."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e import flows
from tests.e2e.flows import button, heading, main
from tests.e2e.helpers import axe_check, shot

pytestmark = pytest.mark.e2e

JUDGEMENT = "Is moeder een goede opvoeder?"


def test_wizard_ticked_topics_buttons_menu_and_judgement_warning(login_as):
    page = login_as("jeugd.heerlen")
    flows.start_filing(page)
    m = main(page)
    menu = page.get_by_role("navigation", name="Hoofdmenu")

    # The menu marks "Nieuw informatieverzoek" on every step, not "Mijn verzoeken".
    current = menu.locator('[aria-current="page"]')
    expect(current).to_have_count(1)
    expect(current).to_have_text("Nieuw informatieverzoek")

    m.get_by_label("Datum van het telefonisch contact").fill(flows.days_ago(1).isoformat())
    m.get_by_label("Met wie had u telefonisch contact?").fill("mevrouw J. Hermans, behandelaar")
    flows.step_next(page, "Ouder en kinderen")
    expect(current).to_have_text("Nieuw informatieverzoek")

    # The buttons in reading order: back, forward, stop for now.
    names = [b.inner_text().strip() for b in m.locator(".button-group button").all() if b.is_visible()]
    assert names == ["Vorige", "Opslaan en verder", "Opslaan als concept"], names
    shot(page, "wizard-knoppen")

    # Straight to Vragen through the progress list (the draft keeps what is missing).
    page.get_by_role("navigation", name="Stappen van het verzoek").get_by_role("link", name="Vragen").click()
    expect(heading(page)).to_have_text("Vragen")
    expect(current).to_have_text("Nieuw informatieverzoek")

    # Only ticked topics show their question box; JavaScript shows it at once.
    for letter in "abcdef":
        expect(m.locator(f"#id_topics-{letter}-question")).to_be_hidden()
    expect(button(page, "Toon vragen")).to_be_hidden()  # only needed without JavaScript
    m.locator("#id_topics-c-selected").check()
    question = m.locator("#id_topics-c-question")
    expect(question).to_be_visible()
    live = m.locator("[data-topic-question]:has(#id_topics-c-question) .judgement-warning")
    expect(live).to_be_hidden()
    question.fill(JUDGEMENT)
    expect(live).to_be_visible()  # while typing (the server checks again)
    # Unticked, the box hides and keeps what was typed; ticked again, it is back.
    m.locator("#id_topics-c-selected").uncheck()
    expect(question).to_be_hidden()
    m.locator("#id_topics-c-selected").check()
    expect(question).to_have_value(JUDGEMENT)
    expect(m.locator("#id_topics-a-question")).to_be_hidden()
    axe_check(page, "Stap Vragen (alleen aangevinkte onderwerpen)")

    # R10: a question asking for a judgement on parenting is stopped once, with a warning at it.
    m.get_by_role("checkbox", name=re.compile("Geen van mijn vragen vraagt om een oordeel")).check()
    button(page, "Opslaan en verder").click()
    expect(heading(page)).to_have_text("Vragen")
    warning = m.locator(".judgement-warning:not([hidden])")
    expect(warning).to_have_count(1)
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("Vraag liever naar feiten")
    expect(page.locator(".error-summary")).to_contain_text("lijkt te vragen om een oordeel")
    expect(question).to_have_value(JUDGEMENT)
    axe_check(page, "Stap Vragen (waarschuwing oordeel over ouderschap)")
    shot(page, "vragen-waarschuwing-oordeel")

    # Asked for facts instead, it goes on.
    question.fill("Komt moeder de afspraken over haar behandeling na?")
    flows.step_next(page, "Toestemming")
    expect(current).to_have_text("Nieuw informatieverzoek")

