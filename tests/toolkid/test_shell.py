"""The shell every page shares: navigation by role, the acting organisation, choosing one,
the skip link and landmarks, language switching, the error pages."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse

from audit.models import AuditEvent, AuditOutcome
from toolkid.models import OrganisationKind, Role

pytestmark = pytest.mark.django_db


def url_exists(name: str) -> bool:
    try:
        reverse(name)
    except NoReverseMatch:
        return False
    return True


def nav_labels(html: str) -> set[str]:
    match = re.search(r'<nav class="site-nav".*?</nav>', html, re.DOTALL)
    if not match:
        return set()
    return set(re.findall(r"<a [^>]*>([^<]+)</a>", match.group(0)))


def header(html: str) -> str:
    return re.search(r'<header class="site-header">.*?</header>', html, re.DOTALL).group(0)


# (url name, label): the navigation entries a role must and must not see.
MY_REQUESTS = ("requests:outgoing", "Mijn verzoeken")
NEW_REQUEST = ("requests:new", "Nieuw informatieverzoek")
INBOX = ("requests:inbox", "Binnengekomen verzoeken")
REFUSALS = ("requests:refusals", "Te bevestigen weigeringen")
LEGAL = ("requests:legal_queue", "Adviesvragen")
MEMBERS = ("members", "Gebruikers")
AUDIT = ("audit:log", "Audit")
PLATFORM = ("admin:index", "Platformbeheer")
HOME = ("home", "Vandaag")
ALL = (HOME, MY_REQUESTS, NEW_REQUEST, INBOX, REFUSALS, LEGAL, MEMBERS, AUDIT, PLATFORM)

SEES = {
    Role.JEUGDHULPVERLENER: {HOME, MY_REQUESTS, NEW_REQUEST},
    Role.ZORGVERLENER: {HOME, INBOX},
    Role.BEHEERDER: {HOME, MEMBERS, AUDIT},
}


def assert_nav(html: str, visible: set[tuple[str, str]]) -> None:
    labels = nav_labels(html)
    for name, label in ALL:
        expected = (name, label) in visible and url_exists(name)
        assert (label in labels) == expected, (
            f"{label}: expected {'present' if expected else 'absent'}"
        )


@pytest.mark.parametrize("role", list(SEES))
def test_navigation_follows_the_role(verified_client, make_user, wijkteam, mondriaan, role):
    organisation = mondriaan if role == Role.ZORGVERLENER else wijkteam
    user = make_user((organisation, role))
    response = verified_client(user).get("/")
    assert response.status_code == 200
    assert_nav(response.content.decode(), SEES[role])


def test_navigation_of_the_functional_admin(verified_client, make_user):
    admin = make_user(is_functional_admin=True)
    html = verified_client(admin).get("/").content.decode()
    assert_nav(html, {HOME, AUDIT, PLATFORM})
    assert "Platformbeheer" in nav_labels(html)  # the admin always exists
    assert "functioneel beheerder" in html
    assert '<a class="card__link" href="/beheer/">Platformbeheer</a>' in html


def test_the_dashboard_has_a_card_for_each_nav_item_but_the_overview(
    verified_client, make_user, wijkteam
):
    user = make_user((wijkteam, Role.BEHEERDER))
    html = verified_client(user).get("/").content.decode()
    cards = re.findall(r'<a class="card__link" href="([^"]+)">([^<]+)</a>', html)
    assert ("/organisatie/gebruikers/", "Gebruikers") in cards
    assert all(label != "Vandaag" for _url, label in cards)


def test_the_header_shows_the_acting_organisation_and_the_roles(
    verified_client, make_user, wijkteam
):
    user = make_user(
        (wijkteam, Role.JEUGDHULPVERLENER),
        (wijkteam, Role.TEAMLEIDER),
        first_name="Sanne",
        last_name="Vermeulen",
    )
    html = verified_client(user).get("/").content.decode()
    top = header(html)
    assert "U werkt namens" in top and "<strong>Wijkteam Heerlen</strong>" in top
    assert "Sanne Vermeulen" in top
    assert "Uitloggen" in top
    assert "Welkom, Sanne" in html
    assert re.search(r"als (jeugdhulpverlener en teamleider|teamleider en jeugdhulpverlener)", html)


def test_a_user_without_organisation_is_told_whom_to_contact(verified_client, make_user):
    user = make_user()
    html = verified_client(user).get("/").content.decode()
    assert "nog niet gekoppeld aan een organisatie" in html
    assert "beheerder" in html


@pytest.fixture
def two_org_user(make_user, make_organisation):
    landgraaf = make_organisation("Wijkteam Landgraaf", OrganisationKind.WIJKTEAM, "Landgraaf")
    brunssum = make_organisation("Wijkteam Brunssum", OrganisationKind.WIJKTEAM, "Brunssum")
    user = make_user((landgraaf, Role.JEUGDHULPVERLENER), (brunssum, Role.JEUGDHULPVERLENER))
    return user, landgraaf, brunssum


def test_a_user_with_two_organisations_chooses_first(verified_client, two_org_user):
    user, landgraaf, brunssum = two_org_user
    client = verified_client(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("choose_organisation")

    html = client.get(reverse("choose_organisation") + "?next=/privacy/").content.decode()
    assert "<fieldset" in html and "<legend class=\"utrecht-form-fieldset__legend" in html
    assert f'value="{landgraaf.pk}"' in html and f'value="{brunssum.pk}"' in html
    assert 'type="radio"' in html
    assert 'name="next" value="/privacy/"' in html
    assert 'name="csrfmiddlewaretoken"' in html

    response = client.post(
        reverse("choose_organisation"), {"organisation": brunssum.pk, "next": "/"}
    )
    assert response.status_code == 302 and response.url == "/"
    top = header(client.get("/").content.decode())
    assert "<strong>Wijkteam Brunssum</strong>" in top
    assert "wisselen" in top


def test_choosing_an_organisation_one_is_no_member_of_is_a_logged_404(
    verified_client, two_org_user, mondriaan
):
    user, _landgraaf, _brunssum = two_org_user
    response = verified_client(user).post(
        reverse("choose_organisation"), {"organisation": mondriaan.pk}
    )
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()
    assert AuditEvent.objects.filter(
        event="organisation.act_for", outcome=AuditOutcome.DENIED, object_id=str(mondriaan.pk)
    ).exists()


def test_choosing_does_not_redirect_off_site(verified_client, two_org_user):
    user, landgraaf, _brunssum = two_org_user
    response = verified_client(user).post(
        reverse("choose_organisation"),
        {"organisation": landgraaf.pk, "next": "https://example.com/"},
    )
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_skip_link_landmarks_and_language(verified_client, requester):
    html = verified_client(requester).get("/").content.decode()
    assert '<html lang="nl" class="toolkid-theme">' in html
    assert '<a class="skip-link" href="#inhoud">' in html
    assert '<main id="inhoud"' in html
    assert '<nav class="site-nav" aria-label="Hoofdmenu">' in html
    assert html.index('class="skip-link"') < html.index("<header")


def test_switching_to_english_shows_english_navigation(verified_client, requester):
    client = verified_client(requester)
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en" class="toolkid-theme">' in html
    assert "Today" in nav_labels(html)
    assert "Skip to content" in html
    assert "Log out" in html
    if url_exists("requests:outgoing"):
        assert "My requests" in nav_labels(html)


def test_not_found_page_is_dutch_and_extends_the_layout(verified_client, requester):
    response = verified_client(requester).get("/bestaat-niet/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<h1 class="utrecht-heading-1">Pagina niet gevonden</h1>' in html
    assert '<main id="inhoud"' in html


def test_server_error_page_is_standalone():
    html = get_template("500.html").render({})
    assert '<html lang="nl">' in html
    assert "Er ging iets mis" in html
    assert "{%" not in html
    # Its rules are a static file by plain path, not a <style> block: the CSP forbids inline style.
    assert "<style" not in html and 'href="/static/css/error.css"' in html


def test_privacy_statement_is_public_and_covers_the_essentials(client):
    response = client.get(reverse("privacy"))
    assert response.status_code == 200
    html = response.content.decode()
    for words in (
        "BSN",
        "initialen",
        "NEN 7513",
        "vijf jaar",
        "twintig jaar",
        "wie uw gegevens heeft ingezien",
        "privacyfunctionaris",
        "Autoriteit Persoonsgegevens",
    ):
        assert words in html, words


def test_the_stylesheet_is_there_with_focus_styles():
    path = finders.find("css/toolkid.css")
    assert path
    css = open(path, encoding="utf-8").read()
    assert ":focus-visible" in css and "prefers-reduced-motion" in css and "@media print" in css


def test_an_english_browser_still_gets_dutch_until_english_is_chosen(client):
    response = client.get("/account/inloggen/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert 'lang="nl"' in response.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/account/inloggen/"})
    response = client.get("/account/inloggen/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert 'lang="en"' in response.content.decode()


# --------------------------------------------------------------------------------------------
# Phones (issue 13): the menu behind a button, Meldingen once
# --------------------------------------------------------------------------------------------


def test_the_menu_has_a_real_button_that_controls_it(verified_client, requester):
    html = verified_client(requester).get("/").content.decode()
    top = header(html)
    button = re.search(r"<button [^>]*data-menu-toggle[^>]*>([^<]*)</button>", top)
    assert button and button.group(1) == "Menu"
    attributes = button.group(0)
    assert 'type="button"' in attributes and 'aria-controls="hoofdmenu"' in attributes
    assert 'aria-expanded="true"' in attributes  # the menu is open until the script folds it
    # Without JavaScript the button is useless, so it is hidden; the menu never is.
    assert " hidden" in attributes
    menu = re.search(r'<ul id="hoofdmenu"[^>]*>', top)
    assert menu and "hidden" not in menu.group(0)
    assert '<script src="/static/js/menu.js" defer></script>' in html


def test_the_menu_script_folds_the_menu_on_a_narrow_screen_only():
    path = finders.find("js/menu.js")
    assert path
    script = open(path, encoding="utf-8").read()
    assert "matchMedia" in script and "48em" in script
    assert "aria-expanded" in script and "menu.hidden" in script and "Escape" in script
    css = open(finders.find("css/toolkid.css"), encoding="utf-8").read()
    assert "@media (max-width: 48em)" in css and ".site-nav ul[hidden]" in css


def test_no_menu_button_without_a_menu(client):
    html = client.get(reverse("login")).content.decode()
    assert "data-menu-toggle" not in html and 'id="hoofdmenu"' not in html


def test_meldingen_is_in_the_header_once_and_not_in_the_menu(verified_client, make_user, mondriaan):
    user = make_user((mondriaan, Role.ZORGVERLENER))
    html = verified_client(user).get("/").content.decode()
    assert "Meldingen" not in nav_labels(html)
    assert header(html).count('<a href="/meldingen/">Meldingen') == 1
    assert html.count(">Meldingen") == 1
