"""The accessibility statement (issue 13): public, in the Dutch public-sector format, and
linked from the footer of every page."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def footer(html: str) -> str:
    return re.search(r'<footer class="site-footer">.*?</footer>', html, re.DOTALL).group(0)


def test_the_statement_is_public_and_says_what_the_format_asks(client):
    assert reverse("accessibility") == "/toegankelijkheid/"
    response = client.get("/toegankelijkheid/")  # no login
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="utrecht-heading-1">Toegankelijkheidsverklaring toolKID</h1>' in html
    for words in (
        "WCAG", "2.1 op niveau AA", "EN 301 549",  # the standard
        "voldoet gedeeltelijk",  # the compliance status
        "axe-core", "1366 pixels", "390 pixels", "toetsenbord",  # how it is tested
        "PDF/UA",  # what is known not to comply
        "Een probleem melden", "Nationale ombudsman",  # the contact route
        "Deze verklaring is opgesteld op 3 december 2026",  # the date
    ):
        assert words in html, words


def test_the_footer_links_to_the_statement_before_and_after_login(client, verified_client, requester):
    pages = [
        client.get(reverse("login")).content.decode(),
        client.get(reverse("privacy")).content.decode(),
        verified_client(requester).get("/").content.decode(),
    ]
    for html in pages:
        assert '<a href="/toegankelijkheid/">Toegankelijkheid</a>' in footer(html)
