"""R7 "Nee… maar wat kan dan wel": the provider sends a request back with a better question
instead of refusing it. The clock pauses; when the requester resubmits, the five working days
(R26, L1) restart from the resubmission, and the history keeps both due dates.

Dates are counted by hand from the calendar (DOMAIN.md L1):
- 2026: King's Day Mon 27 Apr; Liberation Day Tue 5 May (every year); Ascension Thu 14 May;
  decree day Fri 15 May (seeded by toolkid migration 0002).
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from requests.core.workflow import RequestStatus
from requests.filing.draft import request_draft_update
from requests.filing.services import request_resubmit
from requests.handling.services import request_return_for_reformulation, request_take
from requests.models import RequestEvent
from toolkid.errors import IllegalMove
from toolkid.models import ClosureDay

from ..helpers import assert_refused, fresh

S = RequestStatus
pytestmark = pytest.mark.django_db
AMS = ZoneInfo("Europe/Amsterdam")


def at(year: int, month: int, day: int, hour: int = 10):
    return time_machine.travel(datetime.datetime(year, month, day, hour, tzinfo=AMS), tick=False)


SUGGESTION = (
    "Vraag naar het verloop van de behandeling (c) in plaats van naar een oordeel over het ouderschap."
)


def test_r26_due_date_skips_kings_day(filed_request):
    with at(2026, 4, 23):  # Thursday
        request = filed_request("C")
    # Fri 24 (1), [Sat, Sun, Mon 27 King's Day], Tue 28 (2), Wed 29 (3), Thu 30 (4), Fri 1 May (5)
    assert request.due_date == datetime.date(2026, 5, 1)
    assert {"day": "2026-04-27", "reason": "Koningsdag"} in request.due_explanation["skipped"]
    event = RequestEvent.objects.get(request=request, kind="submitted")
    assert event.data["due_date"] == "2026-05-01" and event.data["due_start"] == "2026-04-23"


def test_r7_returned_and_resubmitted_restarts_the_clock(filed_request, clinician_actor):
    with at(2026, 4, 23):
        request = filed_request("C")
    with at(2026, 4, 28):
        request = request_take(actor=clinician_actor, request=request)
        request = request_return_for_reformulation(
            actor=clinician_actor, request=request, suggestion=SUGGESTION
        )
    assert request.status == S.RETURNED
    assert fresh(request).reformulation_suggestion == SUGGESTION
    requester = filed_request.requester_of(request)
    with at(2026, 4, 30):  # Thursday
        request = request_draft_update(
            actor=requester,
            request=request,
            fields={},
            topics=[{"topic": "c", "question": "Hoe verloopt de behandeling?"}],
        )
        request = request_resubmit(actor=requester, request=request)
    assert request.status == S.SUBMITTED
    # Fri 1 May (1), [Sat, Sun], Mon 4 (2), [Tue 5 May Liberation Day], Wed 6 (3), Thu 7 (4), Fri 8 (5)
    assert request.due_date == datetime.date(2026, 5, 8)
    assert request.due_explanation["start"] == "2026-04-30"
    event = RequestEvent.objects.get(request=request, kind="resubmitted")
    assert event.data == {"old_due_date": "2026-05-01", "due_start": "2026-04-30", "due_date": "2026-05-08"}
    assert (event.from_status, event.to_status) == (S.RETURNED, S.SUBMITTED)
    returned = RequestEvent.objects.get(request=request, kind="returned")
    assert returned.motivation == SUGGESTION


def test_r26_resubmitted_before_ascension_and_the_decree_day(filed_request, clinician_actor):
    with at(2026, 5, 6):
        request = filed_request("C")
        request = request_return_for_reformulation(
            actor=clinician_actor, request=request, suggestion=SUGGESTION
        )
    with at(2026, 5, 12):  # Tuesday
        request = request_resubmit(actor=filed_request.requester_of(request), request=request)
    # Wed 13 (1), [Thu 14 Ascension, Fri 15 decree day, Sat, Sun],
    # Mon 18 (2), Tue 19 (3), Wed 20 (4), Thu 21 (5)
    assert request.due_date == datetime.date(2026, 5, 21)


def test_l1_closure_days_of_the_receiving_organisation_count(filed_request, mondriaan):
    ClosureDay.objects.create(organisation=mondriaan, date=datetime.date(2026, 5, 6), reason="Teamdag")
    with at(2026, 4, 30):
        request = filed_request("C")
    # Fri 1 (1), Mon 4 (2), [Tue 5 Liberation Day, Wed 6 closure], Thu 7 (3), Fri 8 (4), Mon 11 (5)
    assert request.due_date == datetime.date(2026, 5, 11)


def test_r7_suggestion_is_required(filed_request, clinician_actor):
    request = filed_request("C")
    assert_refused(
        lambda: request_return_for_reformulation(actor=clinician_actor, request=request, suggestion=" "),
        request,
        "suggestion",
        "Geef aan welke vraag wel beantwoord kan worden (nee… maar wat kan dan wel).",
    )


def test_r7_the_requester_cannot_return_their_own_request(filed_request):
    request = filed_request("C")
    with pytest.raises(PermissionDenied):
        request_return_for_reformulation(
            actor=filed_request.requester_of(request), request=request, suggestion=SUGGESTION
        )


def test_r7_in_progress_only_the_handler_or_teamleider_returns(
    filed_request, clinician_actor, clinician2_actor, teamleider_actor
):
    request = request_take(actor=clinician_actor, request=filed_request("C"))
    with pytest.raises(PermissionDenied):
        request_return_for_reformulation(actor=clinician2_actor, request=request, suggestion=SUGGESTION)
    request = request_return_for_reformulation(actor=teamleider_actor, request=request, suggestion=SUGGESTION)
    assert request.status == S.RETURNED


def test_a_sent_request_is_not_edited_until_returned(filed_request):
    request = filed_request("C")
    with pytest.raises(IllegalMove):
        request_draft_update(
            actor=filed_request.requester_of(request), request=request, fields={"reason": "Anders"}
        )


def test_r7_returned_request_keeps_its_receiver_and_parent(filed_request, clinician_actor, other_provider):
    request = request_return_for_reformulation(
        actor=clinician_actor, request=filed_request("C"), suggestion=SUGGESTION
    )
    assert_refused(
        lambda: request_draft_update(
            actor=filed_request.requester_of(request),
            request=request,
            fields={"receiving_organisation": other_provider},
        ),
        request,
        "receiving_organisation",
        "Dit kan niet meer worden gewijzigd nadat het verzoek is ingediend.",
    )


def test_r7_resubmit_checks_the_request_again(filed_request, clinician_actor):
    request = request_return_for_reformulation(
        actor=clinician_actor, request=filed_request("C"), suggestion=SUGGESTION
    )
    requester = filed_request.requester_of(request)
    request = request_draft_update(actor=requester, request=request, fields={}, topics=[])
    assert_refused(
        lambda: request_resubmit(actor=requester, request=request),
        request,
        "topics",
        "Kies ten minste één onderwerp en stel uw vraag.",
    )
