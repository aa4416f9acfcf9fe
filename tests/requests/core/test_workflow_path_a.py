"""Path A — consent asked and given (R24, R29): the declaration travels with the request and the
provider answers (R25–R28)."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from guardian.shortcuts import get_perms

from audit.models import AuditAction, AuditEvent
from requests.core.workflow import RequestStatus
from requests.filing.services import request_acknowledge, request_withdraw
from requests.handling.answer import request_save_answer, request_send_answer
from requests.handling.services import request_assign, request_decide, request_take
from requests.models import Decision, RequestEvent
from toolkid.errors import Conflict, IllegalMove

from ..helpers import ALL_CONFIRMED, assert_refused, audit_events_for, decide, event_kinds, fill_answer, fresh

S = RequestStatus
pytestmark = pytest.mark.django_db


def test_r29_path_a_from_filing_to_closing(filed_request, requester_actor, clinician_actor):
    request = filed_request("A")
    assert request.status == S.SUBMITTED
    assert re.fullmatch(r"TK-\d{4}-\d{6}", request.reference)
    assert request.due_date is not None and request.due_explanation["days"] == 5

    request = request_take(actor=clinician_actor, request=request)
    assert request.status == S.IN_PROGRESS
    assert request.assigned_clinician == clinician_actor.user
    assert "handle_request" in get_perms(clinician_actor.user, request)

    request = request_decide(
        actor=clinician_actor,
        request=request,
        decision=Decision.PROVIDE,
        motivation="Toestemming van moeder voor alle onderwerpen.",
    )
    assert request.status == S.ANSWERING
    request = fill_answer(request, clinician_actor)
    request = request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    assert request.status == S.ANSWERED
    assert request.answered_by == clinician_actor.user

    request = request_acknowledge(actor=requester_actor, request=request)
    assert request.status == S.CLOSED

    assert event_kinds(request) == [
        "created",
        "draft_updated",
        "draft_updated",
        "submitted",
        "taken",
        "decided_provide",
        "answer_saved",
        "answer_sent",
        "acknowledged",
    ]
    sent = RequestEvent.objects.get(request=request, kind="answer_sent")
    assert (sent.from_status, sent.to_status) == (S.ANSWERING, S.ANSWERED)
    assert sent.actor == clinician_actor.user and sent.organisation == clinician_actor.organisation
    # The answer leaving the organisation is a TRANSFER in the audit trail (L5), with the parent.
    transfer = audit_events_for(request, event="request.answer_sent").get()
    assert transfer.action == AuditAction.TRANSFER
    assert transfer.parent_ref == request.parent.audit_ref
    assert transfer.organisation_id == clinician_actor.organisation.pk


def test_every_step_writes_a_request_event_and_an_audit_event_with_the_acting_organisation(
    filed_request, clinician_actor
):
    request = filed_request("A")
    request = request_take(actor=clinician_actor, request=request)
    for event in RequestEvent.objects.filter(request=request).exclude(
        kind__in=["created", "draft_updated", "submitted"]
    ):
        assert event.organisation == clinician_actor.organisation
    audit = audit_events_for(request, event="request.taken").get()
    assert audit.payload["from_status"] == S.SUBMITTED and audit.payload["to_status"] == S.IN_PROGRESS
    assert audit.username == clinician_actor.user.username


def test_r39_decision_needs_a_motivation(filed_request, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("A"))
    assert_refused(
        lambda: request_decide(
            actor=clinician_actor, request=request, decision=Decision.PROVIDE, motivation="  "
        ),
        request,
        "decision_motivation",
        "Motiveer uw besluit.",
    )


def test_a_requester_cannot_take_a_request(filed_request, requester_actor):
    request = filed_request("A")
    with pytest.raises(PermissionDenied):
        request_take(actor=requester_actor, request=request)
    # The denial is logged (L5), after the rollback.
    assert audit_events_for(request, event="request.taken", outcome="denied").count() == 1


def test_take_refuses_a_request_assigned_to_a_colleague(
    filed_request, teamleider_actor, clinician2, clinician_actor
):
    request = filed_request("A")
    request = request_assign(actor=teamleider_actor, request=request, clinician=clinician2)
    assert request.status == S.IN_PROGRESS
    with pytest.raises(IllegalMove):
        request_take(actor=clinician_actor, request=request)


def test_teamleider_reassigns_and_the_handling_permission_moves(
    filed_request, teamleider_actor, clinician, clinician2, clinician_actor, clinician2_actor
):
    request = request_assign(actor=teamleider_actor, request=filed_request("A"), clinician=clinician)
    request = request_assign(actor=teamleider_actor, request=request, clinician=clinician2)
    assert request.assigned_clinician == clinician2
    assert "handle_request" not in get_perms(clinician, request)
    assert "handle_request" in get_perms(clinician2, request)
    with pytest.raises(PermissionDenied):
        request_decide(actor=clinician_actor, request=request, decision=Decision.PROVIDE, motivation="x")
    event = RequestEvent.objects.filter(request=request, kind="assigned").last()
    assert event.data == {"clinician_id": clinician2.pk, "previous_clinician_id": clinician.pk}


def test_assign_only_to_an_active_clinician_of_the_receiving_organisation(
    filed_request, teamleider_actor, outsider_clinician, requester
):
    request = filed_request("A")
    for user in (outsider_clinician, requester):
        assert_refused(
            lambda user=user: request_assign(actor=teamleider_actor, request=request, clinician=user),
            request,
            "clinician",
            "Kies een actieve zorgverlener van uw organisatie.",
        )


def test_a_clinician_cannot_assign(filed_request, clinician_actor, clinician2):
    with pytest.raises(PermissionDenied):
        request_assign(actor=clinician_actor, request=filed_request("A"), clinician=clinician2)


def test_illegal_move_names_the_current_state_in_dutch(filed_request, clinician_actor):
    request = request_take(actor=clinician_actor, request=filed_request("A"))
    before = RequestEvent.objects.filter(request=request).count()
    with pytest.raises(IllegalMove) as caught:
        request_send_answer(
            actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED, expected_status=None
        )
    assert str(caught.value) == "Dit kan niet nu het verzoek de status ‘In behandeling’ heeft."
    assert fresh(request).status == S.IN_PROGRESS
    assert RequestEvent.objects.filter(request=request).count() == before


def test_a_stale_form_gets_a_conflict(filed_request, clinician_actor):
    request = decide(filed_request("A"), clinician_actor, provide=True)
    with pytest.raises(Conflict) as caught:
        request_decide(
            actor=clinician_actor,
            request=request,
            decision=Decision.PROVIDE,
            motivation="x",
            expected_status=S.IN_PROGRESS,
        )
    assert str(caught.value) == "Een collega heeft dit verzoek zojuist behandeld."


def test_answer_only_for_requested_topics(filed_request, clinician_actor):
    request = decide(filed_request("A", topics=("a",)), clinician_actor, provide=True)
    assert_refused(
        lambda: request_save_answer(
            actor=clinician_actor, request=request, topics={"f": {"own_observations": "x"}}
        ),
        request,
        "topics-f",
        "Naar dit onderwerp is niet gevraagd.",
    )


def test_answer_fields_are_an_allow_list(filed_request, clinician_actor):
    request = decide(filed_request("A", topics=("a",)), clinician_actor, provide=True)
    with pytest.raises(ValueError):
        request_save_answer(actor=clinician_actor, request=request, topics={"a": {"status": "beantwoord"}})


@pytest.mark.parametrize(
    ("answer", "key", "message"),
    [
        (
            {},
            "topics-a-own_observations",
            "Beantwoord de vraag met eigen waarnemingen of waarnemingen van anderen.",
        ),
        (
            {"others_observations": "De huisarts zag blauwe plekken."},
            "topics-a-others_sources",
            "Noem de bron van waarnemingen van anderen.",
        ),
    ],
)
def test_r15_r16_answer_per_topic(filed_request, clinician_actor, answer, key, message):
    request = decide(filed_request("A", topics=("a",)), clinician_actor, provide=True)
    request = request_save_answer(actor=clinician_actor, request=request, topics={"a": answer})
    assert_refused(
        lambda: request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED),
        request,
        key,
        message,
    )


def test_r16_others_observations_with_their_source_are_enough(filed_request, clinician_actor):
    request = decide(filed_request("A", topics=("a",)), clinician_actor, provide=True)
    request = request_save_answer(
        actor=clinician_actor,
        request=request,
        topics={
            "a": {
                "others_observations": "De huisarts zag blauwe plekken.",
                "others_sources": "Huisarts, 3 mei",
                "no_weakening_facts_known": True,
            }
        },
    )
    request = request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    assert request.status == S.ANSWERED


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ("confirmed_factual", "Bevestig dat u feitelijke informatie geeft, geen interpretaties."),
        (
            "confirmed_no_parenting_judgement",
            "Bevestig dat u geen oordeel geeft over de geschiktheid als ouder",
        ),
        (
            "confirmed_weighed_criteria",
            "doelmatigheid, noodzakelijkheid, proportionaliteit en subsidiariteit hebt gewogen.",
        ),
        ("confirmed_recorded_in_file", "vastlegt in het ouderdossier."),
    ],
)
def test_r19_r21_r25_r36_answer_checklist(filed_request, clinician_actor, missing, message):
    request = fill_answer(decide(filed_request("A"), clinician_actor, provide=True), clinician_actor)
    confirmations = {**ALL_CONFIRMED, missing: False}
    assert_refused(
        lambda: request_send_answer(actor=clinician_actor, request=request, confirmations=confirmations),
        request,
        missing,
        message,
    )


def test_acknowledge_only_after_an_answer_or_refusal(filed_request, requester_actor):
    request = filed_request("A")
    with pytest.raises(IllegalMove):
        request_acknowledge(actor=requester_actor, request=request)


def test_withdraw_needs_a_reason_and_is_final(filed_request, requester_actor, clinician_actor):
    request = filed_request("A")
    assert_refused(
        lambda: request_withdraw(actor=requester_actor, request=request, reason=""),
        request,
        "reason",
        "Geef aan waarom u het verzoek intrekt.",
    )
    request = request_withdraw(
        actor=requester_actor, request=request, reason="Gezin verhuisd naar Maastricht."
    )
    assert request.status == S.WITHDRAWN
    with pytest.raises(IllegalMove):
        request_take(actor=clinician_actor, request=request)


def test_the_provider_cannot_withdraw(filed_request, clinician_actor):
    with pytest.raises(PermissionDenied):
        request_withdraw(actor=clinician_actor, request=filed_request("A"), reason="x")


def test_answer_sent_audit_payload_carries_identifiers_only(filed_request, clinician_actor):
    request = fill_answer(decide(filed_request("A"), clinician_actor, provide=True), clinician_actor)
    request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    for event in AuditEvent.objects.filter(
        object_id=str(request.pk), object_type="requests.informationrequest"
    ):
        assert "Moeder" not in str(event.payload)
