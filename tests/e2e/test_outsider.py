"""Scenario 5, the outsider: a user of an unrelated organisation opens a request's URL and
gets the Dutch not-found page, identical to the page for a request that does not exist."""

from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import axe_check, shot

pytestmark = pytest.mark.e2e

PARENT = "Marieke Bosch"


@pytest.fixture(scope="module")
def filed(server) -> dict:
    """A request of Wijkteam Heerlen (jeugd.heerlen) to Mondriaan, path B, submitted through
    the services (the filing itself is the subject of test_filing.py)."""
    return server.shell(
        "from tests.e2e.seed import file_request; "
        f"file_request('B', 'jeugd.heerlen', 'Mondriaan', {PARENT!r})"
    )


def request_url(filed: dict) -> str:
    """The request's own page once it exists; until then the filing pages of the request
    (they open it through the same access check)."""
    urls = filed["urls"]
    return urls.get("requests:detail") or urls["requests:review"]


def test_outsider_gets_not_found(login_as, server, filed):
    url = request_url(filed)

    # The URL is live: its own organisation reaches it (no 404) — here the requester's team
    # leader, a colleague at Wijkteam Heerlen.
    owner = login_as("teamleider.heerlen")
    response = owner.context.request.get(server.url(url), max_redirects=0)
    expected = 200 if "requests:detail" in filed["urls"] else 302  # the filing pages redirect
    assert response.status == expected, f"the owner got {response.status} for {url}"
    if "requests:detail" in filed["urls"]:
        owner.goto(server.url(url))
        expect(owner.get_by_text(filed["reference"]).first).to_be_visible()
        axe_check(owner, "Verzoek (teamleider aanvragende organisatie)")
        shot(owner, "verzoek-eigenaar")

    outsider = login_as("jeugd.kerkrade")
    expect(outsider.locator(".acting-org strong")).to_have_text("Wijkteam Kerkrade")
    response = outsider.goto(server.url(url))
    assert response is not None and response.status == 404
    expect(outsider).to_have_title("Pagina niet gevonden — toolKID")
    expect(outsider.get_by_role("heading", level=1)).to_have_text("Pagina niet gevonden")
    expect(outsider.locator("html")).to_have_attribute("lang", "nl")
    body = outsider.locator("main").inner_text()
    for secret in (filed["reference"], PARENT, "Mondriaan", "Heerlen"):
        assert secret not in body, f"the not-found page shows {secret!r}"
    axe_check(outsider, "Pagina niet gevonden")
    shot(outsider, "niet-gevonden")

    # Identical to a request that does not exist at all.
    missing = url.replace(filed["public_id"], str(uuid.uuid4()))
    response = outsider.goto(server.url(missing))
    assert response is not None and response.status == 404
    assert outsider.locator("main").inner_text() == body
    expect(outsider.locator(".acting-org strong")).to_have_text("Wijkteam Kerkrade")  # still logged in
