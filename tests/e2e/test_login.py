"""Logging in with two factors, as users do it: Dutch pages, the navigation of each role, the
organisation choice of a user with two, and a login done with the keyboard alone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import (
    DEMO_PASSWORD,
    assert_focus_visible,
    axe_check,
    enter_code,
    nav_labels,
    shot,
    tab_to,
)

pytestmark = pytest.mark.e2e

#: UI.md, per role: menu items that must be there (when the page exists in this build) and
#: items that must not.
ROLE_NAV = {
    "jeugd.heerlen": {
        "organisation": "Wijkteam Heerlen",
        "shown": {
            "Vandaag": "home",
            "Mijn verzoeken": "requests:outgoing",
            "Nieuw informatieverzoek": "requests:new",
        },
        "hidden": [
            "Binnengekomen verzoeken",
            "Te bevestigen weigeringen",
            "Adviesvragen",
            "Gebruikers",
            "Audit",
            "Platformbeheer",
        ],
    },
    "zorg.mondriaan": {
        "organisation": "Mondriaan",
        "shown": {"Vandaag": "home", "Binnengekomen verzoeken": "requests:inbox"},
        "hidden": [
            "Mijn verzoeken",
            "Nieuw informatieverzoek",
            "Te bevestigen weigeringen",
            "Adviesvragen",
            "Gebruikers",
            "Audit",
            "Platformbeheer",
        ],
    },
    "teamleider.mondriaan": {
        "organisation": "Mondriaan",
        "shown": {
            "Vandaag": "home",
            "Binnengekomen verzoeken": "requests:inbox",
            "Te bevestigen weigeringen": "requests:refusals",
        },
        "hidden": ["Nieuw informatieverzoek", "Adviesvragen", "Gebruikers", "Platformbeheer"],
    },
    "jurist.mondriaan": {
        "organisation": "Mondriaan",
        "shown": {
            "Vandaag": "home",
            "Adviesvragen": "requests:legal_queue",
            "Te bevestigen weigeringen": "requests:refusals",
        },
        "hidden": [
            "Mijn verzoeken",
            "Nieuw informatieverzoek",
            "Binnengekomen verzoeken",
            "Gebruikers",
            "Platformbeheer",
        ],
    },
    "beheer.heerlen": {
        "organisation": "Wijkteam Heerlen",
        "shown": {"Vandaag": "home", "Gebruikers": "members", "Audit": "audit:log"},
        "hidden": ["Mijn verzoeken", "Nieuw informatieverzoek", "Binnengekomen verzoeken", "Platformbeheer"],
    },
}


@pytest.fixture(scope="module")
def url_names(server) -> dict[str, str]:
    """The argument-less pages that exist in this build, by URL name."""
    names = sorted({name for spec in ROLE_NAV.values() for name in spec["shown"].values()})
    args = ", ".join(repr(n) for n in names)
    return server.shell(f"from tests.e2e.seed import existing_url_names; existing_url_names({args})")


def test_login_pages_are_dutch_and_wrong_password_is_explained(new_context, server):
    """An English browser still gets Dutch; a wrong password gives a Dutch error next to the
    field and in the summary; the error page and both login pages are axe-checked."""
    page = new_context().new_page()
    page.goto(server.url("/"))
    expect(page).to_have_url(re.compile(r"/account/inloggen/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page).to_have_title("Inloggen — toolKID")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    axe_check(page, "Inloggen")
    shot(page, "inloggen")

    page.get_by_label("Gebruikersnaam").fill("raad.limburg")
    page.get_by_label("Wachtwoord").fill("niet-het-goede-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_title(re.compile(r"^Fout: Inloggen"))
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading")).to_have_text("Er is iets niet goed gegaan")
    expect(page.get_by_label("Gebruikersnaam")).to_have_value("raad.limburg")  # what was typed is kept
    expect(page.get_by_label("Wachtwoord")).to_have_value("")  # never the password
    axe_check(page, "Inloggen (fout)")
    shot(page, "inloggen-fout")

    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    expect(page.get_by_label("Code uit uw authenticator-app")).to_be_visible()
    axe_check(page, "Tweestapsverificatie")
    shot(page, "tweestapsverificatie")

    page.get_by_label("Code uit uw authenticator-app").fill("000000")
    page.get_by_role("button", name="Controleren").click()
    expect(page.locator(".error-summary")).to_be_visible()
    axe_check(page, "Tweestapsverificatie (fout)")
    shot(page, "tweestapsverificatie-fout")

    # A wrong code throttles the device for a second (django-otp); then the right one works.
    page.wait_for_timeout(1500)
    enter_code(page, server, "raad.limburg")
    expect(page).to_have_url(server.url("/"))  # back to where the user was going (?next=/)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Bart")


@pytest.mark.parametrize("username", list(ROLE_NAV))
def test_each_role_sees_its_own_navigation(login_as, url_names, username):
    spec = ROLE_NAV[username]
    page = login_as(username)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Welkom, "))
    expect(page.locator(".acting-org strong")).to_have_text(spec["organisation"])
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()

    labels = nav_labels(page)
    for label, url_name in spec["shown"].items():
        if url_name in url_names:
            assert label in labels, f"{username} misses '{label}' in the menu: {labels}"
    for label in spec["hidden"]:
        assert label not in labels, f"{username} must not see '{label}' in the menu: {labels}"
    axe_check(page, f"Overzicht ({username})")
    shot(page, f"overzicht-{username}")

    if username == "beheer.heerlen":
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Gebruikers").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Gebruikers")
        axe_check(page, "Gebruikers")
        shot(page, "gebruikers")

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")


def test_user_of_two_organisations_chooses_one(login_as):
    page = login_as("flex.parkstad")
    expect(page.get_by_role("heading", level=1)).to_have_text("Voor welke organisatie werkt u nu?")
    axe_check(page, "Kies uw organisatie")
    shot(page, "kies-organisatie")

    page.get_by_role("radio", name=re.compile("Wijkteam Brunssum")).check()
    page.get_by_role("button", name="Verder").click()
    expect(page.locator(".acting-org strong")).to_have_text("Wijkteam Brunssum")
    assert "Nieuw informatieverzoek" in nav_labels(page)
    shot(page, "overzicht-brunssum")

    page.locator(".acting-org").get_by_role("link", name="wisselen").click()
    page.get_by_role("radio", name=re.compile("Wijkteam Landgraaf")).check()
    page.get_by_role("button", name="Verder").click()
    expect(page.locator(".acting-org strong")).to_have_text("Wijkteam Landgraaf")


def test_login_with_the_keyboard_alone(new_context, server):
    """Tab, typing and Enter only; every element that gets focus shows a visible ring."""
    page = new_context().new_page()
    page.goto(server.url("/account/inloggen/"))

    page.keyboard.press("Tab")  # the first stop is the skip link, visible once focused
    skip = page.get_by_role("link", name="Naar de inhoud")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    ring = assert_focus_visible(page)
    shot(page, "skiplink-focus")

    tab_to(page, "el.id === 'id_username'")
    page.keyboard.type("gezinsvoogd.bjz")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Wachtwoord")).to_be_focused()
    assert_focus_visible(page)
    shot(page, "wachtwoord-focus")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Tweestapsverificatie")
    tab_to(page, "el.getAttribute('autocomplete') === 'one-time-code'")
    page.keyboard.type(server.totp_code("gezinsvoogd.bjz"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("Welkom, Ilse")
    # ... and out again: to the Uitloggen button by keyboard, Enter.
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Uitloggen'")
    shot(page, "uitloggen-focus")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")
    assert ring["outlineStyle"] != "none" or ring["boxShadow"] != "none"
