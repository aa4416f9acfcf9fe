"""The consent step asks one question and its answers answer it; the declaration is named by its
parent and date, not by an id (issue 13, plain Dutch)."""

from __future__ import annotations

import html as html_lib
import re

from django.utils import formats

from tests.requests.filing.test_views import (
    fill_steps_1_to_5,
    fresh,
    html,
    post_step,
    review_url,
    start,
    step_url,
)
from tests.requests.helpers import make_consent

QUESTION = "Wat is de situatie rond toestemming van de ouder?"
ANSWERS = (
    "De ouder heeft toestemming gegeven",
    "De ouder is om toestemming gevraagd en heeft geweigerd",
    "De ouder is niet om toestemming gevraagd vanwege ernstig gevaar",
)


def text_of(page: str) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_the_consent_step_asks_the_question_its_answers_answer(client, framework):
    info = start(client)
    fill_steps_1_to_5(client, info, framework)
    page = text_of(html(client.get(step_url(info, "toestemming"))))
    assert QUESTION in page
    for answer in ANSWERS:
        assert answer in page
    assert "Is de ouder om toestemming gevraagd?" not in page
    assert "Toestemming geweigerd" not in page


def test_the_review_names_the_declaration_by_parent_and_date(
    client, framework, wijkteam, mondriaan, requester
):
    info = start(client)
    fill_steps_1_to_5(client, info, framework)
    declaration = make_consent(
        parent=fresh(info).parent, organisation=wijkteam, recipient=mondriaan, created_by=requester
    )
    post_step(client, info, "toestemming", {"consent_path": "A", "consent_declaration": str(declaration.pk)})
    page = text_of(html(client.get(review_url(info))))
    given_on = formats.date_format(declaration.given_on, "j F Y")
    assert f"Verklaring van {declaration.parent.name}, {given_on}" in page
    assert declaration.short_id not in page
    assert "De ouder heeft toestemming gegeven" in page
