"""R31b, R39 in the answer letter: when the information was provided although the parent did not
agree, the letter says so, names the internal consultation (with whom, when) and the motivation
for providing anyway; a letter on the parent's agreement says nothing of the kind."""

from __future__ import annotations

import pytest
from django.utils import timezone

from requests.handling.answer import request_send_answer
from requests.handling.services import request_decide
from requests.letters.documents import LetterKind
from requests.models import Decision

from ..helpers import ALL_CONFIRMED, consult_internally, consult_parent, decide, fill_answer, take
from .test_letters import download, pdf_text

pytestmark = pytest.mark.django_db

NOT_AGREED = "De ouder heeft niet ingestemd met het verstrekken van deze informatie."
WHY_ANYWAY = "De veiligheid van de kinderen weegt zwaarder dan het bezwaar van moeder."


def test_the_letter_says_the_parent_did_not_agree_and_why_provided_anyway(filed_request, clinician_actor):
    req = take(filed_request("B"), clinician_actor)
    req = consult_parent(req, clinician_actor, agrees=False)
    req = consult_internally(req, clinician_actor)
    req = request_decide(actor=clinician_actor, request=req, decision=Decision.PROVIDE, motivation=WHY_ANYWAY)
    req = request_send_answer(
        actor=clinician_actor, request=fill_answer(req, clinician_actor), confirmations=ALL_CONFIRMED
    )
    text = pdf_text(download(req.requester, LetterKind.ANSWER, req).content)
    assert NOT_AGREED in text
    assert "Geneesheer-directeur" in text
    assert timezone.localdate().strftime("%Y") in text
    assert WHY_ANYWAY in text
    # The internal consultation's conclusion stays with the provider.
    assert "Verstrekken is noodzakelijk voor de veiligheid van de kinderen." not in text


def test_a_letter_on_the_parents_agreement_says_nothing_of_it(filed_request, clinician_actor):
    req = decide(filed_request("B"), clinician_actor, provide=True)  # the parent agrees (R31a)
    req = request_send_answer(
        actor=clinician_actor, request=fill_answer(req, clinician_actor), confirmations=ALL_CONFIRMED
    )
    text = pdf_text(download(req.requester, LetterKind.ANSWER, req).content)
    assert NOT_AGREED not in text
    assert "Verstrekt zonder instemming van de ouder" not in text


def test_r17_the_letter_states_that_no_facts_lessen_the_concern(filed_request, clinician_actor):
    req = decide(filed_request("A", topics=("a",)), clinician_actor, provide=True)
    topics = {"a": {"own_observations": "Gezien op 2 mei.", "no_weakening_facts_known": True}}
    req = request_send_answer(actor=clinician_actor, request=req, topics=topics, confirmations=ALL_CONFIRMED)
    text = pdf_text(download(req.requester, LetterKind.ANSWER, req).content)
    assert "Er zijn ons geen feiten bekend die de zorg ontkrachten." in text
