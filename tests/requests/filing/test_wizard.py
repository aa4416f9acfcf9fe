"""The guided form as issue 13 left it: only ticked topics show their question box (with and
without JavaScript), the buttons in reading order, the menu marks "Nieuw informatieverzoek"
while filing, a question asking for a judgement on parenting is warned about at the question
itself (R10), and path B/C under the voluntary framework is flagged at the review step (L3)."""

from __future__ import annotations

import re
import uuid

from django.template.loader import render_to_string
from django.urls import reverse

from requests.letters.documents import request_letter_context
from requests.models import LegalFramework
from tests.requests.filing.test_views import (
    CONSENT_B,
    QUESTIONS,
    assert_refused_with,
    fill_steps_1_to_5,
    fresh,
    html,
    post_step,
    review_url,
    start,
    step_url,
    submit_url,
)

JUDGEMENT = "Is moeder een goede opvoeder?"
#: A judgement warning that is shown (not the hidden one the script shows while typing).
SHOWN_WARNING = re.compile(r"data-judgement-warning>")


def _question_box(page: str, letter: str) -> str:
    """The opening tag of the wrapper around topic ``letter``'s question box."""
    at = page.index(f'id="id_topics-{letter}-question"')
    return page[page.rindex("<div class=\"topic__question\"", 0, at):][:120]


def test_only_ticked_topics_show_their_question_box(client):
    info = start(client)
    post_step(client, info, "vragen", {"topics-c-selected": "on", "topics-c-question": "Komt moeder na?"},
              action="save")
    page = html(client.get(step_url(info, "vragen")))
    assert " hidden" not in _question_box(page, "c")
    for letter in "abdef":
        assert " hidden" in _question_box(page, letter)
    assert "Toon vragen" in page


def test_toon_vragen_without_javascript_shows_the_ticked_boxes_and_keeps_what_was_typed(client):
    info = start(client)
    response = post_step(client, info, "vragen", {
        "topics-a-selected": "on", "topics-e-selected": "on",
        "topics-b-question": "Getypt, daarna uitgevinkt",
        "no_parenting_judgement_confirmed": "on",
    }, action="show_questions")
    page = html(response)
    assert response.status_code == 200
    assert 'class="error-summary"' not in page  # nothing validated yet
    assert " hidden" not in _question_box(page, "a") and " hidden" not in _question_box(page, "e")
    assert " hidden" in _question_box(page, "b")
    assert "Getypt, daarna uitgevinkt" in page  # kept in the page
    assert re.search(r'id="id_no_parenting_judgement_confirmed"[^>]*checked', page)
    assert fresh(info).topics.count() == 0  # nothing saved


def test_buttons_in_reading_order_and_enter_means_next(client):
    info = start(client)
    page = html(client.get(step_url(info, "vragen")))
    buttons = re.findall(r'<button type="submit" name="action" value="(\w+)"', page)
    # The hidden default button first (Enter), then Vorige → Opslaan en verder → Opslaan als concept.
    assert buttons[0] == "next"
    assert buttons[-3:] == ["previous", "next", "save"]
    first = html(client.get(step_url(info, "telefonisch-contact")))
    assert re.findall(r'<button type="submit" name="action" value="(\w+)"', first)[-2:] == ["next", "save"]


def _current_menu_item(page: str) -> list[str]:
    return re.findall(r'<a href="[^"]*" aria-current="page">([^<]*)</a>', page)


def test_the_menu_marks_nieuw_informatieverzoek_while_filing(client, framework):
    info = start(client)
    assert _current_menu_item(html(client.get(step_url(info, "vragen")))) == ["Nieuw informatieverzoek"]
    assert _current_menu_item(html(client.get(review_url(info)))) == ["Nieuw informatieverzoek"]
    assert _current_menu_item(html(client.get(reverse("requests:outgoing")))) == ["Mijn verzoeken"]


def test_r10_a_judgement_question_is_warned_about_once_then_goes(client):
    info = start(client)
    data = {**QUESTIONS, "topics-c-question": JUDGEMENT}
    response = post_step(client, info, "vragen", data)
    page = assert_refused_with(
        response, "Deze vraag lijkt te vragen om een oordeel over de ouder", "Vraag liever naar feiten"
    )
    assert fresh(info).topics.count() == 0
    warned = re.search(r'name="topics-c-warned" value="([^"]*)"', page).group(1)
    assert warned == "is moeder een goede opvoeder"

    # Asked again unchanged: the requester's informed choice; it is saved.
    response = post_step(client, info, "vragen", {**data, "topics-c-warned": warned})
    assert response.status_code == 302
    assert fresh(info).topics.get(topic="c").question == JUDGEMENT
    # The warning stays beside the question, on the step and on the review page.
    page = html(client.get(step_url(info, "vragen")))
    assert len(SHOWN_WARNING.findall(page)) == 1
    assert "Vraag liever naar feiten" in page
    assert "Vraag liever naar feiten" in html(client.get(review_url(info)))


def test_r10_a_changed_question_is_checked_again(client):
    info = start(client)
    data = {**QUESTIONS, "topics-c-question": "Is vader geschikt als ouder?",
            "topics-c-warned": "is moeder een goede opvoeder"}
    assert_refused_with(post_step(client, info, "vragen", data), "Vraag liever naar feiten")


def test_a_factual_question_shows_no_warning(client):
    info = start(client)
    response = post_step(client, info, "vragen", QUESTIONS)
    assert response.status_code == 302
    page = html(client.get(step_url(info, "vragen")))
    assert SHOWN_WARNING.findall(page) == []
    # Each question box carries the warning hidden, for the script to show while typing.
    assert page.count("data-judgement-warning hidden") == 6
    assert 'id="judgement-phrases"' in page


def test_l3_path_b_under_the_voluntary_framework_is_flagged_at_review_and_refused(client, framework):
    info = start(client)
    fill_steps_1_to_5(client, info, framework)
    assert fresh(info).legal_framework == LegalFramework.VOLUNTARY
    post_step(client, info, "toestemming", CONSENT_B)
    page = html(client.get(review_url(info)))
    assert "Kies het kader dat wel van toepassing is" in page
    assert step_url(info, "kader-en-ontvanger") + "#id_legal_framework_0" in page
    assert "Verzoek versturen" not in page  # the send button is hidden
    token = client.session["requests_filing_submit_tokens"][str(info.public_id)]
    response = client.post(submit_url(info), {"submit_token": token}, follow=True)
    assert "nog niet compleet" in html(response)
    assert fresh(info).status == "concept"

    # The framework step itself asks for the ground that applies.
    response = post_step(client, info, "kader-en-ontvanger", framework)
    assert_refused_with(response, "Kies het kader dat wel van toepassing is")


def test_the_request_letter_of_a_new_draft_says_the_framework_is_not_chosen_yet(client):
    info = start(client)
    assert fresh(info).legal_framework == ""
    assert "Nog niet gekozen" in html(client.get(review_url(info)))
    letter = render_to_string("requests/letters/request_letter.html",
                              request_letter_context(fresh(info), document_id=uuid.uuid4(), generated_by="—"))
    assert "Nog niet gekozen" in letter
    assert "Vrijwillig kader" not in letter
