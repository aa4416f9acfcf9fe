"""Protocol gaps on the clinician's side (issue 13):

- R31b, R39: provided against the parent's wish: the requester reads that the parent did not
  agree, the internal consultation (with whom, when) and why the information was provided anyway;
- R8, R11: a refusal with legal advice still open is confirmed only with the reason why the
  confirmer does not wait; the advice stays open and the audit trail names it;
- R29: after the consent is revoked the clinician is not offered the answer, and a post is refused
  with the reason in Dutch;
- R17: per topic, facts that lessen the concern or the explicit statement that none are known.
"""

from __future__ import annotations

import html as html_lib
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from consent.services import consent_revoke
from requests.core import policy, rules
from requests.core.workflow import RequestStatus
from requests.detail import actions as vh
from requests.handling import answer as answer_services
from requests.handling.selectors import answer_basis
from requests.handling.services import request_ask_legal_advice, request_confirm_refusal, request_decide
from requests.models import Decision, LegalAdviceStatus, RequestedTopic, RequestEvent
from toolkid.errors import IllegalMove, Incomplete

from ..helpers import (
    ALL_CONFIRMED,
    actor_for,
    assert_refused,
    consult_internally,
    consult_parent,
    decide,
    fill_answer,
    fresh,
    snapshot,
    take,
)

S = RequestStatus
pytestmark = pytest.mark.django_db

NOT_AGREED = "De ouder heeft niet ingestemd met het verstrekken van deze informatie."
WHY_ANYWAY = "De veiligheid van de kinderen weegt zwaarder dan het bezwaar van moeder."


def _page(client, req):
    return client.get(reverse("requests:detail", kwargs={"public_id": req.public_id}))


def _action_url(req, name: str) -> str:
    return reverse("requests:action", kwargs={"public_id": req.public_id, "action": vh.ACTIONS[name].slug})


def _post(client, req, name: str, data: dict[str, Any]):
    payload = {f"{name}-{key}": value for key, value in data.items()}
    return client.post(
        reverse("requests:action", kwargs={"public_id": req.public_id, "action": vh.ACTIONS[name].slug}),
        payload,
    )


# --- R31b: provided against the parent's wish ------------------------------------------------


def _against_wish(filed_request, clinician_actor):
    """Path B: the parent does not agree; internal consultation; provided anyway; answered."""
    req = take(filed_request("B"), clinician_actor)
    req = consult_parent(req, clinician_actor, agrees=False)
    req = consult_internally(req, clinician_actor)
    req = request_decide(actor=clinician_actor, request=req, decision=Decision.PROVIDE, motivation=WHY_ANYWAY)
    return fill_answer(req, clinician_actor)


def test_r31b_the_requester_reads_that_the_parent_did_not_agree_and_why_provided_anyway(
    filed_request, clinician_actor, requester, verified_client
):
    req = _against_wish(filed_request, clinician_actor)
    client = verified_client(requester)
    # Before the answer is sent the requester learns nothing of the decision.
    assert _page(client, req).context["answer_basis"] is None

    answer_services.request_send_answer(actor=clinician_actor, request=req, confirmations=ALL_CONFIRMED)
    response = _page(client, req)
    assert response.context["answer_basis"] is not None
    html = html_lib.unescape(response.content.decode())  # on the request's own page
    today = timezone.localdate()
    assert NOT_AGREED in html
    assert "Geneesheer-directeur" in html and f"{today.day} " in html  # who and when
    assert WHY_ANYWAY in html
    # The internal consultation's conclusion stays with the provider.
    assert "Verstrekken is noodzakelijk voor de veiligheid van de kinderen." not in html
    assert fresh(req).provided_against_parent_wish


def test_r31b_the_clinician_sees_the_basis_from_the_decision_on(
    filed_request, clinician_actor, clinician, verified_client
):
    req = _against_wish(filed_request, clinician_actor)
    basis = _page(verified_client(clinician), req).context["answer_basis"]
    assert basis is not None and basis.motivation == WHY_ANYWAY
    assert basis.consulted_with == "Geneesheer-directeur"


@pytest.mark.parametrize("path", ["A", "B"])
def test_r31b_nothing_to_say_when_the_parent_agreed(filed_request, clinician_actor, path):
    req = decide(filed_request(path), clinician_actor, provide=True)  # on B: the parent agrees
    assert answer_basis(req) is None and not req.provided_against_parent_wish
    html = render_to_string("requests/handling/_answer_basis.html", {"answer_basis": answer_basis(req)})
    assert NOT_AGREED not in html


# --- R10: a question that asks for a judgement on parenting, shown to the clinician -----------

JUDGEMENT_QUESTION = "Is moeder een goede opvoeder?"


def test_r10_the_clinician_is_warned_at_the_question_on_the_request_and_the_answer_page(
    filed_request, clinician_actor, clinician, verified_client
):
    req = decide(filed_request("A"), clinician_actor, provide=True)
    warning = rules.judgement_message("clinician")
    client = verified_client(clinician)
    assert str(warning) not in html_lib.unescape(_page(client, req).content.decode())

    RequestedTopic.objects.filter(request=req).update(question=JUDGEMENT_QUESTION)
    assert str(warning) in html_lib.unescape(_page(client, req).content.decode())
    answer_page = html_lib.unescape(client.get(_action_url(req, vh.ANSWER)).content.decode())
    assert JUDGEMENT_QUESTION in answer_page and str(warning) in answer_page


# --- R8, R11: confirming a refusal while legal advice is open --------------------------------

QUESTION = "Mag ik weigeren terwijl er een OTS wordt voorbereid?"
REASON = "Het advies laat op zich wachten en de aanvrager moet vandaag weten waar zij staat."


@pytest.fixture
def pending_with_advice(filed_request, clinician_actor):
    req = take(filed_request("C"), clinician_actor)
    advice = request_ask_legal_advice(actor=clinician_actor, request=req, question=QUESTION)
    req = decide(fresh(req), clinician_actor, provide=False)
    assert req.status == S.REFUSAL_PENDING
    return req, advice


def test_r8_confirming_with_open_advice_needs_the_reason_why_not_waiting(
    pending_with_advice, teamleider_actor
):
    req, advice = pending_with_advice
    assert_refused(
        lambda: request_confirm_refusal(actor=teamleider_actor, request=req),
        req,
        "without_advice_reason",
        "Er staat nog een vraag om juridisch advies open.",
    )
    assert_refused(
        lambda: request_confirm_refusal(actor=teamleider_actor, request=req, without_advice_reason="  "),
        req,
        "without_advice_reason",
        "leg uit waarom u de weigering nu al bevestigt",
    )
    req = request_confirm_refusal(actor=teamleider_actor, request=req, without_advice_reason=REASON)
    assert fresh(req).status == S.REFUSED
    advice.refresh_from_db()
    assert advice.status == LegalAdviceStatus.OPEN  # the advice stays open
    event = AuditEvent.objects.filter(event="request.refusal_confirmed", object_id=str(req.pk)).get()
    assert event.payload["open_legal_advice_ids"] == [advice.pk]
    assert REASON not in str(event.payload)  # free text stays out of the audit trail
    step = RequestEvent.objects.get(request=req, kind="refusal_confirmed")
    assert REASON in step.motivation


def test_r8_the_confirmer_sees_the_open_advice_and_is_asked_why(
    pending_with_advice, teamleider, verified_client
):
    req, _advice = pending_with_advice
    client = verified_client(teamleider)
    for url in (
        reverse("requests:refusals"),
        _action_url(req, vh.CONFIRM_REFUSAL),  # the confirmation's own page, linked from the summary
    ):
        html = client.get(url).content.decode()
        assert "Er staat nog een vraag om juridisch advies open over dit verzoek." in html
        assert QUESTION in html
        assert "Waarom bevestigt u de weigering zonder op het juridisch advies te wachten?" in html

    refused = _post(client, req, vh.CONFIRM_REFUSAL, {"expected_status": S.REFUSAL_PENDING})
    assert refused.status_code == 400
    assert "leg uit waarom u de weigering nu al bevestigt" in refused.content.decode()
    assert fresh(req).status == S.REFUSAL_PENDING

    done = _post(
        client,
        req,
        vh.CONFIRM_REFUSAL,
        {"expected_status": S.REFUSAL_PENDING, "without_advice_reason": REASON},
    )
    assert done.status_code == 302
    assert fresh(req).status == S.REFUSED
    assert req.legal_advice.get().status == LegalAdviceStatus.OPEN


def test_r11_without_open_advice_no_reason_is_asked(
    filed_request, clinician_actor, teamleider, teamleider_actor
):
    req = decide(filed_request("C"), clinician_actor, provide=False)
    html = render_to_string(
        "requests/handling/actions/confirm_refusal.html",
        {"form": vh.ACTIONS[vh.CONFIRM_REFUSAL].form_class(prefix=vh.CONFIRM_REFUSAL, request=req)},
    )
    assert "juridisch advies" not in html
    req = request_confirm_refusal(actor=teamleider_actor, request=req)
    assert fresh(req).status == S.REFUSED
    event = AuditEvent.objects.filter(event="request.refusal_confirmed", object_id=str(req.pk)).get()
    assert "open_legal_advice_ids" not in event.payload


# --- R29: no answer offered after the consent is revoked --------------------------------------

REVOKED = "U kunt nu niet antwoorden: de ouder heeft de toestemming ingetrokken."


def test_r29_after_revocation_the_answer_is_not_offered_and_a_post_is_refused(
    filed_request, clinician_actor, requester_actor, clinician, verified_client
):
    req = fill_answer(decide(filed_request("A"), clinician_actor, provide=True), clinician_actor)
    client = verified_client(clinician)
    assert _action_url(req, vh.ANSWER) in _page(client, req).content.decode()  # offered on the summary
    assert "Antwoord versturen" in client.get(_action_url(req, vh.ANSWER)).content.decode()

    consent_revoke(
        actor=requester_actor,
        declaration=fresh(req).consent_declaration,
        revoked_on=timezone.localdate(),
        note="Moeder trekt toestemming in.",
    )
    req = fresh(req)
    decision = policy.may_answer(clinician_actor, req)
    assert not decision and REVOKED in decision.reason
    assert vh.ANSWER not in vh.allowed_actions(clinician_actor, req)
    assert _action_url(req, vh.ANSWER) not in _page(client, req).content.decode()
    explained = client.get(_action_url(req, vh.ANSWER)).content.decode()
    assert "Antwoord versturen" not in explained and REVOKED in explained

    before = snapshot(req)
    data = {"expected_status": S.ANSWERING, "intent": "versturen", **{k: "on" for k in ALL_CONFIRMED}}
    response = _post(client, req, vh.ANSWER, data)
    assert response.status_code == 409
    assert REVOKED in response.content.decode()
    after = snapshot(req)  # the page's reads are logged; nothing else changed
    assert (after.status, after.events, after.updated_at) == (before.status, before.events, before.updated_at)
    with pytest.raises(IllegalMove):
        answer_services.request_save_answer(actor=clinician_actor, request=req, topics={})


# --- R17: facts that lessen the concern, or the statement that none are known -----------------

R17_MISSING = "Noem de feiten die de zorg ontkrachten, of vink aan dat u er geen kent."
TYPED_A = "Moeder komt sinds september elke week op haar afspraak."
TYPED_B = "Zij vertelt open over haar klachten."


def _answer_data(**per_topic: dict[str, str]) -> dict[str, str]:
    data = {"expected_status": S.ANSWERING, "intent": "versturen", **{k: "on" for k in ALL_CONFIRMED}}
    for letter, fields in per_topic.items():
        data.update({f"topics-{letter}-{name}": value for name, value in fields.items()})
    return data


def test_r17_an_answer_without_the_statement_is_refused_per_topic_and_the_text_kept(
    filed_request, clinician_actor, clinician, verified_client
):
    req = decide(filed_request("A"), clinician_actor, provide=True)  # topics a and b
    client = verified_client(clinician)
    data = _answer_data(
        a={"own_observations": TYPED_A, "weakening_facts": "Sinds mei stabiel."},
        b={"own_observations": TYPED_B},
    )
    response = _post(client, req, vh.ANSWER, data)
    assert response.status_code == 400
    html = response.content.decode()
    # Once, beside topic b (topic a named its facts), and the typed text is still there.
    assert html.count(R17_MISSING) == 2  # the error summary and beside the field
    topic_b = html.index("b. Beschrijvende diagnose", html.index('class="answer-topic '))
    assert html.index(R17_MISSING, topic_b) > topic_b
    assert TYPED_A in html and TYPED_B in html
    assert fresh(req).status == S.ANSWERING
    assert RequestedTopic.objects.get(request=req, topic="b").own_observations == TYPED_B

    data["topics-b-no_weakening_facts_known"] = "on"
    assert _post(client, req, vh.ANSWER, data).status_code == 302
    assert fresh(req).status == S.ANSWERED
    assert RequestedTopic.objects.get(request=req, topic="b").no_weakening_facts_known


def test_r17_facts_and_the_statement_together_are_refused(filed_request, clinician_actor):
    req = decide(filed_request("A", topics=("a",)), clinician_actor, provide=True)
    topics = {
        "a": {"own_observations": TYPED_A, "weakening_facts": "Stabiel.", "no_weakening_facts_known": True}
    }
    with pytest.raises(Incomplete) as caught:
        answer_services.request_send_answer(
            actor=clinician_actor, request=req, topics=topics, confirmations=ALL_CONFIRMED
        )
    assert caught.value.code == answer_services.ANSWER_SAVED_NOT_SENT
    assert "vink dan niet aan dat u er geen kent" in caught.value.errors["topics-a-no_weakening_facts_known"]
    assert fresh(req).status == S.ANSWERING


def test_r17_the_form_offers_the_statement_right_after_the_facts(filed_request, clinician_actor):
    req = decide(filed_request("A", topics=("a",)), actor_for(clinician_actor.user), provide=True)
    form = vh.ACTIONS[vh.ANSWER].form_class(prefix=vh.ANSWER, request=req)
    ((_row, fields),) = form.topic_groups()
    names = [field.name for field in fields]
    assert names.index("topics-a-no_weakening_facts_known") == names.index("topics-a-weakening_facts") + 1
    assert fields[names.index("topics-a-no_weakening_facts_known")].label == (
        "Er zijn mij geen feiten bekend die de zorg ontkrachten"
    )
