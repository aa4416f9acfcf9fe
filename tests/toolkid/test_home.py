"""The home page is *Vandaag*: the blocks the apps register (toolkid.today), then the cards."""

from __future__ import annotations

import re

import pytest

from toolkid import today
from toolkid.models import Role
from toolkid.today import TodayBlock, TodayItem

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_source():
    """A source of our own beside the requests app's, removed afterwards."""
    seen = []

    def source(actor):
        seen.append(actor)
        return [
            TodayBlock(key="later", heading="Later", count=0, empty_text="Niets voor later.", order=99),
            TodayBlock(key="first", heading="Eerst", count=3, empty_text="", order=1,
                       items=[TodayItem(label="IV-1", url="/x/1/", status="Ingediend")], more_url="/x/"),
        ]

    today.register("test", source)
    yield seen
    today._SOURCES.pop("test", None)


def test_the_home_page_is_called_vandaag_and_shows_the_registered_blocks(
    verified_client, make_user, wijkteam, fake_source
):
    user = make_user((wijkteam, Role.JEUGDHULPVERLENER), first_name="Sanne")
    html = verified_client(user).get("/").content.decode()
    assert re.search(r"<title>\s*Vandaag", html)
    assert '<h2 id="vandaag" class="utrecht-heading-2">Vandaag</h2>' in html
    assert "Welkom, Sanne" in html
    assert fake_source and fake_source[0].user == user
    keys = re.findall(r'data-block="([^"]+)"', html)
    assert keys.index("first") < keys.index("later")  # in their order, whoever registered them
    assert '<a href="/x/1/">IV-1</a>' in html
    assert "Nog 2 andere: bekijk de hele lijst" in html
    assert "Niets voor later." in html  # an empty block says so


def test_the_requesters_vandaag_has_its_three_blocks_even_when_empty(verified_client, make_user, wijkteam):
    user = make_user((wijkteam, Role.JEUGDHULPVERLENER))
    html = verified_client(user).get("/").content.decode()
    assert re.findall(r'data-block="([^"]+)"', html) == ["to_read", "returned", "tasks"]
    assert "Er zijn geen nieuwe antwoorden om te lezen." in html


def test_no_blocks_without_an_organisation(verified_client, make_user, fake_source):
    html = verified_client(make_user(is_functional_admin=True)).get("/").content.decode()
    assert "data-block=" not in html and not fake_source
    html = verified_client(make_user()).get("/").content.decode()
    assert "data-block=" not in html
    assert "nog niet gekoppeld aan een organisatie" in html


def test_the_cards_stay_below_vandaag(verified_client, make_user, mondriaan):
    user = make_user((mondriaan, Role.ZORGVERLENER))
    html = verified_client(user).get("/").content.decode()
    assert html.index('id="vandaag"') < html.index('id="aan-de-slag"')
    assert '<a class="card__link" href="/verzoeken/binnengekomen/">Binnengekomen verzoeken</a>' in html
