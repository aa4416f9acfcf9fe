"""R28 secondary use (put before the clinician; sent only after the reply), R28 filing as
approved information (the requester sees the mark), R2 Veilig Thuis engaged when the provider
could not provide: after a confirmed refusal, or with the request overdue."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from audit.models import AuditAction, AuditOutcome
from requests.followup.secondary_use import (
    secondary_use_mark_sent,
    secondary_use_reply,
    secondary_use_submit,
    secondary_use_withdraw,
)
from requests.followup.selectors import deviations_for
from requests.followup.services import filing_approve, veilig_thuis_record
from requests.followup.workflow import SecondaryUseStatus
from requests.history.timeline import timeline_for
from requests.models import (
    ApprovedFiling,
    Deviation,
    DeviationKind,
    RequestEvent,
    SecondaryPurpose,
    VeiligThuisEngagement,
)
from requests.worklist.selectors import tasks_for
from tests.requests.deadlines.support import at
from tests.requests.helpers import audit_events_for, fresh, take
from toolkid.errors import IllegalMove, Incomplete

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate
USE = (
    "Ik wil de informatie over het verloop van de behandeling opnemen in het verzoek tot verlenging "
    "van de OTS."
)


def submit(request, actor, purpose=SecondaryPurpose.JUVENILE_COURT):
    return secondary_use_submit(
        actor=actor,
        request=request,
        purpose=purpose,
        description=USE,
        text="Volgens de behandelaar komt moeder haar afspraken na.",
    )


def test_secondary_use_agreed_then_sent_and_the_whole_exchange_recorded(
    answered, requester_actor, clinician_actor
):
    request = answered("A")
    use = submit(request, requester_actor)
    assert use.status == SecondaryUseStatus.SUBMITTED
    assert use in tasks_for(clinician_actor).secondary_uses

    # Not sent before the clinician's reply.
    with pytest.raises(IllegalMove) as caught:
        secondary_use_mark_sent(actor=requester_actor, use=use, sent_on=TODAY())
    assert caught.value.code == "reply_pending"
    assert use.__class__.objects.get(pk=use.pk).status == SecondaryUseStatus.SUBMITTED

    with pytest.raises(PermissionDenied):  # the requester does not reply for the clinician
        secondary_use_reply(actor=requester_actor, use=use, agree=True)
    use = secondary_use_reply(
        actor=clinician_actor, use=use, agree=True, comments="Akkoord, citeer letterlijk."
    )
    assert use.status == SecondaryUseStatus.AGREED and use.replied_by == clinician_actor.user
    with pytest.raises(PermissionDenied):  # the clinician does not send it
        secondary_use_mark_sent(actor=clinician_actor, use=use, sent_on=TODAY())
    use = secondary_use_mark_sent(actor=requester_actor, use=use, sent_on=TODAY())
    assert use.status == SecondaryUseStatus.SENT and use.sent_by == requester_actor.user

    kinds = [e.kind for e in timeline_for(requester_actor, request)]
    assert kinds[-3:] == ["secondary_use_submitted", "secondary_use_agreed", "secondary_use_sent"]
    sent = audit_events_for(request, event="request.secondary_use_sent", outcome=AuditOutcome.ALLOWED).get()
    assert sent.action == AuditAction.TRANSFER
    # The clinician's attempt to mark it sent was refused, and logged as such.
    assert (
        audit_events_for(request, event="request.secondary_use_sent", outcome=AuditOutcome.DENIED).count()
        == 1
    )
    assert not Deviation.objects.exists()


def test_sent_despite_an_objection_only_with_a_motivation_a_deviation(
    answered, requester_actor, clinician_actor, wijkteam_teamleider, wijkteam
):
    from tests.requests.helpers import actor_for

    request = answered("B")
    use = submit(request, requester_actor)
    with pytest.raises(Incomplete):
        secondary_use_reply(actor=clinician_actor, use=use, agree=False, comments="")
    use = secondary_use_reply(
        actor=clinician_actor,
        use=use,
        agree=False,
        comments="Bezwaar: de informatie is van vóór de opname en niet meer actueel.",
    )
    assert use.status == SecondaryUseStatus.OBJECTED
    with pytest.raises(Incomplete) as caught:
        secondary_use_mark_sent(actor=requester_actor, use=use, sent_on=TODAY())
    assert "motivation" in caught.value.errors
    use = secondary_use_mark_sent(
        actor=requester_actor,
        use=use,
        sent_on=TODAY(),
        motivation="De rechter vraagt het volledige beeld; bezwaar is vermeld.",
    )
    assert use.status == SecondaryUseStatus.SENT
    deviation = Deviation.objects.get()
    assert deviation.kind == DeviationKind.SECONDARY_USE_DESPITE_OBJECTION
    assert list(deviations_for(actor_for(wijkteam_teamleider, wijkteam))) == [deviation]
    assert RequestEvent.objects.get(request=request, kind="secondary_use_sent").data["despite_objection"]


def test_secondary_use_only_after_information_was_provided(filed_request, refused, requester_actor):
    for request in (filed_request("A"), refused("A")):
        with pytest.raises(IllegalMove):
            submit(request, requester_actor)


def test_secondary_use_withdrawn_and_form_checks(answered, requester_actor, clinician_actor):
    request = answered("A")
    with pytest.raises(Incomplete) as caught:
        secondary_use_submit(actor=requester_actor, request=request, purpose="", description="")
    assert set(caught.value.errors) == {"purpose", "description"}
    with pytest.raises(PermissionDenied):
        submit(request, clinician_actor)
    use = secondary_use_withdraw(actor=requester_actor, use=submit(request, requester_actor))
    assert use.status == SecondaryUseStatus.WITHDRAWN
    with pytest.raises(IllegalMove):
        secondary_use_reply(actor=clinician_actor, use=use, agree=True)


# --- R28 filing as approved information --------------------------------------------------------


def test_filing_approved_by_the_clinician_seen_by_the_requester(answered, clinician_actor, requester_actor):
    request = answered("A")
    with pytest.raises(PermissionDenied):
        filing_approve(actor=requester_actor, request=request)
    approval = filing_approve(actor=clinician_actor, request=request, note="Tekst zoals verstrekt.")
    assert approval.approved_by == clinician_actor.user
    with pytest.raises(IllegalMove):
        filing_approve(actor=clinician_actor, request=request)
    entry = [e for e in timeline_for(requester_actor, request) if e.kind == "filing_approved"]
    assert entry and entry[0].actor == clinician_actor.user
    assert ApprovedFiling.objects.get(request=request) == approval


def test_filing_only_after_an_answer(filed_request, clinician_actor):
    from requests.handling.services import request_take

    request = request_take(actor=clinician_actor, request=filed_request("A"))
    with pytest.raises(IllegalMove):
        filing_approve(actor=clinician_actor, request=request)


# --- R2 Veilig Thuis ----------------------------------------------------------------------------


def test_r2_veilig_thuis_engaged_after_a_refusal_with_concerns(refused, requester_actor, clinician_actor):
    request = refused("B")
    yesterday = TODAY() - datetime.timedelta(days=1)
    with pytest.raises(Incomplete) as caught:
        veilig_thuis_record(
            actor=requester_actor, request=request, engaged_on=yesterday, safety_concerns=False
        )
    assert "safety_concerns" in caught.value.errors
    with pytest.raises(PermissionDenied):
        veilig_thuis_record(
            actor=clinician_actor, request=request, engaged_on=yesterday, safety_concerns=True
        )
    engagement = veilig_thuis_record(
        actor=requester_actor,
        request=request,
        engaged_on=yesterday,
        safety_concerns=True,
        reference="VT-2026-0042",
    )
    assert (engagement.request, engagement.engaged_on) == (request, yesterday)
    entries = [e for e in timeline_for(clinician_actor, request) if e.kind == "veilig_thuis_engaged"]
    assert entries[0].data["engaged_on"] == yesterday.isoformat()


def test_r2_not_when_information_was_provided(answered, requester_actor):
    with pytest.raises(IllegalMove):
        veilig_thuis_record(
            actor=requester_actor, request=answered("A"), engaged_on=TODAY(), safety_concerns=True
        )


#: The Dutch message for a request where the provider has not (yet) failed to provide.
NOT_YET = (
    "Veilig Thuis inschakelen wordt hier vastgelegd als de zorgverlener de informatie niet kon "
    "verstrekken: na een bevestigde weigering, of als het verzoek na de uiterste datum nog niet is "
    "beantwoord."
)


def _at_day(day: datetime.date, hour: int):
    return at(day.year, day.month, day.day, hour)


@pytest.mark.parametrize("taken", [False, True], ids=["unassigned", "in_behandeling"])
def test_r2_veilig_thuis_engaged_when_the_request_is_overdue(
    filed_request, requester_actor, clinician_actor, taken
):
    """R2's "could not provide" includes a provider that did not provide in time (R26: the
    overdue notice offers the requester this option): open past its due date, the requester
    records the engagement. On the due day itself it is not overdue yet: refused, in Dutch."""
    with at(2026, 5, 11, 10):
        request = filed_request("A")
        if taken:
            request = take(request, clinician_actor)
    due = fresh(request).due_date
    with _at_day(due, 16):
        with pytest.raises(IllegalMove) as caught:
            veilig_thuis_record(
                actor=requester_actor, request=fresh(request), engaged_on=due, safety_concerns=True
            )
    assert caught.value.code == "not_refused" and str(caught.value.message) == NOT_YET
    assert not VeiligThuisEngagement.objects.exists()

    after = due + datetime.timedelta(days=1)
    with _at_day(after, 9):
        with pytest.raises(Incomplete):  # R2: with concerns about the child's safety only
            veilig_thuis_record(
                actor=requester_actor, request=fresh(request), engaged_on=after, safety_concerns=False
            )
        with pytest.raises(PermissionDenied):  # the requester's side records it
            veilig_thuis_record(
                actor=clinician_actor, request=fresh(request), engaged_on=after, safety_concerns=True
            )
        engagement = veilig_thuis_record(
            actor=requester_actor,
            request=fresh(request),
            engaged_on=after,
            safety_concerns=True,
            reference="VT-2026-0077",
        )
    assert (engagement.request, engagement.engaged_on) == (request, after)
    assert engagement.reference == "VT-2026-0077"
    assert fresh(request).status == ("in_behandeling" if taken else "ingediend")  # the request goes on
    event = RequestEvent.objects.get(request=request, kind="veilig_thuis_engaged")
    assert event.data["engaged_on"] == after.isoformat()


def test_r2_refused_while_open_in_time_or_answered(filed_request, answered, requester_actor):
    """Neither overdue nor refused: not here (the provider may still provide)."""
    request = filed_request("A")  # submitted today; due in five working days
    for candidate in (request, answered("A")):
        with pytest.raises(IllegalMove) as caught:
            veilig_thuis_record(
                actor=requester_actor, request=candidate, engaged_on=TODAY(), safety_concerns=True
            )
        assert str(caught.value.message) == NOT_YET
    assert not VeiligThuisEngagement.objects.exists()
