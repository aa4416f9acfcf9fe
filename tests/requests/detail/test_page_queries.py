"""The request's page reads in a bounded number of queries, the same for a short and a long
history (issue 11, item 2): no query per timeline event, per duty or per legal advice."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

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

#: The most queries the request's page may take, audit writes and session included.
BOUND = 20


def _advice_round(request: InformationRequest, clinician, legal) -> None:
    advice = request_ask_legal_advice(actor=clinician, request=fresh(request), question="Mag dit?")
    legal_advice_give(actor=legal, advice=advice, text="Ja, binnen de kaders van het protocol.")


def _history(request, *, clinician, legal, requester, rounds: int) -> InformationRequest:
    """Returned and resubmitted, ``rounds`` legal advice rounds, answered, the duties done; on
    path C closed and the hold released jointly."""
    request = take(request, clinician)
    request = request_return_for_reformulation(actor=clinician, request=request, suggestion="Vraag naar het verloop.")
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
        release = hold_release_propose(actor=requester, request=fresh(request), reason="Het gevaar is geweken.")
        hold_release_agree(actor=clinician, release=release)
    return fresh(request)


def _count(user, request) -> tuple[int, str]:
    client = verify_client(__import__("django.test", fromlist=["Client"]).Client(), user)
    client.get(detail_url(request))  # warm the session and the caches a second view also has
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(detail_url(request))
    assert response.status_code == 200
    return len(ctx.captured_queries), response.content.decode()


@pytest.mark.parametrize("path", ["A", "B", "C"])
def test_measure(path, filed_request, requester, clinician, teamleider, legal_advisor,
                 clinician_actor, legal_actor, requester_actor, capsys):
    early = take(filed_request(path), clinician_actor)
    short = _history(filed_request(path), clinician=clinician_actor, legal=legal_actor,
                     requester=filed_request.requester_of(early), rounds=1)
    long = _history(filed_request(path), clinician=clinician_actor, legal=legal_actor,
                    requester=filed_request.requester_of(early), rounds=16)
    out = []
    for name, user in (("requester", requester), ("clinician", clinician), ("teamleider", teamleider),
                       ("legal", legal_advisor)):
        row = [name]
        for req in (early, short, long):
            row.append(_count(user, req)[0] if name != "legal" or req is not early else None)
        out.append(row)
    events = [RequestEvent.objects.filter(request=r).count() for r in (early, short, long)]
    with capsys.disabled():
        print(f"\npath {path} events {events}")
        for row in out:
            print("   ", row)
