"""Using the requests pages in tests as a browser would: a client that enforces CSRF, the page's
HTML, its CSRF token, and a POST of one action on the request's page (the prefixed fields and the
state the page was rendered in). Shared by the view tests of ``detail``, ``handling``,
``followup`` and ``kindcheck``."""

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


def post_action(client: Client, req: InformationRequest, name: str, data: dict | None = None,
                *, expected: str | None = None, from_page: str | None = None):
    """POST one action as the page's form would: CSRF token, the prefixed fields and the state
    the page was rendered in."""
    html = page(client, from_page or detail_url(req))
    payload = {"csrfmiddlewaretoken": csrf_token(html)}
    if expected is None:
        # The state the page's form carries, as a browser would send it (fallback: the state
        # as the provider knows it, for a POST the page does not offer).
        shown = re.search(rf'name="{name}-expected_status" value="([^"]*)"', html)
        expected = shown.group(1) if shown else fresh(req).status
    payload[f"{name}-expected_status"] = expected
    for key, value in (data or {}).items():
        payload[f"{name}-{key}"] = value
    return client.post(action_url(req, name), payload)


def action_forms(html: str) -> set[str]:
    """The action URLs (slugs) the page offers as forms."""
    return set(re.findall(r'action="/verzoeken/[0-9a-f-]+/actie/([a-z-]+)/"', html))


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
