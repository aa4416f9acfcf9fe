"""toolKID on a phone (issue 13): each role's main pages at 390 px wide. No page scrolls
sideways, a list's rows are cards whose first line is the link that opens the row, the menu
folds behind a "Menu" button that works with the keyboard, and axe finds nothing serious.
At 1366 px the same lists are ordinary tables and the menu is open without a button."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import axe_check, shot, tab_to

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}

#: Per role, the pages of the main menu to open on a phone: (menu item, first words of its <h1>).
PAGES = {
    "jeugd.heerlen": [
        ("Mijn verzoeken", "Mijn verzoeken"),
        ("Mijn taken", "Mijn taken"),
        ("Vragen over kinderen", "Vragen over kinderen"),
    ],
    "zorg.mondriaan": [
        ("Binnengekomen verzoeken", "Binnengekomen verzoeken"),
        ("Mijn taken", "Mijn taken"),
        ("Kindcheck", "Kindcheck"),
        ("Vragen over kinderen", "Vragen over kinderen"),
    ],
    "teamleider.mondriaan": [
        ("Binnengekomen verzoeken", "Binnengekomen verzoeken"),
        ("Te bevestigen weigeringen", "Te bevestigen weigeringen"),
        ("Kindchecks (overzicht)", "Kindchecks (overzicht)"),
        ("Afwijkingen", "Afwijkingen"),
        ("Overzicht termijnen", "Overzicht termijnen"),
    ],
    "jurist.mondriaan": [
        ("Adviesvragen", "Adviesvragen"),
        ("Te bevestigen weigeringen", "Te bevestigen weigeringen"),
    ],
    "beheer.mondriaan": [
        ("Gebruikers", "Gebruikers"),
        ("Audit", "Audit"),
        ("Overzicht termijnen", "Overzicht termijnen"),
    ],
}

#: Lists whose rows each open a page: the first cell of a card is the link.
LINKED_LISTS = {
    "Mijn verzoeken", "Binnengekomen verzoeken", "Mijn taken", "Kindcheck", "Vragen over kinderen",
}
#: Lists whose rows are requests: that link is the request's reference.
REQUEST_LISTS = {"Mijn verzoeken", "Binnengekomen verzoeken"}
REFERENCE = re.compile(r"^TK-\d{4}-\d{6}$")


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def menu(page: Page):
    return page.get_by_role("navigation", name="Hoofdmenu")


def menu_button(page: Page):
    return menu(page).get_by_role("button", name="Menu")


def assert_no_sideways_scroll(page: Page, where: str) -> None:
    page.wait_for_load_state("load")  # with its stylesheet
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], f"{where} scrolls sideways at {widths[1]} px: {widths[0]} px wide"


def assert_first_card_opens_by_its_link(page: Page, label: str) -> None:
    """The first row of the page's first list: its first cell holds the link, visible on screen
    without scrolling sideways."""
    rows = page.locator("main table.table--cards > tbody > tr")
    if rows.count() == 0:
        return
    # The column headers are out of sight; each value says which column it is in.
    head = page.locator("main table.table--cards > thead").first
    assert head.bounding_box()["height"] <= 1
    if label not in LINKED_LISTS:
        return
    link = rows.first.locator(":scope > :first-child a").first
    expect(link).to_be_visible()
    box = link.bounding_box()
    on_screen = box and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert on_screen, f"{label}: the link is off screen: {box}"
    if label in REQUEST_LISTS:
        assert REFERENCE.match(link.inner_text().strip()), link.inner_text()


def open_menu_item(page: Page, item: str, title: str) -> None:
    """On a phone the menu is folded: open it with its button, then follow the item."""
    button = menu_button(page)
    expect(button).to_have_attribute("aria-expanded", "false")
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    menu(page).get_by_role("link", name=item, exact=True).click()
    expect(heading(page)).to_contain_text(title)


def check_menu_with_keyboard(page: Page) -> None:
    """Folded on arrival; Enter opens it, Escape closes it (focus back on the button), Space
    opens it again and Tab goes straight into it. Every stop shows its focus."""
    button = menu_button(page)
    links = menu(page).get_by_role("link")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    tab_to(page, "el.matches('[data-menu-toggle]')")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "true")
    expect(links.first).to_be_visible()
    axe_check(page, "Menu open (390 px)")
    shot(page, "menu-open")
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(links.first).to_be_hidden()
    expect(button).to_be_focused()
    page.keyboard.press("Space")
    expect(button).to_have_attribute("aria-expanded", "true")
    tab_to(page, "el.closest('#hoofdmenu') !== null", max_presses=1)
    expect(links.first).to_be_focused()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Enter")
    expect(button).to_have_attribute("aria-expanded", "false")


@pytest.mark.parametrize("username", list(PAGES))
def test_each_role_on_a_phone(login_as, username):
    page = login_as(username, viewport=PHONE)
    expect(heading(page)).to_contain_text("Welkom")
    assert_no_sideways_scroll(page, "Vandaag")
    # The header (with the folded menu) leaves most of the screen to the page.
    header = page.locator("header.site-header").bounding_box()
    assert header["height"] <= 0.3 * PHONE["height"], f"the header is {header['height']} px high"
    # "Meldingen" once, in the header; not in the menu as well.
    expect(page.get_by_role("link", name=re.compile(r"^Meldingen"))).to_have_count(1)
    shot(page, "overzicht")
    check_menu_with_keyboard(page)

    for item, title in PAGES[username]:
        open_menu_item(page, item, title)
        if item == "Audit":  # the events show after a search
            page.get_by_role("main").get_by_role("button", name="Zoeken", exact=True).click()
            expect(page.get_by_role("heading", name="Gebeurtenissen")).to_be_visible()
        assert_no_sideways_scroll(page, item)
        assert_first_card_opens_by_its_link(page, item)
        axe_check(page, f"{item} (390 px)")
        shot(page, re.sub(r"\W+", "-", item.lower()).strip("-"))

    page.locator("header.site-header").get_by_role("link", name=re.compile(r"^Meldingen")).click()
    expect(heading(page)).to_have_text("Meldingen")
    assert_no_sideways_scroll(page, "Meldingen")

    page.locator("footer").get_by_role("link", name="Toegankelijkheid").click()
    expect(heading(page)).to_have_text("Toegankelijkheidsverklaring toolKID")
    assert_no_sideways_scroll(page, "Toegankelijkheidsverklaring")


def test_a_request_opens_from_its_card(login_as):
    """A clinician on a phone opens a request from the inbox by its reference."""
    page = login_as("zorg2.mondriaan", viewport=PHONE)
    open_menu_item(page, "Binnengekomen verzoeken", "Binnengekomen verzoeken")
    link = page.locator("main table.table--cards > tbody > tr").first.locator(":scope > th a")
    reference = link.inner_text().strip()
    link.click()
    expect(heading(page)).to_contain_text(reference)


def test_the_statement_without_login_on_a_phone_and_a_laptop(new_context, server):
    for viewport in (PHONE, LAPTOP):
        page = new_context(viewport=viewport).new_page()
        page.goto(server.url("/account/inloggen/"))
        assert_no_sideways_scroll(page, "Inloggen")
        expect(page.get_by_role("button", name="Menu")).to_have_count(0)  # no menu, no button
        page.locator("footer").get_by_role("link", name="Toegankelijkheid").click()
        expect(heading(page)).to_have_text("Toegankelijkheidsverklaring toolKID")
        expect(page.get_by_text("voldoet gedeeltelijk")).to_be_visible()
        assert_no_sideways_scroll(page, "Toegankelijkheidsverklaring")
        axe_check(page, f"Toegankelijkheidsverklaring ({viewport['width']} px)")


def test_on_a_laptop_lists_stay_tables_and_the_menu_stays_open(login_as):
    page = login_as("teamleider.mondriaan", viewport=LAPTOP)
    expect(menu_button(page)).to_be_hidden()
    expect(menu(page).get_by_role("link", name="Binnengekomen verzoeken")).to_be_visible()
    menu(page).get_by_role("link", name="Binnengekomen verzoeken").click()
    expect(heading(page)).to_have_text("Binnengekomen verzoeken")
    table = page.locator("main table.table--cards").first
    expect(table.get_by_role("columnheader", name="Kenmerk")).to_be_visible()
    assert table.evaluate("t => getComputedStyle(t).display") == "table"
    assert_no_sideways_scroll(page, "Binnengekomen verzoeken (1366 px)")
    axe_check(page, "Binnengekomen verzoeken (1366 px)")
