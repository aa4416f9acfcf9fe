"""Path B — consent asked and NOT given (R30, R31). The provider consults the parent first, then:
(a) the parent agrees → provided; (b) the parent disagrees → after internal consultation, provided
against the parent's wish; (c) the parent disagrees → after internal consultation, not provided
(and that "no" is checked by a second person, R11)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from requests.core.workflow import RequestStatus
from requests.handling.answer import request_send_answer
from requests.handling.services import (
    request_confirm_refusal,
    request_decide,
    request_record_internal_consultation,
    request_record_parent_consultation,
    request_take,
)
from requests.models import Decision, ParentConsultationOutcome, RequestEvent
from toolkid.errors import IllegalMove

from ..helpers import (
    ALL_CONFIRMED,
    assert_refused,
    consult_internally,
    consult_parent,
    event_kinds,
    fill_answer,
)

S = RequestStatus
pytestmark = pytest.mark.django_db


def _decide(request, clinician_actor, decision):
    return request_decide(
        actor=clinician_actor,
        request=request,
        decision=decision,
        motivation="Afgewogen na overleg met de ouder en intern overleg.",
    )


def test_r31a_parent_agrees_information_is_provided(filed_request, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("B"))
    request = consult_parent(request, clinician_actor, agrees=True)
    request = _decide(request, clinician_actor, Decision.PROVIDE)
    assert request.status == S.ANSWERING
    request = fill_answer(request, clinician_actor)
    request = request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    assert request.status == S.ANSWERED
    consulted = RequestEvent.objects.get(request=request, kind="parent_consulted")
    assert consulted.data == {
        "date": timezone.localdate().isoformat(),
        "outcome": ParentConsultationOutcome.AGREES,
    }


def test_r31a_parent_agrees_refusal_is_not_an_option(filed_request, clinician_actor):
    request = consult_parent(
        request_take(actor=clinician_actor, request=filed_request("B")), clinician_actor, agrees=True
    )
    assert_refused(
        lambda: _decide(request, clinician_actor, Decision.NOT_PROVIDE),
        request,
        "decision",
        "De ouder is akkoord; de informatie wordt dan verstrekt.",
    )


def test_r31b_parent_disagrees_provided_against_the_wish_after_internal_consultation(
    filed_request, clinician_actor
):
    request = consult_parent(
        request_take(actor=clinician_actor, request=filed_request("B")), clinician_actor, agrees=False
    )
    request = consult_internally(request, clinician_actor)
    request = _decide(request, clinician_actor, Decision.PROVIDE)
    assert request.status == S.ANSWERING
    request = request_send_answer(
        actor=clinician_actor, request=fill_answer(request, clinician_actor), confirmations=ALL_CONFIRMED
    )
    assert request.status == S.ANSWERED
    assert event_kinds(request)[-5:] == [
        "parent_consulted",
        "internal_consulted",
        "decided_provide",
        "answer_saved",
        "answer_sent",
    ]


def test_r31c_parent_disagrees_not_provided_after_internal_consultation(
    filed_request, clinician_actor, teamleider_actor
):
    request = consult_parent(
        request_take(actor=clinician_actor, request=filed_request("B")), clinician_actor, agrees=False
    )
    request = consult_internally(request, clinician_actor)
    request = _decide(request, clinician_actor, Decision.NOT_PROVIDE)
    assert request.status == S.REFUSAL_PENDING  # R11: waits for a second person
    request = request_confirm_refusal(actor=teamleider_actor, request=request, note="Terecht.")
    assert request.status == S.REFUSED


@pytest.mark.parametrize("decision", [Decision.PROVIDE, Decision.NOT_PROVIDE])
def test_r31bc_internal_consultation_before_any_decision_against_the_parent(
    filed_request, clinician_actor, decision
):
    request = consult_parent(
        request_take(actor=clinician_actor, request=filed_request("B")), clinician_actor, agrees=False
    )
    assert_refused(
        lambda: _decide(request, clinician_actor, decision),
        request,
        "internal_consultation",
        "De ouder is niet akkoord; leg eerst het intern overleg vast: "
        "met wie, wanneer en de conclusie.",
    )


def test_r31_parent_is_consulted_before_deciding(filed_request, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("B"))
    assert_refused(
        lambda: _decide(request, clinician_actor, Decision.PROVIDE),
        request,
        "parent_consultation",
        "Leg eerst het overleg met de ouder vast.",
    )


@pytest.mark.parametrize(
    ("kwargs", "key", "message"),
    [
        ({"date": None}, "date", "Vul de datum van het overleg met de ouder in."),
        (
            {"date": timezone.localdate() + datetime.timedelta(days=1)},
            "date",
            "De datum ligt in de toekomst.",
        ),
        ({"outcome": ""}, "outcome", "Geef aan of de ouder akkoord is."),
    ],
)
def test_r31_parent_consultation_needs_date_and_outcome(filed_request, clinician_actor, kwargs, key, message):
    request = request_take(actor=clinician_actor, request=filed_request("B"))
    values = {"date": timezone.localdate(), "outcome": ParentConsultationOutcome.AGREES, **kwargs}
    assert_refused(
        lambda: request_record_parent_consultation(actor=clinician_actor, request=request, **values),
        request,
        key,
        message,
    )


@pytest.mark.parametrize(
    ("kwargs", "key", "message"),
    [
        ({"with_whom": ""}, "with_whom", "Vul in met wie u intern overlegde."),
        ({"date": None}, "date", "Vul de datum van het intern overleg in."),
        ({"conclusion": " "}, "conclusion", "Vul de conclusie van het intern overleg in."),
    ],
)
def test_r31_internal_consultation_records_who_when_conclusion(
    filed_request, clinician_actor, kwargs, key, message
):
    request = consult_parent(
        request_take(actor=clinician_actor, request=filed_request("B")), clinician_actor, agrees=False
    )
    values = {
        "with_whom": "Geneesheer-directeur",
        "date": timezone.localdate(),
        "conclusion": "Niet verstrekken.",
        **kwargs,
    }
    assert_refused(
        lambda: request_record_internal_consultation(actor=clinician_actor, request=request, **values),
        request,
        key,
        message,
    )


def test_r31_parent_consultation_is_a_path_b_step(filed_request, clinician_actor):
    for path in ("A", "C"):
        request = request_take(actor=clinician_actor, request=filed_request(path))
        with pytest.raises(IllegalMove) as caught:
            consult_parent(request, clinician_actor, agrees=True)
        assert "pad B" in str(caught.value)


def test_r31_only_the_handling_clinician_records_the_consultation(
    filed_request, clinician_actor, clinician2_actor
):
    from django.core.exceptions import PermissionDenied

    request = request_take(actor=clinician_actor, request=filed_request("B"))
    with pytest.raises(PermissionDenied):
        consult_parent(request, clinician2_actor, agrees=True)
