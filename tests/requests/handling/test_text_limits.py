"""The provider side's texts have a limit (toolkid/limits.py): an action on the request's page
shows the Dutch message beside the field and keeps what was typed; the services refuse an
over-long text before anything is written; exactly the limit is accepted."""

from __future__ import annotations

import html as html_lib

import pytest
from django.utils import timezone

from requests.core.workflow import RequestStatus
from requests.handling import actions as ha
from requests.handling.answer import request_save_answer, request_send_answer
from requests.handling.services import (
    legal_advice_give,
    request_ask_legal_advice,
    request_confirm_refusal,
    request_decide,
    request_record_internal_consultation,
    request_return_for_reformulation,
)
from requests.models import Decision, LegalAdvice, RequestedTopic
from tests.requests.helpers import ALL_CONFIRMED, actor_for, assert_refused, decide, fresh, take
from tests.requests.pages import action_url, csrf_client, page, post_action
from toolkid.errors import Incomplete
from toolkid.limits import ANSWER, MOTIVATION, NAME, NOTE

S = RequestStatus
pytestmark = pytest.mark.django_db

SENTENCE = "Moeder kwam op 3 juni onverzorgd naar het gesprek. "


def text(length: int) -> str:
    """Readable text of exactly ``length`` characters (no space at the end for the form to strip)."""
    return (SENTENCE * (length // len(SENTENCE) + 1))[: length - 1] + "."


def too_long(limit: int) -> str:
    return f"Maximaal {limit:,} tekens (u typte er {limit + 1:,}).".replace(",", ".")


def answers(req) -> list[tuple[str, str]]:
    return list(RequestedTopic.objects.filter(request=req).values_list("topic", "own_observations"))


# --- the request's page ----------------------------------------------------------------------


def test_a_suggestion_one_over_the_limit_is_refused_beside_the_field_and_kept(filed_request, clinician):
    req = take(filed_request("A"), actor_for(clinician))
    typed = text(MOTIVATION + 1)
    response = post_action(csrf_client(clinician), req, ha.RETURN, {"suggestion": typed})
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert 'id="id_return-suggestion_error"' in html and too_long(MOTIVATION) in html
    assert f"{typed}</textarea>" in html
    assert fresh(req).status == S.IN_PROGRESS and fresh(req).reformulation_suggestion == ""


def test_an_answer_field_one_over_the_limit_is_refused_and_nothing_is_saved(filed_request, clinician):
    req = decide(filed_request("A"), actor_for(clinician), provide=True)
    client = csrf_client(clinician)
    assert 'maxlength="10000"' in page(client, action_url(req, ha.ANSWER))  # the answer fields, per topic
    typed = text(ANSWER + 1)
    before = answers(req)
    response = post_action(client, req, ha.ANSWER, {"intent": "opslaan", "topics-a-own_observations": typed})
    assert response.status_code == 400
    html = html_lib.unescape(response.content.decode())
    assert 'id="id_answer-topics-a-own_observations_error"' in html and too_long(ANSWER) in html
    assert f"{typed}</textarea>" in html
    assert answers(req) == before


# --- the services, without a form ------------------------------------------------------------


def test_an_answer_of_exactly_the_limit_is_saved_one_more_changes_nothing(filed_request, clinician_actor):
    req = decide(filed_request("A"), clinician_actor, provide=True)
    before = answers(req)
    assert_refused(
        lambda: request_save_answer(
            actor=clinician_actor, request=req, topics={"a": {"own_observations": "x" * (ANSWER + 1)}}
        ),
        req, "topics-a-own_observations", too_long(ANSWER),
    )
    assert answers(req) == before
    request_save_answer(actor=clinician_actor, request=req, topics={"a": {"own_observations": "x" * ANSWER}})
    assert RequestedTopic.objects.get(request=req, topic="a").own_observations == "x" * ANSWER


def test_save_and_send_with_an_over_long_answer_keeps_nothing(filed_request, clinician_actor):
    """Only a refused *send* keeps the saved text (ANSWER_SAVED_NOT_SENT); an over-long text is
    refused before it is saved."""
    req = decide(filed_request("A"), clinician_actor, provide=True)
    before = answers(req)
    caught = assert_refused(
        lambda: request_send_answer(
            actor=clinician_actor, request=req, confirmations=ALL_CONFIRMED,
            topics={"a": {"own_observations": "x" * (ANSWER + 1)}},
        ),
        req, "topics-a-own_observations", too_long(ANSWER),
    )
    assert caught.code == "incomplete"
    assert answers(req) == before


@pytest.mark.parametrize(
    ("call", "key", "limit"),
    [
        (lambda actor, req, long: request_return_for_reformulation(actor=actor, request=req, suggestion=long),
         "suggestion", MOTIVATION),
        (lambda actor, req, long: request_decide(
            actor=actor, request=req, decision=Decision.PROVIDE, motivation=long),
         "decision_motivation", MOTIVATION),
        (lambda actor, req, long: request_record_internal_consultation(
            actor=actor, request=req, with_whom=long, date=timezone.localdate(), conclusion="Verstrekken."),
         "with_whom", NAME),
        (lambda actor, req, long: request_ask_legal_advice(actor=actor, request=req, question=long),
         "question", MOTIVATION),
    ],
    ids=["suggestion", "decision-motivation", "internal-with-whom", "legal-question"],
)
def test_the_handling_services_refuse_an_over_long_text(filed_request, clinician_actor, call, key, limit):
    req = take(filed_request("A"), clinician_actor)
    assert_refused(lambda: call(clinician_actor, req, "x" * (limit + 1)), req, key, too_long(limit))
    assert not LegalAdvice.objects.exists()


def test_a_confirmation_note_over_the_limit_leaves_the_refusal_waiting(
    filed_request, clinician_actor, teamleider_actor
):
    req = decide(filed_request("A"), clinician_actor, provide=False)
    assert_refused(
        lambda: request_confirm_refusal(actor=teamleider_actor, request=req, note="x" * (NOTE + 1)),
        req, "note", too_long(NOTE),
    )
    assert fresh(req).status == S.REFUSAL_PENDING


def test_legal_advice_over_the_limit_is_not_given(filed_request, clinician_actor, legal_actor):
    req = take(filed_request("A"), clinician_actor)
    advice = request_ask_legal_advice(actor=clinician_actor, request=req, question="Mag dit?")
    with pytest.raises(Incomplete) as caught:
        legal_advice_give(actor=legal_actor, advice=advice, text="x" * (ANSWER + 1))
    assert caught.value.errors == {"advice": too_long(ANSWER)}
    assert LegalAdvice.objects.get(pk=advice.pk).advice == ""
    assert legal_advice_give(actor=legal_actor, advice=advice, text="x" * ANSWER).advice == "x" * ANSWER
