"""``POST /api/v1/verzoeken/{id}/acties/{actie}`` (docs/adr/0007 §2): the page's actions through
the same services; ``If-Match`` is the action page's stale-page guard in HTTP's words."""

from __future__ import annotations

import pytest

from requests.api.actions import ACTION_SERVICES
from requests.core.workflow import RequestStatus
from requests.detail.actions import DECISIONS
from requests.models import RequestEvent

from ..helpers import ALL_CONFIRMED, decide, event_kinds, fresh
from .conftest import act

S = RequestStatus
pytestmark = pytest.mark.django_db


def test_every_action_of_the_page_has_an_api_route():
    assert set(ACTION_SERVICES) == set(DECISIONS)


def test_take_needs_the_etag_and_moves_the_request(filed_request, client_for, mondriaan, clinician):
    req = filed_request("A")
    client = client_for(mondriaan, "zorg")

    missing = act(client, req.public_id, "take", etag=None)
    assert missing.status_code == 428
    assert missing.json()["type"] == "urn:toolkid:probleem:if-match-ontbreekt"
    stale = act(client, req.public_id, "take", etag='W/"concept"')
    assert stale.status_code == 412
    assert stale.json()["type"] == "urn:toolkid:probleem:verouderd"
    assert fresh(req).status == S.SUBMITTED and "taken" not in event_kinds(req)

    taken = act(client, req.public_id, "take", etag='W/"ingediend"')
    assert taken.status_code == 200, taken.json()
    assert taken["ETag"] == 'W/"in_behandeling"'
    assert taken.json()["status"] == "in_behandeling" and "take" not in taken.json()["acties"]
    assert fresh(req).status == S.IN_PROGRESS and fresh(req).assigned_clinician == clinician


def test_the_wrong_moment_is_a_409_with_the_policys_code(filed_request, client_for, wijkteam, requester):
    req = filed_request("A")
    refused = act(client_for(wijkteam, "jeugd"), req.public_id, "acknowledge", etag='W/"ingediend"')
    assert refused.status_code == 409
    assert refused.json()["type"] == "urn:toolkid:probleem:ongeldige-stap"
    assert refused.json()["code"] == "illegal_move"
    assert fresh(req).status == S.SUBMITTED


def test_the_wrong_side_is_a_403(filed_request, client_for, wijkteam, requester):
    req = filed_request("A")
    refused = act(client_for(wijkteam, "jeugd"), req.public_id, "take", etag='W/"ingediend"')
    assert refused.status_code == 403
    assert refused.json()["type"] == "urn:toolkid:probleem:geen-toegang"
    assert fresh(req).status == S.SUBMITTED


def test_another_organisation_gets_404_and_an_unknown_action_too(
    filed_request, client_for, other_provider, outsider_clinician, mondriaan, clinician
):
    req = filed_request("A")
    outsider = client_for(other_provider, "zorg.elders")
    assert act(outsider, req.public_id, "take", etag='W/"ingediend"').status_code == 404
    assert act(client_for(mondriaan, "zorg"), req.public_id, "fly", etag='W/"ingediend"').status_code == 404
    assert fresh(req).status == S.SUBMITTED


def test_the_answer_is_sent_and_missing_content_names_the_api_fields(
    filed_request, people, client_for, mondriaan, clinician
):
    req = decide(filed_request("A"), people["clinician"], provide=True)
    client = client_for(mondriaan, "zorg")
    topic = req.topics.order_by("topic").first().topic
    body = {
        "onderwerpen": {topic: {"eigenWaarnemingen": "Moeder komt haar afspraken na.",
                                "verzwakkendeFeiten": "Sinds mei stabiel."}},
        "versturen": True,
    }
    incomplete = act(client, req.public_id, "answer", body, etag='W/"antwoord_in_voorbereiding"')
    assert incomplete.status_code == 422
    assert incomplete.json()["code"] == "answer_saved_not_sent"
    assert "bevestigingen.feitelijk" in incomplete.json()["fouten"]
    assert fresh(req).status == S.ANSWERING
    # As on the page: the typed answer is kept although it was not sent.
    assert req.topics.get(topic=topic).own_observations == "Moeder komt haar afspraken na."

    body["bevestigingen"] = {"feitelijk": True, "geenOordeelOverOuderschap": True, "criteriaGewogen": True,
                             "vastgelegdInDossier": True}
    for other in req.topics.exclude(topic=topic):
        body["onderwerpen"][other.topic] = {"eigenWaarnemingen": "Gezien in mei.",
                                            "verzwakkendeFeiten": "Geen."}
    sent = act(client, req.public_id, "answer", body, etag='W/"antwoord_in_voorbereiding"')
    assert sent.status_code == 200, sent.json()
    assert sent.json()["status"] == "beantwoord"
    assert RequestEvent.objects.filter(request=req, kind="answer_sent").count() == 1
    assert len(ALL_CONFIRMED) == 4  # the API's four confirmations are the checklist's four


def test_a_requester_cannot_learn_of_a_pending_refusal_from_the_etag(
    filed_request, people, client_for, wijkteam, requester
):
    """R11: the requester's ETag is "in_behandeling" while a refusal waits for a second person;
    an If-Match with the real state is stale for them, and the 409 names their state."""
    req = decide(filed_request("A"), people["clinician"], provide=False)
    client = client_for(wijkteam, "jeugd")
    real = act(client, req.public_id, "withdraw", {"reden": "Niet meer nodig."},
               etag='W/"weigering_ter_bevestiging"')
    assert real.status_code == 412
    withdrawn = act(client, req.public_id, "withdraw", {"reden": "Niet meer nodig."},
                    etag='W/"in_behandeling"')
    assert withdrawn.status_code == 200, withdrawn.json()
    assert withdrawn.json()["status"] == "ingetrokken"


def test_a_requester_calling_decide_on_a_pending_refusal_gets_the_policys_403_not_a_412(
    filed_request, people, client_for, wijkteam, requester
):
    """R11: with the ETag they were given ("in_behandeling") the requester meets the same refusal
    as on a request in progress; a 412 would say the state is something else."""
    req = decide(filed_request("A"), people["clinician"], provide=False)
    refused = act(client_for(wijkteam, "jeugd"), req.public_id, "decide",
                  {"besluit": "verstrekken", "motivering": "x"}, etag='W/"in_behandeling"')
    assert refused.status_code == 403
    assert fresh(req).status == S.REFUSAL_PENDING
