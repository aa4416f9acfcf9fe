"""The API's keyset pagination (docs/adr/0007 §5) over a kernel list, the notifications
(``/api/v1/meldingen``): the same walk and signed cursors as the pages, a body with
``resultaten``/``volgende``/``vorige``, RFC 8288 ``Link`` headers, and a 400 Problem for a cursor
that does not verify. Also: a person's notifications, and only those of the calling system's
organisation."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from tests.conftest import api_client
from toolkid.models import Notification, NotificationKind, Role

pytestmark = pytest.mark.django_db

START = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))


@pytest.fixture
def person(make_user, mondriaan):
    return make_user((mondriaan, Role.ZORGVERLENER), username="zorg")


def notify(user, organisation, n: int, *, same_time: bool = False) -> Notification:
    return Notification.objects.create(
        recipient=user, organisation=organisation, kind=NotificationKind.DEADLINE_REMINDER,
        params={"reference": f"VZ-{n:04d}", "due_date": "2026-12-01"},
        target_url="/verzoeken/", source_key=f"test:{n}",
        # Several at one instant: the pk breaks the tie, and the walk must not lose any.
        created_at=START if same_time else START + dt.timedelta(minutes=n),
    )


def walk(client, url):
    pages = []
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.content
        pages.append(response)
        url = response.json()["volgende"]
    return pages


def test_walking_every_page_finds_each_notification_once_newest_first(connected_system, mondriaan, person):
    made = [notify(person, mondriaan, n, same_time=n % 2 == 0) for n in range(11)]
    _system, key = connected_system(mondriaan)
    client = api_client(key, "zorg")
    pages = walk(client, "/api/v1/meldingen?limit=4")
    assert [len(p.json()["resultaten"]) for p in pages] == [4, 4, 3]
    ids = [row["id"] for p in pages for row in p.json()["resultaten"]]
    expected = sorted(made, key=lambda m: (m.created_at, m.pk), reverse=True)
    assert ids == [str(m.public_id) for m in expected]
    first, middle, last = pages
    assert first.json()["vorige"] is None and last.json()["volgende"] is None
    assert first["Link"] == f'<{first.json()["volgende"]}>; rel="next"'
    assert f'<{middle.json()["vorige"]}>; rel="prev"' in middle["Link"]
    assert "limit=4" in middle.json()["volgende"] and middle.json()["volgende"].startswith("http://testserver/")
    # Back from the last page: the middle one again.
    assert client.get(last.json()["vorige"]).json()["resultaten"] == middle.json()["resultaten"]


def test_the_default_page_is_25_and_the_limit_at_most_100(connected_system, mondriaan, person):
    for n in range(27):
        notify(person, mondriaan, n)
    _system, key = connected_system(mondriaan)
    client = api_client(key, "zorg")
    assert len(client.get("/api/v1/meldingen").json()["resultaten"]) == 25
    for bad in ("0", "101", "tien", "-1"):
        response = client.get(f"/api/v1/meldingen?limit={bad}")
        assert response.status_code == 400
        assert response.json()["type"] == "urn:toolkid:probleem:ongeldig-verzoek"
        assert "limit" in response.json()["fouten"]


@pytest.mark.parametrize("cursor", ["nonsense", "", "eyJhIjoxfQ:1vAbCd:forged"])
def test_a_cursor_that_does_not_verify_is_a_400_problem(connected_system, mondriaan, person, cursor):
    for n in range(3):
        notify(person, mondriaan, n)
    _system, key = connected_system(mondriaan)
    client = api_client(key, "zorg")
    response = client.get(f"/api/v1/meldingen?cursor={cursor}")
    if cursor == "":
        assert response.status_code == 200  # no cursor: the first page
        return
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:toolkid:probleem:ongeldige-cursor"


def test_the_page_cursor_is_the_html_pages_cursor(connected_system, mondriaan, person, verified_client):
    """One walk for both: a cursor taken from the notification centre's link pages the API."""
    made = [notify(person, mondriaan, n) for n in range(60)]
    html = verified_client(person).get("/meldingen/")
    token = parse_qs(urlsplit(html.context["page"].next_url).query)["pagina"][0]
    _system, key = connected_system(mondriaan)
    api = api_client(key, "zorg").get("/api/v1/meldingen", {"cursor": token, "limit": 10})
    assert api.status_code == 200
    newest_first = [str(m.public_id) for m in reversed(made)]
    assert [row["id"] for row in api.json()["resultaten"]] == newest_first[50:60]


def test_only_the_persons_own_notifications_of_the_systems_organisation(
    connected_system, make_user, mondriaan, wijkteam, person
):
    person_elsewhere = notify(person, wijkteam, 1)  # the same person, for another employer
    colleague = make_user((mondriaan, Role.ZORGVERLENER), username="collega")
    notify(colleague, mondriaan, 2)
    own = notify(person, mondriaan, 3)
    general = notify(person, None, 4)
    _system, key = connected_system(mondriaan)
    body = api_client(key, "zorg").get("/api/v1/meldingen").json()
    assert [row["id"] for row in body["resultaten"]] == [str(general.public_id), str(own.public_id)]
    assert str(person_elsewhere.public_id) not in str(body)
    row = body["resultaten"][1]
    assert row["tekst"].startswith("Verzoek VZ-0003 moet uiterlijk")
    assert row["_links"]["self"]["href"].endswith(f"/meldingen/{own.public_id}/")
    assert row["_links"]["doel"]["href"] == "http://testserver/verzoeken/"
