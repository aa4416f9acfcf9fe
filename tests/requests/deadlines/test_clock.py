"""The clock's history: it pauses while the request is back with the requester (R7)
and restarts on resubmission (R26: five working days from then); the clinician can extend it
with a reason the requester reads; the requester may contest the extension through the legal
advisors' queue (R8). Every change is a DueDateChange row with its explanation."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from requests.core import access
from requests.core.policy import may_contest_extension as can_contest_extension
from requests.core.policy import may_extend_deadline as can_extend
from requests.deadlines.selectors import clock_history_for
from requests.deadlines.services import request_contest_extension, request_extend_deadline
from requests.filing.services import request_resubmit
from requests.handling import selectors as handling_selectors
from requests.handling.services import request_return_for_reformulation
from requests.history import timeline
from requests.models import (
    ClockEventKind,
    DeadlineNoticeKind,
    DeadlineNoticeStatus,
    DueDateChange,
    LegalAdviceOrigin,
    RequestEvent,
)
from toolkid.errors import IllegalMove, Incomplete
from toolkid.models import NotificationKind

from ..helpers import fresh, take
from .support import at, received, sent, statuses, sweep_at

N = DeadlineNoticeKind
K = NotificationKind
C = ClockEventKind
D = dt.date


REASON = "Het behandelteam overlegt pas op dinsdag; daarna kan ik het antwoord afronden."


@pytest.fixture
def request_may_11(filed_request):
    """Submitted Mon 11 May 2026: due Wed 20 May (Ascension and the decree Friday skipped)."""
    with at(2026, 5, 11, 10):
        return filed_request("A")


def kinds(request) -> list[str]:
    return list(DueDateChange.objects.filter(request=request).values_list("kind", flat=True))


def test_submission_starts_the_clock_with_its_explanation(request_may_11):
    change = DueDateChange.objects.get(request=request_may_11)
    assert change.kind == C.STARTED
    assert (change.start_date, change.due_date, change.working_days) == (D(2026, 5, 11), D(2026, 5, 20), 5)
    assert {s["reason"] for s in change.explanation["skipped"]} >= {
        "Hemelvaartsdag", "Vrijdag na Hemelvaartsdag (besluit)"
    }


# --- pause and resume ----------------------------------------------------------------------


def test_return_pauses_and_resubmission_restarts_the_clock(
    request_may_11, clinician_actor, filed_request, with_emails
):
    request = request_may_11
    with at(2026, 5, 13):
        request_return_for_reformulation(actor=clinician_actor, request=request, suggestion="Vraag naar c.")
    pause = DueDateChange.objects.filter(request=request).last()
    assert (pause.kind, pause.previous_due_date, pause.due_date) == (C.PAUSED, D(2026, 5, 20), None)
    assert pause.working_days == 3  # from Wed 13: Mon 18, Tue 19, Wed 20 (14 and 15 May are off)
    assert set(statuses(request).values()) == {DeadlineNoticeStatus.CANCELLED}

    # The old reminder day and due day pass while the request is with the requester: silence.
    sweep_at(D(2026, 5, 18))
    sweep_at(D(2026, 5, 20))
    assert sent(request) == []

    # Resubmitted Tue 19 May: five working days from then, Whit Monday skipped → Wed 27 May.
    with at(2026, 5, 19, 10):
        request = request_resubmit(actor=filed_request.requester_of(request), request=fresh(request))
    assert request.due_date == D(2026, 5, 27)
    assert kinds(request) == [C.STARTED, C.PAUSED, C.RESUMED]
    resumed = DueDateChange.objects.filter(request=request).last()
    assert (resumed.previous_due_date, resumed.start_date, resumed.due_date) == (
        D(2026, 5, 20), D(2026, 5, 19), D(2026, 5, 27)
    )
    # The new reminder: two working days before Wed 27 → Fri 22 May (Whit Monday skipped).
    sweep_at(D(2026, 5, 21))
    assert sent(request) == []
    sweep_at(D(2026, 5, 22))
    assert sent(request) == [N.REMINDER]


def test_pause_and_restart_on_the_same_due_date_still_reminds_once(
    request_may_11, clinician_actor, filed_request, with_emails
):
    request = request_may_11
    with at(2026, 5, 11, 11):
        request_return_for_reformulation(actor=clinician_actor, request=request, suggestion="Vraag naar c.")
        request = request_resubmit(actor=filed_request.requester_of(request), request=fresh(request))
    assert request.due_date == D(2026, 5, 20)
    sweep_at(D(2026, 5, 18))
    sweep_at(D(2026, 5, 18))
    assert sent(request) == [N.REMINDER]


def test_the_history_explains_todays_due_date_to_both_sides(
    request_may_11, clinician_actor, filed_request, requester_actor
):
    request = request_may_11
    with at(2026, 5, 13):
        request_return_for_reformulation(actor=clinician_actor, request=request, suggestion="Vraag naar c.")
    with at(2026, 5, 19, 10):
        request = request_resubmit(actor=filed_request.requester_of(request), request=fresh(request))
    for actor in (requester_actor, clinician_actor):
        history = clock_history_for(actor, request)
        assert [line.kind for line in history.current] == [C.RESUMED]
        assert history.current[0].text.startswith("Opnieuw ingediend op dinsdag 19 mei 2026.")
        assert "Tweede Pinksterdag" in history.current[0].text
        assert "Uiterste datum: woensdag 27 mei 2026." in history.current[0].text
        assert [line.kind for line in history.earlier] == [C.STARTED, C.PAUSED]


def test_the_history_is_not_for_outsiders(request_may_11, outsider_actor):
    from django.http import Http404

    with pytest.raises(Http404):
        clock_history_for(outsider_actor, request_may_11)


# --- extension -----------------------------------------------------------------------------


def test_the_clinician_extends_with_a_reason_and_the_requester_is_told(
    request_may_11, clinician_actor, requester_actor, with_emails
):
    request = request_may_11
    with at(2026, 5, 11, 11):
        take(request, clinician_actor)
    sweep_at(D(2026, 5, 18))
    assert sent(request) == [N.REMINDER]

    with at(2026, 5, 18, 14):
        change = request_extend_deadline(
            actor=clinician_actor, request=fresh(request), new_due_date=D(2026, 5, 27), reason=REASON
        )
    request = fresh(request)
    assert request.due_date == D(2026, 5, 27)
    assert (change.kind, change.previous_due_date, change.due_date, change.reason) == (
        C.EXTENDED, D(2026, 5, 20), D(2026, 5, 27), REASON
    )
    assert change.working_days == 4  # Thu 21, Fri 22, Tue 26, Wed 27 (Whit Monday skipped)
    # The base explanation of the term stays; the extension is on top of it.
    assert request.due_explanation["due"] == "2026-05-20"

    # The old due date's notices are cancelled; the new ones planned.
    assert statuses(request)[(N.DUE, D(2026, 5, 20))] == DeadlineNoticeStatus.CANCELLED
    assert statuses(request)[(N.REMINDER, D(2026, 5, 20))] == DeadlineNoticeStatus.SENT
    sweep_at(D(2026, 5, 20))
    sweep_at(D(2026, 5, 21))
    assert sent(request) == [N.REMINDER]
    sweep_at(D(2026, 5, 22))  # two working days before Wed 27 May
    assert sent(request) == [N.REMINDER, N.REMINDER]

    # The requester got a message, and reads the reason on the request's page and timeline.
    assert received(request)[("jeugd", K.DEADLINE_EXTENDED)] == 1
    history = clock_history_for(requester_actor, request)
    assert history.extended
    assert [(line.kind, line.reason) for line in history.current] == [(C.STARTED, ""), (C.EXTENDED, REASON)]
    assert "Verlengd van woensdag 20 mei 2026 tot woensdag 27 mei 2026: 4 werkdagen erbij." in (
        history.current[1].text
    )
    steps = timeline.timeline_for(requester_actor, request)
    extended = [e for e in steps if e.kind == "deadline_extended"]
    assert len(extended) == 1 and extended[0].motivation == REASON
    # The audit trail holds identifiers, not the reason.
    event = AuditEvent.objects.filter(event="request.deadline_extended").get()
    assert REASON not in str(event.payload)


@pytest.mark.parametrize(
    ("new_due", "reason", "field", "message"),
    [
        (None, REASON, "new_due_date", "Kies de nieuwe uiterste datum."),
        (D(2026, 5, 20), REASON, "new_due_date", "Kies een datum na de huidige uiterste datum"),
        (D(2026, 5, 19), REASON, "new_due_date", "Kies een datum na de huidige uiterste datum"),
        (D(2026, 5, 25), REASON, "new_due_date", "Kies een werkdag van uw organisatie."),  # Whit Monday
        (D(2026, 5, 23), REASON, "new_due_date", "Kies een werkdag van uw organisatie."),  # Saturday
        (D(2026, 5, 27), "  ", "reason", "Geef aan waarom u meer tijd nodig hebt."),
    ],
)
def test_an_extension_needs_a_later_working_day_and_a_reason(
    request_may_11, clinician_actor, new_due, reason, field, message
):
    with at(2026, 5, 11, 11):
        take(request_may_11, clinician_actor)
    before = (fresh(request_may_11).due_date, DueDateChange.objects.count(), RequestEvent.objects.count())
    with at(2026, 5, 12), pytest.raises(Incomplete) as caught:
        request_extend_deadline(
            actor=clinician_actor, request=request_may_11, new_due_date=new_due, reason=reason
        )
    assert message in str(caught.value.errors[field])
    after = (fresh(request_may_11).due_date, DueDateChange.objects.count(), RequestEvent.objects.count())
    assert after == before


def test_only_the_handling_clinician_extends(
    request_may_11, clinician_actor, clinician2_actor, teamleider_actor, requester_actor
):
    assert not can_extend(clinician_actor, request_may_11)  # not taken yet: nobody handles it
    with at(2026, 5, 11, 11):
        take(request_may_11, clinician_actor)
    request = fresh(request_may_11)
    assert can_extend(clinician_actor, request)
    for actor in (clinician2_actor, teamleider_actor, requester_actor):
        assert not can_extend(actor, request)
        with pytest.raises(PermissionDenied):
            request_extend_deadline(actor=actor, request=request, new_due_date=D(2026, 5, 27), reason=REASON)
    with at(2026, 5, 12):
        request_extend_deadline(
            actor=clinician_actor, request=request, new_due_date=D(2026, 5, 27), reason=REASON
        )


def test_no_extension_while_the_request_is_returned(request_may_11, clinician_actor):
    with at(2026, 5, 12):
        request_return_for_reformulation(
            actor=clinician_actor, request=request_may_11, suggestion="Vraag naar c."
        )
    with pytest.raises(IllegalMove):
        request_extend_deadline(
            actor=clinician_actor, request=request_may_11, new_due_date=D(2026, 5, 27), reason=REASON
        )


# --- contesting an extension ---------------------------------------------------------------


def test_the_requester_contests_an_extension_through_the_legal_queue(
    request_may_11, clinician_actor, requester_actor, legal_actor, with_emails
):
    request = request_may_11
    assert not can_contest_extension(requester_actor, request)
    with pytest.raises(IllegalMove):
        request_contest_extension(actor=requester_actor, request=request, reason="Te lang.")
    with at(2026, 5, 11, 11):
        take(request, clinician_actor)
    with at(2026, 5, 12):
        request_extend_deadline(actor=clinician_actor, request=fresh(request), new_due_date=D(2026, 5, 27),
                                reason=REASON)
    request = fresh(request)
    assert can_contest_extension(requester_actor, request)
    assert not can_contest_extension(clinician_actor, request)
    with at(2026, 5, 12, 15), pytest.raises(Incomplete):
        request_contest_extension(actor=requester_actor, request=request, reason=" ")
    with at(2026, 5, 12, 15):
        advice = request_contest_extension(
            actor=requester_actor, request=request,
            reason="De kinderen zijn niet veilig; dit kan niet wachten.",
        )
    assert advice.origin == LegalAdviceOrigin.CONTESTED_EXTENSION
    # The legal advisors now see the request and the question in their queue (R31, R8).
    assert access.is_visible_to(legal_actor, request)
    assert [a.pk for a in handling_selectors.legal_queue(legal_actor)] == [advice.pk]
    # The clinician and the legal advisors are told; the due date did not change by itself.
    got = received(request)
    assert got[("zorg", K.EXTENSION_CONTESTED)] == 1 and got[("jurist", K.EXTENSION_CONTESTED)] == 1
    assert fresh(request).due_date == D(2026, 5, 27)
    # Once is enough: the same extension cannot be contested twice.
    assert not can_contest_extension(requester_actor, fresh(request))
    with pytest.raises(IllegalMove):
        request_contest_extension(actor=requester_actor, request=request, reason="Nog eens.")
    # A further extension can be contested again.
    with at(2026, 5, 13):
        request_extend_deadline(actor=clinician_actor, request=fresh(request), new_due_date=D(2026, 5, 29),
                                reason=REASON)
    assert can_contest_extension(requester_actor, fresh(request))
    kinds_seen = [e.kind for e in timeline.timeline_for(requester_actor, fresh(request))]
    assert Counter(kinds_seen)["deadline_extended"] == 2
    assert Counter(kinds_seen)["extension_contested"] == 1
