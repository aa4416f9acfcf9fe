"""The request's page reads in a bounded number of queries, the same for a short and a long
history (issue 11, item 2): no query per timeline event, per duty or per legal advice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from requests.detail.page import TIMELINE_LATEST
from requests.filing.services import request_acknowledge, request_resubmit
from requests.followup.hold import hold_release_agree, hold_release_propose
from requests.followup.services import duty_complete, feedback_give
from requests.handling.answer import request_send_answer
from requests.handling.services import (
    legal_advice_give,
    request_ask_legal_advice,
    request_return_for_reformulation,
)
from requests.models import ConsentPath, Duty, DutyKind, InformationRequest, RequestEvent
from tests.conftest import verify_client
from tests.requests.helpers import ALL_CONFIRMED, decide, fill_answer, fresh, take
from tests.requests.pages import detail_url

pytestmark = pytest.mark.django_db

#: The most statements the request's page may send, the middleware (session, user, second factor,
#: memberships), the audit write of the read and the session's save included.
BOUND = 20


def _advice_round(request: InformationRequest, clinician, legal) -> None:
    advice = request_ask_legal_advice(actor=clinician, request=fresh(request), question="Mag dit?")
    legal_advice_give(actor=legal, advice=advice, text="Ja, binnen de kaders van het protocol.")


def _history(request, *, clinician, legal, requester, rounds: int) -> InformationRequest:
    """Returned and resubmitted, ``rounds`` legal advice rounds, answered, the duties done; on
    path C closed and the hold released jointly."""
    request = take(request, clinician)
    request = request_return_for_reformulation(
        actor=clinician, request=request, suggestion="Vraag naar het verloop."
    )
    request = request_resubmit(actor=requester, request=fresh(request))
    request = take(fresh(request), clinician)
    for _ in range(rounds):
        _advice_round(request, clinician, legal)
    request = decide(fresh(request), clinician, provide=True)
    request = fill_answer(request, clinician)
    request = request_send_answer(actor=clinician, request=request, confirmations=ALL_CONFIRMED)
    if request.consent_path == ConsentPath.C:
        for actor, kind in ((clinician, DutyKind.PROVIDER_RECORD), (requester, DutyKind.REQUESTER_RECORD)):
            duty_complete(actor=actor, duty=Duty.objects.get(request=request, kind=kind),
                          done_on=timezone.localdate(), not_discussed_confirmed=True)
        feedback_give(actor=requester, request=request, what_was_done="Veiligheidsplan.",
                      what_follows="Zorgoverleg.")
        request = request_acknowledge(actor=requester, request=fresh(request))
        release = hold_release_propose(
            actor=requester, request=fresh(request), reason="Het gevaar is geweken."
        )
        hold_release_agree(actor=clinician, release=release)
    return fresh(request)


def _queries(user, request) -> tuple[list[str], str]:
    """The SQL of one view of the request's page (the second: the session is warm), and its HTML."""
    client = verify_client(Client(), user)
    client.get(detail_url(request))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(detail_url(request))
    assert response.status_code == 200
    return [q["sql"] for q in ctx.captured_queries], response.content.decode()


def _statements(sql: list[str]) -> int:
    """What the database executes outside the test's own transaction: the savepoints exist only
    because each test runs inside one (in production the page is not in a transaction)."""
    return sum(1 for q in sql if not q.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")))


@pytest.fixture
def histories(filed_request, clinician_actor, legal_actor):
    """``histories(path)``: the same request at the end of a short (one advice round) and a long
    history (sixteen rounds, 40+ events), plus one early (just taken)."""

    def make(path: str) -> dict[str, InformationRequest]:
        early = take(filed_request(path), clinician_actor)
        requester = filed_request.requester_of(early)
        short = _history(filed_request(path), clinician=clinician_actor, legal=legal_actor,
                         requester=requester, rounds=1)
        long = _history(filed_request(path), clinician=clinician_actor, legal=legal_actor,
                        requester=requester, rounds=16)
        assert RequestEvent.objects.filter(request=long).count() >= 40
        return {"early": early, "short": short, "long": long}

    return make


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_the_page_takes_as_many_queries_for_a_long_history_as_for_a_short_one(
    path, histories, requester, clinician, teamleider, legal_advisor
):
    """No query per timeline event, per legal advice or per duty: 3 or 40 events, one advice or
    sixteen, the same count for every role; and within the bound."""
    requests_ = histories(path)
    for user in (requester, clinician, teamleider, legal_advisor):
        short, _ = _queries(user, requests_["short"])
        long, html = _queries(user, requests_["long"])
        assert len(long) == len(short), (user.username, len(short), len(long))
        assert _statements(long) <= BOUND, (user.username, _statements(long))
        if user != legal_advisor:  # no referral yet: the legal advisor does not see it
            early, _ = _queries(user, requests_["early"])
            assert _statements(early) <= BOUND, (user.username, _statements(early))


def test_the_page_shows_the_latest_entries_and_links_to_the_earlier(
    histories, clinician, requester
):
    long = histories("A")["long"]
    _, html = _queries(clinician, long)
    timeline = html[html.index('<h2 class="utrecht-heading-2">Verloop</h2>'):]
    assert timeline.count("<li>") >= TIMELINE_LATEST  # the latest, then the versions and letters
    assert "Eerdere gebeurtenissen tonen" in timeline
    assert reverse("requests:timeline", kwargs={"public_id": long.public_id}) in timeline
    assert "Gelezen en afgesloten" not in timeline  # path A answered, not closed
    assert "Antwoord verstuurd" in timeline  # the latest step is on the page
    assert "Concept aangemaakt" not in timeline.split("Eerdere versies")[0]  # the oldest is not


def test_a_short_history_has_no_link_to_earlier_events(filed_request, clinician):
    req = filed_request("A")
    _, html = _queries(clinician, req)
    assert "Eerdere gebeurtenissen tonen" not in html
    assert "Verzoek ingediend" in html


def test_the_page_reads_the_clock_once_and_the_declarations_parent_with_the_row(
    filed_request, clinician_actor
):
    # The clock panel and the policy's "is there an extension to contest?" share one read of the
    # clock (access.reading); the consent declaration's parent is the request's, read with the row.
    early = take(filed_request("A"), clinician_actor)
    assert early.consent_declaration_id is not None
    sql, html = _queries(filed_request.requester_of(early).user, early)
    assert sum('FROM "requests_duedatechange"' in q for q in sql) == 1, sql
    assert not [q for q in sql if q.startswith('SELECT "requests_parent"')], sql
    assert early.parent.name in html or early.parent.initials_and_year in html
