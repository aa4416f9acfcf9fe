"""Request steps and deadline notices → webhook rows (requests/api/events.py, the deadline
sweep; ADR 0007 §9). What the organisations' systems would receive: the right event, to the
right organisation, with ids and a link only, and never a refusal that still waits for the
second person (R11)."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter

import pytest

from requests.core.webhooks import WebhookType as W
from requests.core.workflow import RequestStatus
from requests.filing.services import request_contest_refusal, request_resubmit
from requests.handling.answer import request_send_answer
from requests.handling.services import (
    legal_advice_give,
    request_confirm_refusal,
    request_reconsider,
    request_return_for_reformulation,
    request_uphold_refusal,
)
from requests.models import RequestEvent
from tests.requests.deadlines.support import sweep_at
from tests.requests.helpers import ALL_CONFIRMED, QUESTIONS, decide, fill_answer, fresh, parent_data
from toolkid.actors import Actor
from toolkid.models import DecreeDay, WebhookDelivery
from toolkid.webhooks.services import endpoint_register
from toolkid.workdays import DEFAULT_DECREE_DAYS

SYSTEM = Actor.system("tests")


@pytest.fixture
def hooks(wijkteam, mondriaan) -> dict[str, int]:
    """Both organisations listen to every request event type."""
    every = [t.value for t in W]
    return {
        name: endpoint_register(actor=SYSTEM, organisation=org, url=f"https://{name}.example/hook",
                                event_types=every)[0].pk
        for name, org in (("wijkteam", wijkteam), ("mondriaan", mondriaan))
    }


def received(hooks: dict[str, int]) -> Counter:
    """(organisation, event type) → rows."""
    names = {pk: name for name, pk in hooks.items()}
    return Counter((names[r.endpoint_id], r.event_type) for r in WebhookDelivery.objects.all())


def test_a_submitted_request_is_announced_to_the_receiving_organisation(hooks, filed_request, settings):
    settings.SITE_URL = "https://toolkid.example"
    req = filed_request("A")
    assert received(hooks) == Counter({("mondriaan", W.RECEIVED): 1})
    row = WebhookDelivery.objects.get()
    step = RequestEvent.objects.get(request=req, kind="submitted")
    assert row.source_key == f"request_event:{step.pk}"
    event = json.loads(row.body)
    assert event["subject"] == str(req.public_id)
    assert event["data"] == {"verzoek": str(req.public_id),
                             "link": f"https://toolkid.example/api/v1/verzoeken/{req.public_id}"}


def test_the_body_holds_no_personal_data(hooks, filed_request, clinician_actor):
    req = filed_request("B", fields={"has_ots": False})
    req = decide(req, clinician_actor, provide=True)
    req = fill_answer(req, clinician_actor)
    request_send_answer(actor=clinician_actor, request=req, confirmations=ALL_CONFIRMED)
    bodies = [row.body for row in WebhookDelivery.objects.all()]
    assert len(bodies) == 2  # ontvangen, beantwoord
    parent = parent_data()
    forbidden = [parent["name"], "de Vries", parent["bsn"], parent["date_of_birth"].isoformat(),
                 "1988", req.reference, *QUESTIONS.values(), "depressie", "moeder",
                 req.requester.username, req.requesting_organisation.name,
                 req.receiving_organisation.name]
    for body in bodies:
        for text in forbidden:
            assert text and text not in body, text
        event = json.loads(body)
        assert set(event["data"]) == {"verzoek", "link"}
        assert uuid.UUID(event["data"]["verzoek"]) == req.public_id


def test_no_refusal_event_while_the_second_person_has_not_confirmed(
    hooks, filed_request, clinician_actor, teamleider_actor
):
    """R11: the requester's system hears of the "no" only when it is confirmed."""
    req = decide(filed_request("A"), clinician_actor, provide=False)
    assert req.status == RequestStatus.REFUSAL_PENDING
    assert received(hooks) == Counter({("mondriaan", W.RECEIVED): 1})

    request_confirm_refusal(actor=teamleider_actor, request=fresh(req))
    assert received(hooks) == Counter({("mondriaan", W.RECEIVED): 1, ("wijkteam", W.REFUSED): 1})


def test_an_upheld_refusal_is_announced_again_only_after_its_confirmation(
    hooks, filed_request, clinician_actor, teamleider_actor, requester_actor, legal_actor
):
    """R8, R11: after an objection the upheld "no" waits for a second person again; only the
    confirmation is an event."""
    req = decide(filed_request("A"), clinician_actor, provide=False)
    req = request_confirm_refusal(actor=teamleider_actor, request=req)
    advice = request_contest_refusal(actor=requester_actor, request=req, reason="De kinderen lopen gevaar.")
    legal_advice_give(actor=legal_actor, advice=advice, text="De weigering is goed gemotiveerd.")
    req = request_uphold_refusal(actor=clinician_actor, request=fresh(req), motivation="Advies gevolgd.")
    assert req.status == RequestStatus.REFUSAL_PENDING
    assert received(hooks)[("wijkteam", W.REFUSED)] == 1  # still only the first confirmation

    request_confirm_refusal(actor=teamleider_actor, request=fresh(req))
    assert received(hooks)[("wijkteam", W.REFUSED)] == 2


def test_a_reconsidered_refusal_is_no_event(hooks, filed_request, clinician_actor, teamleider_actor,
                                            requester_actor, legal_actor):
    req = decide(filed_request("A"), clinician_actor, provide=False)
    req = request_confirm_refusal(actor=teamleider_actor, request=req)
    advice = request_contest_refusal(actor=requester_actor, request=req, reason="De kinderen lopen gevaar.")
    legal_advice_give(actor=legal_actor, advice=advice, text="Heroverweeg.")
    before = received(hooks)
    request_reconsider(actor=clinician_actor, request=fresh(req), motivation="Toch verstrekken.")
    assert received(hooks) == before


def test_returned_and_resubmitted(hooks, filed_request, clinician_actor):
    req = filed_request("A")
    req = request_return_for_reformulation(
        actor=clinician_actor, request=req, suggestion="Vraag alleen naar de behandeling."
    )
    requester = filed_request.requester_of(req)
    request_resubmit(actor=requester, request=fresh(req))
    assert received(hooks) == Counter({("mondriaan", W.RECEIVED): 2, ("wijkteam", W.RETURNED): 1})


@pytest.fixture
def decree_days(db) -> None:
    for day, description in DEFAULT_DECREE_DAYS.items():
        DecreeDay.objects.get_or_create(date=day, defaults={"description": description})


def test_deadline_notices_reach_the_receiving_organisation_once(hooks, filed_request, decree_days):
    from tests.requests.deadlines.support import at

    with at(2026, 5, 11):
        filed_request("A")
    WebhookDelivery.objects.all().delete()  # the submission's own event
    day = dt.date(2026, 5, 11)
    while day <= dt.date(2026, 6, 5):
        sweep_at(day)
        sweep_at(day)  # a second sweep the same day sends nothing twice
        day += dt.timedelta(days=1)
    # The reminder and the due day; then overdue. The second escalation is internal.
    assert received(hooks) == Counter(
        {("mondriaan", W.DEADLINE_NEAR): 2, ("mondriaan", W.DEADLINE_PASSED): 1}
    )
    assert all(r.source_key.startswith("deadline_notice:") for r in WebhookDelivery.objects.all())
