"""Using the requests pages in tests as a browser would: a client that enforces CSRF, the page's
HTML, its CSRF token, the actions the request's page offers (links to their own pages), and a
POST of one action from its own page (the prefixed fields and the state the page was rendered
in). Shared by the view tests of ``detail``, ``handling``, ``followup`` and ``kindcheck``."""

from __future__ import annotations

import html as html_lib
import re

from django.test import Client
from django.urls import reverse

from requests.detail import actions as page_actions
from requests.models import InformationRequest
from tests.conftest import verify_client
from tests.requests.helpers import fresh

# --- the request's page and its actions ------------------------------------------------------


def csrf_client(user) -> Client:
    """A logged-in client that enforces CSRF like a browser: every POST below must carry the
    token from the rendered page."""
    return verify_client(Client(enforce_csrf_checks=True), user)


def detail_url(req: InformationRequest) -> str:
    return reverse("requests:detail", kwargs={"public_id": req.public_id})


def action_url(req: InformationRequest, name: str) -> str:
    return reverse("requests:action", kwargs={"public_id": req.public_id,
                                              "action": page_actions.ACTIONS[name].slug})


def page(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return response.content.decode()


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def action_page(client: Client, req: InformationRequest, name: str, status: int = 200) -> str:
    """The page of one action (GET ``verzoeken/<id>/actie/<slug>/``), as the summary links to it."""
    return page(client, action_url(req, name), status)


def post_action(client: Client, req: InformationRequest, name: str, data: dict | None = None,
                *, expected: str | None = None, from_page: str | None = None):
    """POST one action as its page's form would: open the action's page first (as a user follows
    the summary's link), then send the CSRF token, the prefixed fields and the state that page
    was rendered in. An action the page does not offer (a GET that explains why not) is posted
    with the state as the provider knows it, to prove the service refuses it too."""
    response = client.get(from_page or action_url(req, name))
    html = response.content.decode()
    if "csrfmiddlewaretoken" not in html:
        html = page(client, detail_url(req))
    payload = {"csrfmiddlewaretoken": csrf_token(html)}
    if expected is None:
        shown = re.search(rf'name="{name}-expected_status" value="([^"]*)"', html)
        expected = shown.group(1) if shown else fresh(req).status
    payload[f"{name}-expected_status"] = expected
    for key, value in (data or {}).items():
        payload[f"{name}-{key}"] = value
    return client.post(action_url(req, name), payload)


_ACTION_LINK = r'href="/verzoeken/[0-9a-f-]+/actie/([a-z-]+)/"'


def action_forms(html: str) -> set[str]:
    """The actions (slugs) the request's page offers: its links to the actions' own pages. (The
    name is older than the summary: the page offered forms before each action had a page.)"""
    return set(re.findall(_ACTION_LINK, html))


def offered_actions(client: Client, req: InformationRequest) -> set[str]:
    """The actions (slugs) the request's page offers ``client``'s user now."""
    return action_forms(page(client, detail_url(req)))


def followup_links(html: str) -> set[str]:
    """The follow-up steps (slugs) the request's page links to."""
    return set(re.findall(r'href="/verzoeken/[0-9a-f-]+/vervolg/([a-z-]+)/(?:\d+/)?"', html))


def slugs(*names: str) -> set[str]:
    return {page_actions.ACTIONS[name].slug for name in names}


# --- pages of their own (follow-up, Kindcheck, reverse direction) ----------------------------


def client_for(user) -> Client:
    return verify_client(Client(enforce_csrf_checks=True), user)


def get(client: Client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.status_code
    return html_lib.unescape(response.content.decode())


def token(page_html: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page_html)
    assert found
    return found.group(1)
