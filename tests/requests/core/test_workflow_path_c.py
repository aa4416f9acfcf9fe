"""Path C — consent NOT asked because of serious danger (R32–R36). The provider weighs whether
weighty circumstances justify providing without consent (R34), and decides either way with a
motivation (R39)."""

from __future__ import annotations

import pytest

from requests.core.access import status_for
from requests.core.workflow import RequestStatus
from requests.handling.answer import request_send_answer
from requests.handling.services import request_confirm_refusal, request_decide, request_take
from requests.models import Decision, RequestEvent

from ..helpers import ALL_CONFIRMED, assert_refused, fill_answer, fresh

S = RequestStatus
pytestmark = pytest.mark.django_db

WEIGHING = "Het acute risico voor de kinderen weegt zwaarder dan het beroepsgeheim."


def test_r34_provide_after_weighing(filed_request, clinician_actor, requester_actor):
    request = request_take(actor=clinician_actor, request=filed_request("C"))
    request = request_decide(
        actor=clinician_actor,
        request=request,
        decision=Decision.PROVIDE,
        motivation="Zwaarwegende omstandigheden.",
        weighing=WEIGHING,
    )
    assert request.status == S.ANSWERING
    assert fresh(request).weighing == WEIGHING
    request = request_send_answer(
        actor=clinician_actor, request=fill_answer(request, clinician_actor), confirmations=ALL_CONFIRMED
    )
    assert request.status == S.ANSWERED
    assert status_for(requester_actor, request) == S.ANSWERED


def test_r34_refuse_after_weighing_then_second_person(filed_request, clinician_actor, teamleider_actor):
    request = request_take(actor=clinician_actor, request=filed_request("C"))
    request = request_decide(
        actor=clinician_actor,
        request=request,
        decision=Decision.NOT_PROVIDE,
        motivation="Geen zwaarwegende omstandigheden.",
        weighing=WEIGHING,
    )
    assert request.status == S.REFUSAL_PENDING
    request = request_confirm_refusal(actor=teamleider_actor, request=request)
    assert request.status == S.REFUSED
    assert (
        RequestEvent.objects.get(request=request, kind="decided_refuse").motivation
        == "Geen zwaarwegende omstandigheden."
    )


@pytest.mark.parametrize("decision", [Decision.PROVIDE, Decision.NOT_PROVIDE])
def test_r34_weighing_is_required(filed_request, clinician_actor, decision):
    request = request_take(actor=clinician_actor, request=filed_request("C"))
    assert_refused(
        lambda: request_decide(actor=clinician_actor, request=request, decision=decision, motivation="x"),
        request,
        "weighing",
        "Leg de afweging vast of zwaarwegende omstandigheden verstrekken "
        "zonder toestemming rechtvaardigen.",
    )


def test_r39_motivation_is_required_on_path_c_too(filed_request, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("C"))
    assert_refused(
        lambda: request_decide(
            actor=clinician_actor,
            request=request,
            decision=Decision.NOT_PROVIDE,
            motivation="",
            weighing=WEIGHING,
        ),
        request,
        "decision_motivation",
        "Motiveer uw besluit.",
    )
