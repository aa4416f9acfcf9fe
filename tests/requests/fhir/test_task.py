"""The request as a FHIR R4 Task (docs/adr/0007 §8): valid R4 in every state a test reaches
cheaply, the status as the actor may see it (R11), only what the page shows, the same 404 and
audit read as the page, and errors as OperationOutcome."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.task import Task

from audit.models import AuditEvent
from requests.core.workflow import RequestStatus
from requests.filing.services import (
    request_acknowledge,
    request_contest_refusal,
    request_withdraw,
)
from requests.handling.answer import request_send_answer
from requests.handling.services import request_confirm_refusal, request_return_for_reformulation
from tests.conftest import api_client
from toolkid.api.models import Scope

from ..helpers import (
    ALL_CONFIRMED,
    actor_for,
    audit_events_for,
    decide,
    fill_answer,
    take,
)

S = RequestStatus
pytestmark = pytest.mark.django_db

FHIR_JSON = "application/fhir+json; fhirVersion=4.0"


@pytest.fixture
def read(connected_system, wijkteam, mondriaan):
    """``read(user, request, organisation)`` → the response of ``GET /fhir/Task/<id>`` through
    a system of that organisation (default: the user's own)."""
    systems = {}

    def get(user, request, organisation=None, **system_fields):
        organisation = organisation or user.memberships.first().organisation
        key = (organisation.pk, repr(sorted(system_fields.items())))
        if key not in systems:
            systems[key] = connected_system(organisation, **system_fields)
        _system, secret = systems[key]
        return api_client(secret, user.username).get(f"/fhir/Task/{request.public_id}")

    return get


def task(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_JSON
    body = response.json()
    Task.model_validate(body)  # valid FHIR R4 (R4B equals R4 for Task)
    return body


def business(body) -> str:
    return body["businessStatus"]["coding"][0]["code"]


def test_a_submitted_request_as_the_requester_sees_it(filed_request, read, requester):
    request = filed_request("A")
    body = task(read(requester, request))
    assert body["id"] == str(request.public_id)
    assert (body["status"], business(body), body["intent"]) == ("requested", "ingediend", "order")
    assert body["businessStatus"]["text"] == "Ingediend"
    assert {"system": "urn:toolkid:fhir:kenmerk", "value": request.reference} in body["identifier"]
    assert body["requester"]["display"] == "Wijkteam Heerlen"
    assert body["owner"] == {"type": "Organization", "display": "Mondriaan"}
    assert body["restriction"]["period"]["end"] == request.due_date.isoformat()
    # The parent: a contained Patient with only what the request holds.
    [patient] = body["contained"]
    assert patient == {
        "resourceType": "Patient", "id": "ouder",
        "identifier": [{"system": "http://fhir.nl/fhir/NamingSystem/bsn", "value": "111222333"}],
        "name": [{"text": "Sanne de Vries"}], "birthDate": "1988-04-02",
    }
    assert body["for"]["reference"] == body["focus"]["reference"] == "#ouder"
    # The questions, as the page shows them.
    assert [(i["type"]["coding"][0]["code"], i["valueString"][:5]) for i in body["input"]] == [
        ("a", "Welke"), ("b", "Welke"),
    ]
    assert "output" not in body


def test_a_draft_is_a_draft_task_without_a_submission_date(filed_request, read, requester):
    body = task(read(requester, filed_request("A", submit=False)))
    assert (body["status"], business(body)) == ("draft", "concept")
    assert "authoredOn" not in body and "restriction" not in body


def test_a_parent_without_a_recorded_bsn_has_no_identifier(filed_request, read, requester):
    request = filed_request("A")
    request.parent.bsn = ""
    request.parent.save()
    patient = task(read(requester, request))["contained"][0]
    assert "identifier" not in patient


def test_the_provider_sees_the_handling_clinician_within_the_organisation(
    filed_request, read, clinician, requester, clinician_actor
):
    request = take(filed_request("A"), clinician_actor)
    provider = task(read(clinician, request))
    assert (provider["status"], business(provider)) == ("in-progress", "in_behandeling")
    assert provider["owner"] == {"reference": "#behandelaar", "type": "PractitionerRole"}
    role = next(r for r in provider["contained"] if r["resourceType"] == "PractitionerRole")
    assert role["organization"]["display"] == "Mondriaan"
    assert role["practitioner"]["display"] == "zorg"
    # The requester side gets the organisation only, as its page shows.
    assert task(read(requester, request))["owner"] == {"type": "Organization", "display": "Mondriaan"}


def test_returned_is_on_hold_with_the_reason(filed_request, read, requester, clinician_actor):
    request = request_return_for_reformulation(
        actor=clinician_actor, request=take(filed_request("A"), clinician_actor),
        suggestion="Vraag naar het verloop van de behandeling sinds maart.",
    )
    body = task(read(requester, request))
    assert (body["status"], business(body)) == ("on-hold", "teruggestuurd")
    assert body["statusReason"]["text"] == "Herformulering gevraagd"  # R7


def test_answering_answered_and_closed_after_an_answer(filed_request, read, requester, clinician_actor):
    request = decide(filed_request("A"), clinician_actor, provide=True)
    body = task(read(requester, request))
    assert (body["status"], business(body)) == ("in-progress", "antwoord_in_voorbereiding")
    request = request_send_answer(
        actor=clinician_actor, request=fill_answer(request, clinician_actor), confirmations=ALL_CONFIRMED
    )
    body = task(read(requester, request))
    assert (body["status"], business(body)) == ("completed", "beantwoord")
    # The requester's page shows no decision to provide, only the answer (access.decision_visible_to).
    assert "output" not in body
    request = request_acknowledge(actor=actor_for(requester), request=request)
    body = task(read(requester, request))
    assert (body["status"], business(body)) == ("completed", "afgesloten")


def test_withdrawn_is_cancelled(filed_request, read, requester):
    request = request_withdraw(actor=actor_for(requester), request=filed_request("A"), reason="Opgelost.")
    body = task(read(requester, request))
    assert (body["status"], business(body)) == ("cancelled", "ingetrokken")


@pytest.fixture
def pending(filed_request, clinician_actor):
    """A refusal waiting for a second person (R11), with the provider's internal consultation."""
    request = filed_request("B")
    request = take(request, clinician_actor)
    return decide(request, clinician_actor, provide=False)


def test_r11_the_requester_never_reads_that_a_refusal_waits(pending, read, requester, clinician):
    response = read(requester, pending)
    body = task(response)
    assert (body["status"], business(body)) == ("in-progress", "in_behandeling")
    assert body["businessStatus"]["text"] == "In behandeling"
    assert "output" not in body
    text = json.dumps(body).lower()
    assert "weiger" not in text and "niet_verstrekken" not in text
    # Provider-internal work (R31, R34) is in no Task, least of all the requester's.
    assert "behandelgesprek" not in text and "geneesheer" not in text
    # The provider sees the truth and the decision.
    provider = task(read(clinician, pending))
    assert (provider["status"], business(provider)) == ("in-progress", "weigering_ter_bevestiging")
    assert provider["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "niet_verstrekken"
    assert "behandelgesprek" not in json.dumps(provider)


def test_a_confirmed_refusal_is_rejected_and_contested_is_in_progress_again(
    pending, read, requester, teamleider, clinician
):
    refused = request_confirm_refusal(actor=actor_for(teamleider), request=pending)
    body = task(read(requester, refused))
    assert (body["status"], business(body)) == ("rejected", "geweigerd")
    assert body["output"][0]["valueCodeableConcept"]["coding"][0]["code"] == "niet_verstrekken"
    request_contest_refusal(actor=actor_for(requester), request=refused, reason="Wij zien acuut gevaar.")
    body = task(read(requester, refused))
    assert (body["status"], business(body)) == ("in-progress", "bezwaar")


def test_closed_after_a_refusal_is_rejected(pending, read, requester, teamleider):
    refused = request_confirm_refusal(actor=actor_for(teamleider), request=pending)
    closed = request_acknowledge(actor=actor_for(requester), request=refused)
    body = task(read(requester, closed))
    assert (body["status"], business(body)) == ("rejected", "afgesloten")


def test_each_read_is_the_pages_audit_read_with_purpose_fhir_and_the_system(
    filed_request, read, clinician, connected_system, mondriaan
):
    request = filed_request("A")
    system, secret = connected_system(mondriaan, slug="epd-mondriaan")
    response = api_client(secret, clinician.username).get(f"/fhir/Task/{request.public_id}")
    task(response)
    [event] = audit_events_for(request, event="request.read")
    assert (event.outcome, event.username, event.action) == ("allowed", "zorg", "read")
    assert event.payload == {"purpose": "fhir", "via": "api:epd-mondriaan"}
    assert event.parent_ref == request.parent.audit_ref


def test_another_organisations_task_is_a_logged_404_operation_outcome(
    filed_request, read, outsider_clinician
):
    request = filed_request("A")
    response = read(outsider_clinician, request)
    assert response.status_code == 404
    assert response["Content-Type"] == FHIR_JSON
    body = response.json()
    OperationOutcome.model_validate(body)
    assert body["issue"][0]["code"] == "not-found"
    assert body["issue"][0]["details"]["text"] == "Dit bestaat niet of u hebt er geen toegang toe."
    [event] = audit_events_for(request, event="request.read")
    assert (event.outcome, event.username) == ("denied", "zorg.elders")
    assert event.payload["purpose"] == "fhir"
    # The same answer as for an id that names nothing.
    nothing = SimpleNamespace(public_id="00000000-0000-4000-8000-000000000000")
    missing = read(outsider_clinician, nothing)
    assert missing.status_code == 404 and missing.json() == body


def test_an_integer_pk_is_not_an_id(filed_request, connected_system, mondriaan, clinician):
    request = filed_request("A")
    _system, secret = connected_system(mondriaan)
    response = api_client(secret, clinician.username).get(f"/fhir/Task/{request.pk}")
    assert response.status_code == 404
    assert response.json()["resourceType"] == "OperationOutcome"


def test_without_the_fhir_scope_a_403_operation_outcome(filed_request, read, clinician):
    request = filed_request("A")
    response = read(clinician, request, scopes=[Scope.REQUESTS_READ])
    assert response.status_code == 403
    body = response.json()
    OperationOutcome.model_validate(body)
    assert body["issue"][0]["code"] == "forbidden"
    assert "fhir:lezen" in body["issue"][0]["details"]["text"]
    assert not audit_events_for(request, event="request.read").exists()
    assert AuditEvent.objects.filter(event="api.refused", payload__reason="scope").exists()


def test_without_a_key_a_401_operation_outcome_asking_for_a_bearer_key(filed_request):
    response = api_client().get(f"/fhir/Task/{filed_request('A').public_id}")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    OperationOutcome.model_validate(body)
    assert body["issue"][0]["code"] == "login"


def test_a_fhir_client_asking_for_json_gets_fhir_json(filed_request, connected_system, mondriaan, clinician):
    request = filed_request("A")
    _system, secret = connected_system(mondriaan)
    client = api_client(secret, clinician.username)
    for accept in ("application/fhir+json", "application/json", "*/*"):
        response = client.get(f"/fhir/Task/{request.public_id}", HTTP_ACCEPT=accept)
        assert response["Content-Type"] == FHIR_JSON


def test_the_fhir_view_is_read_only(filed_request, connected_system, mondriaan, clinician):
    request = filed_request("A")
    _system, secret = connected_system(mondriaan)
    client = api_client(secret, clinician.username)
    response = client.put(f"/fhir/Task/{request.public_id}", {}, format="json")
    assert response.status_code == 405
    assert response.json()["issue"][0]["code"] == "not-supported"
