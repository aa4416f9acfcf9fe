"""R11: a "no" is checked inside the provider's own organisation before the requester learns of
it. Until a second person (teamleider or juridisch adviseur, not the decider) confirms, the
requester sees "In behandeling", no decision and no trace of the refusal on the timeline.
Then R8: the requester may contest; a legal advisor advises; the clinician decides."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from requests.core.access import decision_visible_to, request_get_for, status_for
from requests.core.workflow import RequestStatus
from requests.filing.selectors import outgoing_for
from requests.filing.services import request_acknowledge, request_contest_refusal, request_withdraw
from requests.handling.selectors import legal_queue, refusals_to_confirm
from requests.handling.services import (
    legal_advice_give,
    request_assign,
    request_confirm_refusal,
    request_reconsider,
    request_reject_refusal,
    request_uphold_refusal,
)
from requests.history.timeline import timeline_for
from requests.models import Decision, LegalAdviceOrigin, LegalAdviceStatus
from toolkid.errors import IllegalMove
from toolkid.models import Role

from ..helpers import actor_for, assert_refused, decide, fresh

S = RequestStatus
pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(filed_request, clinician_actor):
    return decide(filed_request("C"), clinician_actor, provide=False)


def _statuses(entries):
    return {e.from_status for e in entries} | {e.to_status for e in entries}


def test_r11_pending_refusal_is_invisible_to_the_requester(pending, requester_actor, clinician_actor):
    assert pending.status == S.REFUSAL_PENDING
    seen = request_get_for(actor=requester_actor, pk_or_public_id=pending.public_id, purpose="detail")
    assert status_for(requester_actor, seen) == S.IN_PROGRESS
    assert status_for(requester_actor, seen).label == "In behandeling"
    assert not decision_visible_to(requester_actor, seen)
    timeline = timeline_for(requester_actor, seen)
    assert S.REFUSAL_PENDING not in _statuses(timeline)
    assert "decided_refuse" not in {e.kind for e in timeline}
    assert all("weiger" not in e.motivation.lower() for e in timeline)
    listed = list(outgoing_for(requester_actor))
    assert [status_for(requester_actor, r) for r in listed] == [S.IN_PROGRESS]
    # The provider sees the truth.
    assert status_for(clinician_actor, seen) == S.REFUSAL_PENDING
    assert decision_visible_to(clinician_actor, seen)


def test_r11_an_illegal_move_does_not_leak_the_pending_refusal(pending, requester_actor):
    with pytest.raises(IllegalMove) as caught:
        request_acknowledge(actor=requester_actor, request=pending)
    assert "In behandeling" in str(caught.value)
    assert "eigering" not in str(caught.value)


def test_r11_the_decider_cannot_confirm_their_own_refusal(filed_request, make_user, mondriaan):
    # A clinician who is also team leader: allowed to confirm refusals, but not their own.
    lead_clinician = make_user(
        (mondriaan, Role.ZORGVERLENER), (mondriaan, Role.TEAMLEIDER), username="zorg.lead"
    )
    actor = actor_for(lead_clinician, mondriaan)
    request = decide(filed_request("C"), actor, provide=False)
    before = fresh(request)
    with pytest.raises(IllegalMove) as caught:
        request_confirm_refusal(actor=actor, request=request)
    assert str(caught.value) == "Een weigering moet door een tweede persoon worden bevestigd."
    assert fresh(request).status == S.REFUSAL_PENDING == before.status
    assert list(refusals_to_confirm(actor)) == []


def test_r11_a_plain_clinician_cannot_confirm(pending, clinician2_actor):
    with pytest.raises(PermissionDenied):
        request_confirm_refusal(actor=clinician2_actor, request=pending)


def test_r11_teamleider_confirms_and_only_then_the_requester_sees_the_refusal(
    pending, teamleider_actor, requester_actor
):
    assert list(refusals_to_confirm(teamleider_actor)) == [pending]
    request = request_confirm_refusal(
        actor=teamleider_actor, request=pending, note="Terecht; intern besproken."
    )
    assert request.status == S.REFUSED
    assert request.refusal_confirmed_by == teamleider_actor.user
    seen = request_get_for(actor=requester_actor, pk_or_public_id=request.pk, purpose="detail")
    assert status_for(requester_actor, seen) == S.REFUSED
    assert decision_visible_to(requester_actor, seen)
    confirmed = [e for e in timeline_for(requester_actor, seen) if e.kind == "refusal_confirmed"]
    assert len(confirmed) == 1
    # The step is shown as in behandeling → geweigerd; the second person's note stays internal.
    assert (confirmed[0].from_status, confirmed[0].to_status) == (S.IN_PROGRESS, S.REFUSED)
    assert confirmed[0].motivation == ""
    # The requester acknowledges; the decision stays visible after closing.
    closed = request_acknowledge(actor=requester_actor, request=seen)
    assert closed.status == S.CLOSED and decision_visible_to(requester_actor, closed)


def test_r11_legal_advisor_may_be_the_second_person(pending, legal_actor):
    assert request_get_for(actor=legal_actor, pk_or_public_id=pending.pk, purpose="confirm_refusal")
    request = request_confirm_refusal(actor=legal_actor, request=pending)
    assert request.status == S.REFUSED


def test_r11_rejected_refusal_goes_back_and_never_reaches_the_requester(
    pending, teamleider_actor, requester_actor, clinician_actor
):
    assert_refused(
        lambda: request_reject_refusal(actor=teamleider_actor, request=pending, note=""),
        pending,
        "note",
        "Licht toe waarom de weigering niet terecht is.",
    )
    request = request_reject_refusal(
        actor=teamleider_actor, request=pending, note="Gedeeltelijk verstrekken kan wel."
    )
    assert request.status == S.IN_PROGRESS
    assert request.decision == "" and request.decided_by is None
    kinds = {e.kind for e in timeline_for(requester_actor, request)}
    assert not kinds & {"decided_refuse", "refusal_rejected"}
    assert S.REFUSAL_PENDING not in _statuses(timeline_for(requester_actor, request))
    # The clinician decides again (R8) — now to provide.
    request = decide(request, clinician_actor, provide=True)
    assert request.status == S.ANSWERING


def test_r11_requester_may_withdraw_while_the_refusal_is_pending_without_learning_of_it(
    pending, requester_actor
):
    request = request_withdraw(actor=requester_actor, request=pending, reason="Niet meer nodig.")
    assert request.status == S.WITHDRAWN
    assert not decision_visible_to(requester_actor, request)


@pytest.fixture
def refused(pending, teamleider_actor):
    return request_confirm_refusal(actor=teamleider_actor, request=pending)


def test_r8_contest_asks_legal_advice_and_the_clinician_decides(
    refused, requester_actor, legal_actor, clinician_actor, teamleider_actor
):
    assert_refused(
        lambda: request_contest_refusal(actor=requester_actor, request=refused, reason=""),
        refused,
        "reason",
        "Licht toe waarom u bezwaar maakt tegen de weigering.",
    )
    advice = request_contest_refusal(
        actor=requester_actor, request=refused, reason="De kinderen lopen gevaar."
    )
    assert advice.origin == LegalAdviceOrigin.CONTESTED_REFUSAL
    assert fresh(refused).status == S.CONTESTED
    assert status_for(requester_actor, fresh(refused)) == S.CONTESTED
    assert list(legal_queue(legal_actor)) == [advice]

    # R8: the clinician cannot uphold before the advice is in.
    with pytest.raises(IllegalMove):
        request_uphold_refusal(actor=clinician_actor, request=refused, motivation="Blijft staan.")
    assert_refused(
        lambda: legal_advice_give(actor=legal_actor, advice=advice, text=""),
        refused,
        "advice",
        "Schrijf uw advies.",
    )
    given = legal_advice_give(actor=legal_actor, advice=advice, text="De weigering is goed gemotiveerd.")
    assert given.status == LegalAdviceStatus.GIVEN and given.advisor == legal_actor.user
    assert fresh(refused).status == S.CONTESTED  # advice only (R8)
    with pytest.raises(IllegalMove):
        legal_advice_give(actor=legal_actor, advice=advice, text="Nogmaals.")

    assert_refused(
        lambda: request_uphold_refusal(actor=clinician_actor, request=refused, motivation=""),
        refused,
        "motivation",
        "Motiveer waarom de weigering blijft staan.",
    )
    request = request_uphold_refusal(actor=clinician_actor, request=refused, motivation="Advies gevolgd.")
    # R11: the upheld "no" waits for a second person too.
    assert request.status == S.REFUSAL_PENDING
    assert "refusal_upheld" not in {e.kind for e in timeline_for(requester_actor, request)}
    request = request_confirm_refusal(actor=teamleider_actor, request=request)
    assert request.status == S.REFUSED
    upheld = [e for e in timeline_for(requester_actor, request) if e.kind == "refusal_upheld"]
    assert upheld[0].motivation == "Advies gevolgd."
    assert "legal_advice_given" not in {e.kind for e in timeline_for(requester_actor, request)}


def test_r8_r11_an_upheld_refusal_waits_for_a_second_person_not_the_upholder(
    refused, requester_actor, legal_actor, clinician_actor, teamleider_actor, make_user, mondriaan
):
    # The upholder is a clinician who is also team leader, not the original decider: upholding
    # makes them the decider, so they cannot confirm their own upheld "no".
    lead_clinician = make_user(
        (mondriaan, Role.ZORGVERLENER), (mondriaan, Role.TEAMLEIDER), username="zorg.lead.uphold"
    )
    upholder = actor_for(lead_clinician, mondriaan)
    advice = request_contest_refusal(actor=requester_actor, request=refused, reason="Wij zien dit anders.")
    legal_advice_give(actor=legal_actor, advice=advice, text="De weigering is houdbaar.")
    request_assign(actor=teamleider_actor, request=fresh(refused), clinician=lead_clinician)
    request = request_uphold_refusal(actor=upholder, request=fresh(refused), motivation="Blijft staan.")
    assert request.status == S.REFUSAL_PENDING
    assert request.decided_by == lead_clinician
    assert request.refusal_confirmed_by is None

    # The requester: "in behandeling", no decision, no trace of the upholding yet.
    seen = request_get_for(actor=requester_actor, pk_or_public_id=request.public_id, purpose="detail")
    assert status_for(requester_actor, seen) == S.IN_PROGRESS
    assert status_for(requester_actor, seen).label == "In behandeling"
    assert not decision_visible_to(requester_actor, seen)
    timeline = timeline_for(requester_actor, seen)
    assert "refusal_upheld" not in {e.kind for e in timeline}
    assert S.REFUSAL_PENDING not in _statuses(timeline)
    assert refused in list(refusals_to_confirm(teamleider_actor))

    # The upholder cannot confirm it.
    with pytest.raises(IllegalMove) as caught:
        request_confirm_refusal(actor=upholder, request=fresh(refused))
    assert caught.value.code == "second_person_required"
    assert fresh(refused).status == S.REFUSAL_PENDING

    # A team leader does; only now the requester reads it.
    request = request_confirm_refusal(actor=teamleider_actor, request=fresh(refused))
    assert request.status == S.REFUSED and request.refusal_confirmed_by == teamleider_actor.user
    assert status_for(requester_actor, fresh(refused)) == S.REFUSED
    assert decision_visible_to(requester_actor, fresh(refused))
    upheld = [e for e in timeline_for(requester_actor, fresh(refused)) if e.kind == "refusal_upheld"]
    assert upheld[0].motivation == "Blijft staan."


def test_r8_reconsider_after_contest(refused, requester_actor, clinician_actor):
    request_contest_refusal(actor=requester_actor, request=refused, reason="De kinderen lopen gevaar.")
    assert_refused(
        lambda: request_reconsider(actor=clinician_actor, request=refused, motivation=" "),
        refused,
        "motivation",
        "Licht toe waarom u het besluit heroverweegt.",
    )
    request = request_reconsider(
        actor=clinician_actor, request=refused, motivation="Nieuwe feiten van school."
    )
    assert request.status == S.IN_PROGRESS
    assert request.decision == ""
    assert not decision_visible_to(requester_actor, request)


def test_r8_only_the_requesting_side_contests(refused, clinician_actor):
    with pytest.raises(PermissionDenied):
        request_contest_refusal(actor=clinician_actor, request=refused, reason="x")


def test_r11_refusal_decision_is_recorded_with_who_and_when(pending, clinician_actor):
    row = fresh(pending)
    assert row.decision == Decision.NOT_PROVIDE
    assert row.decided_by == clinician_actor.user and row.decided_at is not None


def test_provider_internal_fields_are_named_for_the_views():
    from requests.core.access import DECISION_FIELDS, PROVIDER_INTERNAL_FIELDS
    from requests.models import InformationRequest

    names = {f.name for f in InformationRequest._meta.get_fields()}
    assert set(PROVIDER_INTERNAL_FIELDS) <= names and set(DECISION_FIELDS) <= names
