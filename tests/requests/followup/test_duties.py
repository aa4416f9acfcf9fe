"""Duties as tasks after the exchange: opened for the right person by the step that brings
them, recorded when done (who, when), shown on the timeline of both sides; skipping one is a
deviation with a motivation (R5). R27, R30, R31, R36, R38."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from requests.filing.services import request_contest_refusal
from requests.followup import policy as followup_policy
from requests.followup import services as followup_services
from requests.followup.selectors import deviations_for
from requests.followup.services import duty_complete, duty_skip
from requests.handling.services import request_uphold_refusal
from requests.history.timeline import timeline_for
from requests.models import Deviation, DeviationKind, Duty, DutyKind, DutySide, DutyStatus, RequestEvent
from requests.worklist.selectors import tasks_for
from tests.requests.helpers import audit_events_for
from toolkid.errors import IllegalMove, Incomplete

pytestmark = pytest.mark.django_db

K = DutyKind
TODAY = timezone.localdate


def kinds(request) -> set[str]:
    return set(Duty.objects.filter(request=request).values_list("kind", flat=True))


def duty(request, kind) -> Duty:
    return Duty.objects.get(request=request, kind=kind)


# --- which duties, for whom -----------------------------------------------------------------


def test_path_a_answer_opens_feedback_to_parent_and_both_file_records(answered, clinician, requester):
    request = answered("A")
    assert kinds(request) == {K.PARENT_FEEDBACK, K.PROVIDER_RECORD, K.REQUESTER_RECORD}
    # The right person: the clinician who handled it, the requester who filed it.
    assert duty(request, K.PARENT_FEEDBACK).assignee == clinician
    assert duty(request, K.PARENT_FEEDBACK).side == DutySide.PROVIDER
    assert duty(request, K.PROVIDER_RECORD).organisation == request.receiving_organisation
    assert duty(request, K.REQUESTER_RECORD).assignee == requester
    assert duty(request, K.REQUESTER_RECORD).organisation == request.requesting_organisation
    # Each duty points at the step that opened it.
    assert duty(request, K.PARENT_FEEDBACK).opened_by_event.kind == "answer_sent"


def test_r30_path_b_requester_tells_the_parent_from_the_submission(filed_request, requester):
    request = filed_request("B")
    assert kinds(request) == {K.TELL_PARENT_CONTACT}
    tell = duty(request, K.TELL_PARENT_CONTACT)
    assert (tell.side, tell.assignee, tell.status) == (DutySide.REQUESTER, requester, DutyStatus.OPEN)
    assert tell.opened_by_event.kind == "submitted"


def test_path_b_answer_adds_r27_and_the_records(answered):
    request = answered("B")
    assert kinds(request) == {K.TELL_PARENT_CONTACT, K.PARENT_FEEDBACK, K.PROVIDER_RECORD, K.REQUESTER_RECORD}


def test_path_c_answer_opens_no_parent_duty_but_the_feedback_r38(answered):
    request = answered("C")
    assert kinds(request) == {K.PROVIDER_RECORD, K.REQUESTER_RECORD, K.REQUESTER_FEEDBACK}
    assert duty(request, K.REQUESTER_FEEDBACK).side == DutySide.REQUESTER


def test_refusal_opens_the_refusal_records_and_on_a_b_the_feedback_to_the_parent(refused):
    # Nothing was provided: no "record what was provided", no feedback on what was done with it.
    after_refusal = {K.PROVIDER_RECORD_REFUSAL, K.REQUESTER_RECORD_REFUSAL, K.REFUSAL_FOLLOW_UP}
    assert kinds(refused("A")) == after_refusal | {K.PARENT_FEEDBACK}
    assert kinds(refused("C")) == after_refusal
    request = refused("B")
    assert duty(request, K.REFUSAL_FOLLOW_UP).side == DutySide.REQUESTER
    assert duty(request, K.REQUESTER_RECORD_REFUSAL).assignee == request.requester
    assert duty(request, K.PROVIDER_RECORD_REFUSAL).side == DutySide.PROVIDER
    assert K.REQUESTER_FEEDBACK not in kinds(request) and K.REQUESTER_RECORD not in kinds(request)


def test_after_a_refusal_no_feedback_on_what_was_done_with_the_information(refused, requester_actor):
    request = refused("C")
    decision = followup_policy.may_give_feedback(requester_actor, request)
    assert not decision and "Er is geen informatie verstrekt" in decision.reason
    with pytest.raises(IllegalMove):
        followup_services.feedback_give(
            actor=requester_actor, request=request, what_was_done="Niets", what_follows="Niets"
        )
    assert not request.feedback.exists()


def test_nothing_before_the_exchange(filed_request):
    assert kinds(filed_request("A")) == set()
    assert kinds(filed_request("C")) == set()


def test_duties_open_once_per_kind(refused, requester_actor, clinician_actor):
    request = refused("A")
    request_contest_refusal(actor=requester_actor, request=request, reason="Wij zien dit anders.")
    from requests.models import LegalAdvice

    LegalAdvice.objects.filter(request=request).update(status="gegeven", advice="Weigering is houdbaar.")
    request_uphold_refusal(actor=clinician_actor, request=request, motivation="Het besluit blijft.")
    assert Duty.objects.filter(request=request).count() == 4  # three after a refusal, and R27


# --- recording them --------------------------------------------------------------------------


def test_every_duty_of_path_a_recorded_by_its_side_and_on_both_timelines(
    answered, clinician_actor, requester_actor
):
    request = answered("A")
    yesterday = TODAY() - datetime.timedelta(days=1)
    done = duty_complete(
        actor=clinician_actor,
        duty=duty(request, K.PARENT_FEEDBACK),
        done_on=yesterday,
        note="Besproken in het behandelgesprek.",
    )
    assert (done.status, done.done_by, done.done_on) == (DutyStatus.DONE, clinician_actor.user, yesterday)
    assert done.done_at is not None and not done.not_discussed_with_parent
    duty_complete(actor=clinician_actor, duty=duty(request, K.PROVIDER_RECORD), done_on=TODAY())
    duty_complete(actor=requester_actor, duty=duty(request, K.REQUESTER_RECORD), done_on=TODAY())
    assert not Duty.objects.filter(request=request, status=DutyStatus.OPEN).exists()

    for actor in (requester_actor, clinician_actor):
        entries = {e.kind: e for e in timeline_for(actor, request)}
        for kind, who in (
            (K.PARENT_FEEDBACK, clinician_actor.user),
            (K.PROVIDER_RECORD, clinician_actor.user),
            (K.REQUESTER_RECORD, requester_actor.user),
        ):
            entry = entries[f"duty_done.{kind}"]
            assert entry.actor == who and entry.occurred_at is not None
    assert audit_events_for(request, event="request.duty_done").count() == 3


def test_r30_done_by_the_requester(filed_request, requester_actor):
    request = filed_request("B")
    duty_complete(actor=requester_actor, duty=duty(request, K.TELL_PARENT_CONTACT), done_on=TODAY())
    assert duty(request, K.TELL_PARENT_CONTACT).status == DutyStatus.DONE
    assert RequestEvent.objects.filter(request=request, kind=f"duty_done.{K.TELL_PARENT_CONTACT}").exists()


def test_r36_path_c_records_carry_the_note_not_yet_discussed(answered, clinician_actor, requester_actor):
    request = answered("C")
    for actor, kind in ((clinician_actor, K.PROVIDER_RECORD), (requester_actor, K.REQUESTER_RECORD)):
        with pytest.raises(Incomplete) as caught:
            duty_complete(actor=actor, duty=duty(request, kind), done_on=TODAY())
        assert "nog niet met de ouder is besproken" in str(caught.value.errors["not_discussed_confirmed"])
        done = duty_complete(
            actor=actor, duty=duty(request, kind), done_on=TODAY(), not_discussed_confirmed=True
        )
        assert done.not_discussed_with_parent
        event = RequestEvent.objects.get(request=request, kind=f"duty_done.{kind}")
        assert event.data["not_discussed_with_parent"] is True


def test_a_duty_is_done_by_its_own_side_only(answered, clinician_actor, requester_actor, teamleider_actor):
    request = answered("A")
    with pytest.raises(PermissionDenied):
        duty_complete(actor=requester_actor, duty=duty(request, K.PARENT_FEEDBACK), done_on=TODAY())
    with pytest.raises(PermissionDenied):
        duty_complete(actor=clinician_actor, duty=duty(request, K.REQUESTER_RECORD), done_on=TODAY())
    # The teamleider has no client contact: not theirs to record.
    with pytest.raises(PermissionDenied):
        duty_complete(actor=teamleider_actor, duty=duty(request, K.PROVIDER_RECORD), done_on=TODAY())
    assert not Duty.objects.filter(request=request, status=DutyStatus.DONE).exists()


def test_a_date_is_required_not_in_the_future_and_done_once(answered, clinician_actor):
    request = answered("A")
    target = duty(request, K.PARENT_FEEDBACK)
    with pytest.raises(Incomplete) as caught:
        duty_complete(actor=clinician_actor, duty=target, done_on=None)
    assert "done_on" in caught.value.errors
    with pytest.raises(Incomplete):
        duty_complete(actor=clinician_actor, duty=target, done_on=TODAY() + datetime.timedelta(days=1))
    duty_complete(actor=clinician_actor, duty=target, done_on=TODAY())
    with pytest.raises(IllegalMove):
        duty_complete(actor=clinician_actor, duty=target, done_on=TODAY())


def test_an_outsider_gets_404(answered, outsider_actor):
    from django.http import Http404

    request = answered("A")
    with pytest.raises(Http404):
        duty_complete(actor=outsider_actor, duty=duty(request, K.PARENT_FEEDBACK), done_on=TODAY())


# --- skipping: a deviation (R5) ----------------------------------------------------------------


def test_r5_skipping_needs_a_motivation_and_is_listed_for_the_teamleider(
    answered, clinician_actor, teamleider_actor
):
    request = answered("A")
    target = duty(request, K.PARENT_FEEDBACK)
    with pytest.raises(Incomplete):
        duty_skip(actor=clinician_actor, duty=target, motivation=" ")
    skipped = duty_skip(
        actor=clinician_actor, duty=target, motivation="De ouder is uit zorg; geen contact meer."
    )
    assert skipped.status == DutyStatus.SKIPPED
    deviation = Deviation.objects.get(request=request)
    assert deviation.kind == DeviationKind.DUTY_SKIPPED
    assert deviation.organisation == request.receiving_organisation
    assert list(deviations_for(teamleider_actor)) == [deviation]
    assert RequestEvent.objects.filter(request=request, kind=f"duty_skipped.{K.PARENT_FEEDBACK}").exists()


def test_the_path_c_feedback_cannot_be_skipped_or_ticked_off(answered, requester_actor):
    request = answered("C")
    with pytest.raises(IllegalMove):
        duty_skip(actor=requester_actor, duty=duty(request, K.REQUESTER_FEEDBACK), motivation="Geen tijd.")
    with pytest.raises(IllegalMove):
        duty_complete(actor=requester_actor, duty=duty(request, K.REQUESTER_FEEDBACK), done_on=TODAY())


# --- Mijn taken --------------------------------------------------------------------------------


def test_tasks_list_the_open_duties_of_the_right_person(
    answered, clinician_actor, requester_actor, clinician2_actor
):
    request = answered("A")
    assert {d.kind for d in tasks_for(clinician_actor).duties} == {K.PARENT_FEEDBACK, K.PROVIDER_RECORD}
    assert {d.kind for d in tasks_for(requester_actor).duties} == {K.REQUESTER_RECORD}
    assert list(tasks_for(clinician2_actor).duties) == []  # assigned to the colleague (paged by the view)
    duty_complete(actor=clinician_actor, duty=duty(request, K.PROVIDER_RECORD), done_on=TODAY())
    assert {d.kind for d in tasks_for(clinician_actor).duties} == {K.PARENT_FEEDBACK}
