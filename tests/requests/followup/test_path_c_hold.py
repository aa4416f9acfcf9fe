"""The path-C hold (R35, R37, R40): from the request, through the answer, to the joint release
and the parent being informed. While it holds nothing parent-facing exists: no duty, no event,
no notification mentions informing the parent. One side alone cannot release it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.utils import timezone

from requests.core.workflow import RequestStatus
from requests.deadlines.services import (
    deadline_sweep,
    request_contest_extension,
    request_extend_deadline,
)
from requests.filing.services import request_acknowledge
from requests.followup.hold import (
    hold_release_agree,
    hold_release_decline,
    hold_release_propose,
    hold_release_withdraw,
)
from requests.followup.selectors import hold_active
from requests.followup.services import _open_duty, duty_complete, feedback_give
from requests.followup.workflow import ReleaseStatus
from requests.handling.answer import request_send_answer
from requests.handling.services import request_take
from requests.history.timeline import timeline_for
from requests.models import (
    PARENT_FACING_DUTIES,
    DeadlineNoticeKind,
    Duty,
    DutyKind,
    DutySide,
    DutyStatus,
    HoldRelease,
    RequestEvent,
)
from requests.worklist.selectors import tasks_for
from tests.requests.deadlines.support import at, notification_texts, sent, tells_to_contact_parent
from tests.requests.helpers import ALL_CONFIRMED, audit_events_for, decide, fill_answer, fresh
from toolkid.errors import IllegalMove, Incomplete
from toolkid.models import Notification, NotificationKind

pytestmark = pytest.mark.django_db

S = RequestStatus
N = DeadlineNoticeKind
INFORM_WORDS = (
    "ouder_informeren",
    "ouder informeren",
    "informeer de ouder",
    "terugkoppeling_ouder",
    "ouder_vertellen_contact",
)


def assert_no_notification_mentions_informing_the_parent() -> int:
    """R40 over ALL notification rows, whoever they are for: neither the stored row nor
    anything rendered from it — its title, its sentence (Dutch and English), its e-mail subject
    and body — nor any e-mail in the outbox tells anyone to inform or contact the parent.
    Returns how many notifications were read."""
    notes = list(Notification.objects.select_related("recipient"))
    for note in notes:
        stored = json.dumps([note.kind, note.params, note.target_url, note.source_key]).lower()
        assert not any(word in stored for word in INFORM_WORDS), (note.kind, stored)
        for text in notification_texts(note):
            assert not tells_to_contact_parent(text), (note.kind, text)
    for message in mail.outbox:
        assert not tells_to_contact_parent(f"{message.subject}\n{message.body}"), message.subject
    return len(notes)


def assert_nothing_parent_facing(request) -> None:
    """R40, over ALL rows: no parent-facing duty, no event and no notification about informing
    the parent — for this request or any other."""
    assert not Duty.objects.filter(kind__in=PARENT_FACING_DUTIES, request=request).exists()
    assert not Duty.objects.filter(kind=DutyKind.INFORM_PARENT).exists()
    for event in RequestEvent.objects.filter(request=request):
        text = json.dumps([event.kind, event.data]).lower()
        assert not any(word in text for word in INFORM_WORDS), event.kind
    assert_no_notification_mentions_informing_the_parent()
    assert hold_active(request)


def _days(first: dt.date, last: dt.date):
    day = first
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


def test_the_sweep_sends_nothing_parent_facing_across_the_whole_path_c_lifecycle(
    filed_request, clinician_actor, requester_actor, requester, clinician, teamleider, beheerder
):
    """The deadline sweep runs, on a frozen clock, at every moment of a path-C request's life:
    filed, extended and contested, the reminder, the due day, overdue, the second escalation,
    answered late, recorded, reported back, closed, a release proposed, refused to one side,
    and agreed jointly. After every run, no notification (nor its e-mail) says to inform the
    parent; the task to inform the parent appears only with the joint release."""
    for user in (requester, clinician, teamleider, beheerder):
        user.email = f"{user.username}@example.test"
        user.save(update_fields=["email"])

    def sweep(day: dt.date, hour: int = 9) -> None:
        with at(day.year, day.month, day.day, hour):
            deadline_sweep()
        assert_nothing_parent_facing(request)

    with at(2026, 5, 11, 10):  # Monday; due Wednesday 20 May (Ascension and the day after)
        request = filed_request("C")
    sweep(dt.date(2026, 5, 11), 11)
    with at(2026, 5, 12, 10):
        request = request_take(actor=clinician_actor, request=request)
        request_extend_deadline(
            actor=clinician_actor,
            request=fresh(request),
            new_due_date=dt.date(2026, 5, 27),
            reason="Overleg met de psychiater.",
        )
        request_contest_extension(
            actor=requester_actor, request=fresh(request), reason="Dit kan niet wachten."
        )
    # Every day until well after the second escalation, in the morning and at the end of the day.
    for day in _days(dt.date(2026, 5, 13), dt.date(2026, 6, 3)):
        sweep(day, 9)
        sweep(day, 18)
    assert fresh(request).status == S.IN_PROGRESS  # still open: every moment passed
    assert set(sent(request)) == {N.REMINDER, N.DUE, N.OVERDUE, N.ESCALATION}
    kinds = set(Notification.objects.values_list("kind", flat=True))
    assert kinds == set(NotificationKind.values)  # every kind was sent, and read above
    assert mail.outbox

    with at(2026, 6, 4, 10):  # answered late
        request = fill_answer(decide(fresh(request), clinician_actor, provide=True), clinician_actor)
        request = request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    sweep(dt.date(2026, 6, 4), 17)
    with at(2026, 6, 5, 10):
        for actor, kind in (
            (clinician_actor, DutyKind.PROVIDER_RECORD),
            (requester_actor, DutyKind.REQUESTER_RECORD),
        ):
            duty_complete(
                actor=actor,
                duty=Duty.objects.get(request=request, kind=kind),
                done_on=timezone.localdate(),
                not_discussed_confirmed=True,
            )
        feedback_give(
            actor=requester_actor,
            request=request,
            what_was_done="Veiligheidsplan.",
            what_follows="Zorgoverleg.",
        )
        request = request_acknowledge(actor=requester_actor, request=request)
    assert request.status == S.CLOSED
    sweep(dt.date(2026, 6, 5), 17)
    with at(2026, 6, 8, 10):
        release = hold_release_propose(
            actor=requester_actor, request=request, reason="Het gevaar is geweken."
        )
    sweep(dt.date(2026, 6, 8), 17)
    with at(2026, 6, 9, 10), pytest.raises(IllegalMove):
        hold_release_agree(actor=requester_actor, release=release)
    sweep(dt.date(2026, 6, 9), 17)
    read = assert_no_notification_mentions_informing_the_parent()
    assert read == Notification.objects.count() >= 7

    with at(2026, 6, 10, 10):
        hold_release_agree(actor=clinician_actor, release=release)
    assert not hold_active(request)
    assert Duty.objects.filter(request=request, kind=DutyKind.INFORM_PARENT).exists()
    # After the release, too, the sweep itself never speaks to or about the parent.
    with at(2026, 7, 10, 10):
        deadline_sweep()
    assert_no_notification_mentions_informing_the_parent()


def test_from_request_to_joint_release_to_the_parent_informed(
    filed_request, clinician_actor, requester_actor, requester_colleague_actor, teamleider_actor
):
    # The request: path C, no consent asked (R32, R33). The hold holds from the start.
    request = filed_request("C")
    assert hold_active(request)
    assert_nothing_parent_facing(request)
    request = request_take(actor=clinician_actor, request=request)
    request = decide(request, clinician_actor, provide=True)
    assert_nothing_parent_facing(request)
    request = fill_answer(request, clinician_actor)
    request = request_send_answer(actor=clinician_actor, request=request, confirmations=ALL_CONFIRMED)
    assert request.status == S.ANSWERED
    assert_nothing_parent_facing(request)
    assert all(d.kind not in PARENT_FACING_DUTIES for d in tasks_for(clinician_actor).duties)

    # Both sides record the contact with the note of R36; the requester reports back (R38).
    for actor, kind in (
        (clinician_actor, DutyKind.PROVIDER_RECORD),
        (requester_actor, DutyKind.REQUESTER_RECORD),
    ):
        duty_complete(
            actor=actor,
            duty=Duty.objects.get(request=request, kind=kind),
            done_on=timezone.localdate(),
            not_discussed_confirmed=True,
        )
    feedback_give(
        actor=requester_actor,
        request=request,
        what_was_done="Veiligheidsplan opgesteld.",
        what_follows="Zorgoverleg over twee weken.",
    )
    request = request_acknowledge(actor=requester_actor, request=request)
    assert request.status == S.CLOSED
    assert_nothing_parent_facing(request)  # closing does not lift the hold

    # One side proposes, with a reason.
    with pytest.raises(Incomplete):
        hold_release_propose(actor=requester_actor, request=request, reason="")
    release = hold_release_propose(
        actor=requester_actor, request=request, reason="Vader is uit huis geplaatst; het gevaar is geweken."
    )
    assert release.status == ReleaseStatus.PROPOSED
    assert_nothing_parent_facing(request)

    # A single side cannot release: not the proposer, not a colleague, not its teamleider.
    for same_side in (requester_actor, requester_colleague_actor):
        with pytest.raises(IllegalMove) as caught:
            hold_release_agree(actor=same_side, release=release)
        assert caught.value.code == "other_side_required"
    assert HoldRelease.objects.get(pk=release.pk).status == ReleaseStatus.PROPOSED
    assert_nothing_parent_facing(request)

    # The other side agrees: both are recorded, the hold is released.
    agreed = hold_release_agree(actor=clinician_actor, release=release, note="Eens; geen risico meer.")
    assert agreed.status == ReleaseStatus.AGREED
    assert (agreed.proposed_by, agreed.responded_by) == (requester_actor.user, clinician_actor.user)
    assert agreed.responded_by_organisation == request.receiving_organisation
    assert not hold_active(request)

    # Only now the task "ouder informeren" appears, for the provider (R37).
    inform = Duty.objects.get(request=request, kind=DutyKind.INFORM_PARENT)
    assert (inform.side, inform.assignee, inform.status) == (
        DutySide.PROVIDER,
        clinician_actor.user,
        DutyStatus.OPEN,
    )
    assert inform.opened_by_event.kind == "hold_release_agreed"
    assert inform in tasks_for(clinician_actor).duties
    with pytest.raises(PermissionDenied):
        duty_complete(actor=requester_actor, duty=inform, done_on=timezone.localdate())
    duty_complete(
        actor=clinician_actor,
        duty=inform,
        done_on=timezone.localdate(),
        note="Moeder geïnformeerd in het behandelgesprek.",
    )

    # The timeline shows every step, who and when — to both sides.
    for actor in (requester_actor, clinician_actor, teamleider_actor):
        entries = [e for e in timeline_for(actor, request)]
        by_kind = {e.kind: e for e in entries}
        assert by_kind["hold_release_proposed"].actor == requester_actor.user
        assert by_kind["hold_release_agreed"].actor == clinician_actor.user
        assert by_kind[f"duty_done.{DutyKind.INFORM_PARENT}"].actor == clinician_actor.user
        assert by_kind["feedback_given"].actor == requester_actor.user
        kinds = [e.kind for e in entries]
        assert (
            kinds.index("hold_release_proposed")
            < kinds.index("hold_release_agreed")
            < kinds.index(f"duty_done.{DutyKind.INFORM_PARENT}")
        )
    assert audit_events_for(request, event="request.hold_released").count() == 1


def test_the_provider_may_propose_and_the_requester_agree(
    answered, clinician_actor, teamleider_actor, requester_teamleider_actor
):
    request = answered("C")
    release = hold_release_propose(actor=clinician_actor, request=request, reason="Behandeling afgerond.")
    # The provider's teamleider is the same side.
    with pytest.raises(IllegalMove):
        hold_release_agree(actor=teamleider_actor, release=release)
    assert_nothing_parent_facing(request)
    hold_release_agree(actor=requester_teamleider_actor, release=release)
    assert Duty.objects.filter(request=request, kind=DutyKind.INFORM_PARENT).exists()


def test_declined_proposal_keeps_the_hold_and_a_new_one_can_follow(
    answered, clinician_actor, requester_actor
):
    request = answered("C")
    release = hold_release_propose(actor=clinician_actor, request=request, reason="Rustiger thuis.")
    with pytest.raises(IllegalMove):  # one open proposal at a time
        hold_release_propose(actor=requester_actor, request=request, reason="Ook wij.")
    with pytest.raises(Incomplete):
        hold_release_decline(actor=requester_actor, release=release, reason="")
    with pytest.raises(IllegalMove):  # the proposer cannot decline (or agree) their own proposal
        hold_release_decline(actor=clinician_actor, release=release, reason="x")
    declined = hold_release_decline(actor=requester_actor, release=release, reason="Vader woont nog thuis.")
    assert declined.status == ReleaseStatus.DECLINED
    assert_nothing_parent_facing(request)
    with pytest.raises(IllegalMove):  # a declined proposal cannot be agreed afterwards
        hold_release_agree(actor=requester_actor, release=declined)
    second = hold_release_propose(actor=clinician_actor, request=request, reason="Vader is verhuisd.")
    with pytest.raises(PermissionDenied):  # only the proposing side withdraws
        hold_release_withdraw(actor=requester_actor, release=second)
    assert hold_release_withdraw(actor=clinician_actor, release=second).status == ReleaseStatus.WITHDRAWN
    assert_nothing_parent_facing(request)


def test_the_database_allows_one_open_proposal_per_request(answered, clinician_actor):
    request = answered("C")
    hold_release_propose(actor=clinician_actor, request=request, reason="Gevaar geweken.")
    with pytest.raises(IntegrityError):
        HoldRelease.objects.create(
            request=request,
            proposed_by=clinician_actor.user,
            proposed_by_organisation=clinician_actor.organisation,
            reason="Nog een.",
        )


def test_no_hold_on_other_paths_and_no_release_after_release(answered, clinician_actor, requester_actor):
    with pytest.raises(IllegalMove):
        hold_release_propose(actor=clinician_actor, request=answered("A"), reason="x")
    request = answered("C")
    release = hold_release_propose(actor=clinician_actor, request=request, reason="x")
    hold_release_agree(actor=requester_actor, release=release)
    with pytest.raises(IllegalMove):
        hold_release_propose(actor=requester_actor, request=request, reason="Nog eens.")


def test_outsiders_cannot_propose_or_agree(answered, clinician_actor, outsider_actor, outsider_requester):
    from django.http import Http404

    from tests.requests.helpers import actor_for

    request = answered("C")
    with pytest.raises(Http404):
        hold_release_propose(actor=outsider_actor, request=request, reason="x")
    release = hold_release_propose(actor=clinician_actor, request=request, reason="x")
    with pytest.raises(Http404):
        hold_release_agree(actor=actor_for(outsider_requester), release=release)
    assert_nothing_parent_facing(request)


def test_the_last_line_refuses_a_parent_facing_duty_during_the_hold(answered):
    request = answered("C")
    for kind in PARENT_FACING_DUTIES:
        with pytest.raises(RuntimeError):
            _open_duty(request, kind, None)
    assert_nothing_parent_facing(request)


def test_a_refused_path_c_request_is_held_too(refused, requester_actor):
    request = refused("C")
    assert_nothing_parent_facing(request)
    # No information was provided: R38 is not required to close.
    assert request_acknowledge(actor=requester_actor, request=request).status == S.CLOSED


# --- R38: feedback before closing ---------------------------------------------------------


def test_r38_path_c_cannot_close_before_the_feedback(answered, requester_actor):
    request = answered("C")
    with pytest.raises(Incomplete) as caught:
        request_acknowledge(actor=requester_actor, request=request)
    assert "terugkoppeling aan de zorgverlener" in str(caught.value.errors["feedback"])  # R38
    assert request.__class__.objects.get(pk=request.pk).status == S.ANSWERED
    with pytest.raises(Incomplete):
        feedback_give(actor=requester_actor, request=request, what_was_done="Gelezen.", what_follows="")
    feedback_give(
        actor=requester_actor,
        request=request,
        what_was_done="Gebruikt voor het veiligheidsplan.",
        what_follows="Evaluatie over zes weken.",
    )
    feedback_duty = Duty.objects.get(request=request, kind=DutyKind.REQUESTER_FEEDBACK)
    assert feedback_duty.status == DutyStatus.DONE and feedback_duty.done_by == requester_actor.user
    assert request_acknowledge(actor=requester_actor, request=request).status == S.CLOSED


def test_r38_offered_not_required_on_the_other_paths(answered, requester_actor, clinician_actor):
    request = answered("A")
    with pytest.raises(PermissionDenied):
        feedback_give(actor=clinician_actor, request=request, what_was_done="x", what_follows="y")
    feedback_give(
        actor=requester_actor,
        request=request,
        what_was_done="Besproken in het team.",
        what_follows="Gezinsplan.",
    )
    assert request_acknowledge(actor=requester_actor, request=answered("B")).status == S.CLOSED


def test_feedback_only_after_the_exchange(filed_request, requester_actor):
    with pytest.raises(IllegalMove):
        feedback_give(actor=requester_actor, request=filed_request("C"), what_was_done="x", what_follows="y")


def test_on_the_provider_side_the_handling_clinician_or_the_teamleider_speaks(
    answered, clinician2_actor, requester_actor, teamleider_actor
):
    request = answered("C")
    with pytest.raises(PermissionDenied):  # a colleague who does not handle the request
        hold_release_propose(actor=clinician2_actor, request=request, reason="x")
    release = hold_release_propose(actor=requester_actor, request=request, reason="Gevaar geweken.")
    with pytest.raises(PermissionDenied):
        hold_release_agree(actor=clinician2_actor, release=release)
    assert release not in tasks_for(clinician2_actor).releases
    assert release in tasks_for(teamleider_actor).releases
    hold_release_agree(actor=teamleider_actor, release=release)
    assert not hold_active(request)
