"""The audit lines about one object as FHIR R4 AuditEvent resources (docs/adr/0007 §8):
``/fhir/AuditEvent?entity=Task/<id>`` shows what the Audit page would show this person (a
beheerder: their own organisation's lines), each line valid R4 with purposeOfUse, the person,
the access point and onBehalfOf; the search itself is logged like the page's search."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.auditevent import AuditEvent as FhirAuditEvent
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.operationoutcome import OperationOutcome

from audit.events import record
from audit.models import AuditAction, AuditEvent
from requests.core.audit_codes import RequestAuditCode
from tests.conftest import api_client
from tests.requests.helpers import actor_for
from toolkid.api.models import Scope
from toolkid.models import Role

pytestmark = pytest.mark.django_db

FHIR_JSON = "application/fhir+json; fhirVersion=4.0"


@pytest.fixture
def beheerder(make_user, mondriaan):
    return make_user((mondriaan, Role.BEHEERDER), username="beheer")


@pytest.fixture
def request_read_by_fhir(filed_request, connected_system, mondriaan, clinician):
    """A request the clinician read through Mondriaan's EPD (a FHIR read: ``via`` the system)."""
    request = filed_request("A")
    _system, secret = connected_system(mondriaan, slug="epd-mondriaan")
    assert api_client(secret, clinician.username).get(f"/fhir/Task/{request.public_id}").status_code == 200
    return request


@pytest.fixture
def search(connected_system, mondriaan):
    def get(user, entity, organisation=None, **params):
        _system, secret = connected_system(organisation or mondriaan, **params.pop("system", {}))
        return api_client(secret, user.username).get("/fhir/AuditEvent", {"entity": entity, **params})

    return get


def bundle(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_JSON
    body = response.json()
    Bundle.model_validate(body)
    for entry in body.get("entry", []):
        FhirAuditEvent.model_validate(entry["resource"])  # each line valid FHIR R4
    assert body["type"] == "searchset"
    return body


def lines_about(request):
    return AuditEvent.objects.filter(object_type="requests.informationrequest", object_id=str(request.pk))


def test_the_beheerder_gets_their_organisations_lines_about_the_task(
    request_read_by_fhir, search, beheerder, mondriaan
):
    request = request_read_by_fhir
    body = bundle(search(beheerder, f"Task/{request.public_id}"))
    expected = lines_about(request).filter(organisation=mondriaan).order_by("-seq")
    assert expected.count() >= 1
    # Only Mondriaan's lines: the wijkteam's filing is the wijkteam beheerder's to see.
    assert lines_about(request).exclude(organisation=mondriaan).exists()
    assert [e["resource"]["id"] for e in body["entry"]] == [e.hash for e in expected]
    assert body["total"] == expected.count()
    read = next(e["resource"] for e in body["entry"] if e["resource"]["subtype"][0]["code"] == "request.read")
    assert read["action"] == "R" and read["outcome"] == "0"
    assert read["type"]["code"] == "110110"
    assert read["subtype"][0]["display"]  # the Dutch label of the code
    person, system = read["agent"]
    assert person["who"]["display"] == "zorg (Mondriaan)"
    assert person["requestor"] is True
    assert person["role"][0]["coding"][0]["code"] == "zorgverlener"
    assert person["network"]["address"]
    purposes = person["purposeOfUse"][0]["coding"]
    assert purposes[0] == {
        "system": "http://terminology.hl7.org/CodeSystem/v3-ActReason", "code": "COC",
        "display": "coordination of care",
    }
    assert purposes[1]["code"] == "behandelen"
    assert system["who"]["display"] == "api:epd-mondriaan" and system["requestor"] is False
    assert read["entity"][0]["what"]["reference"] == f"Task/{request.public_id}"
    assert read["entity"][1]["what"]["identifier"]["value"] == request.parent.audit_ref
    assert "Sanne" not in str(body)  # the log names no parent


def test_a_line_on_behalf_of_someone_carries_the_r5_extension(
    request_read_by_fhir, search, beheerder, clinician
):
    request = request_read_by_fhir
    record(actor=actor_for(clinician), event=RequestAuditCode.READ, action=AuditAction.READ, obj=request,
           parent_ref=request.parent.audit_ref, payload={"purpose": "detail"}, on_behalf_of="zorg2")
    newest = bundle(search(beheerder, f"Task/{request.public_id}"))["entry"][0]["resource"]
    assert newest["agent"][0]["extension"] == [{
        "url": "http://hl7.org/fhir/5.0/StructureDefinition/extension-AuditEvent.agent.onBehalfOf",
        "valueReference": {"display": "zorg2"},
    }]


def test_the_search_is_logged_like_the_audit_pages_search(request_read_by_fhir, search, beheerder):
    request = request_read_by_fhir
    entity = f"Task/{request.public_id}"
    body = bundle(search(beheerder, entity, system={"slug": "beheer-mondriaan"}))
    [logged] = AuditEvent.objects.filter(event="audit.searched", username="beheer")
    assert logged.action == "search" and logged.outcome == "allowed"
    assert logged.payload["entity"] == entity
    assert logged.payload["rows"] == len(body["entry"])
    assert logged.payload["purpose"] == "fhir" and logged.payload["via"] == "api:beheer-mondriaan"
    assert logged.parent_ref == request.parent.audit_ref


def test_pages_follow_the_next_link(
    request_read_by_fhir, search, beheerder, mondriaan, connected_system, clinician
):
    request = request_read_by_fhir
    _system, secret = connected_system(mondriaan)
    for _again in range(2):  # three lines in Mondriaan's part of the log
        response = api_client(secret, clinician.username).get(f"/fhir/Task/{request.public_id}")
        assert response.status_code == 200
    client = api_client(secret, beheerder.username)
    first = bundle(client.get("/fhir/AuditEvent", {"entity": f"Task/{request.public_id}", "_count": 1}))
    assert len(first["entry"]) == 1 and "total" not in first
    [next_link] = [link["url"] for link in first["link"] if link["relation"] == "next"]
    second = bundle(client.get(next_link))
    assert second["entry"][0]["resource"]["id"] != first["entry"][0]["resource"]["id"]
    all_ids = [e.hash for e in lines_about(request).filter(organisation=mondriaan).order_by("-seq")]
    assert [first["entry"][0]["resource"]["id"], second["entry"][0]["resource"]["id"]] == all_ids[:2]
    forged = client.get("/fhir/AuditEvent", {"entity": f"Task/{request.public_id}", "_cursor": "12"})
    assert forged.status_code == 400 and forged.json()["issue"][0]["code"] == "invalid"
    OperationOutcome.model_validate(forged.json())
    assert forged.json()["issue"][1] == {
        "severity": "error", "code": "invalid", "details": {"text": "De cursor klopt niet (meer)."},
        "diagnostics": "_cursor",
    }


def test_someone_who_may_not_read_the_log_gets_a_logged_404(request_read_by_fhir, search, clinician):
    response = search(clinician, f"Task/{request_read_by_fhir.public_id}")
    assert response.status_code == 404
    OperationOutcome.model_validate(response.json())
    assert AuditEvent.objects.filter(event="audit.searched", username="zorg", outcome="denied").exists()


def test_an_id_that_names_nothing_finds_nothing(search, beheerder):
    body = bundle(search(beheerder, "Task/00000000-0000-4000-8000-000000000000"))
    assert body["total"] == 0 and "entry" not in body
    assert bundle(search(beheerder, "Task/12"))["total"] == 0  # an integer pk is not an id


def test_an_unknown_kind_of_entity_is_a_400(search, beheerder):
    response = search(beheerder, "Patient/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 400
    body = response.json()
    OperationOutcome.model_validate(body)
    assert body["issue"][0]["code"] == "invalid"


def test_the_audit_scope_is_needed_besides_the_fhir_scope(request_read_by_fhir, search, beheerder):
    entity = f"Task/{request_read_by_fhir.public_id}"
    response = search(beheerder, entity, system={"scopes": [Scope.FHIR_READ]})
    assert response.status_code == 403
    assert "audit:lezen" in response.json()["issue"][0]["details"]["text"]


def test_a_consents_lines_are_found_too(
    filed_request, search, beheerder, connected_system, clinician, mondriaan
):
    declaration = filed_request("A").consent_declaration
    _system, secret = connected_system(mondriaan)
    response = api_client(secret, clinician.username).get(f"/fhir/Consent/{declaration.public_id}")
    assert response.status_code == 200
    body = bundle(search(beheerder, f"Consent/{declaration.public_id}"))
    [line] = [e["resource"] for e in body["entry"]]
    assert line["subtype"][0]["code"] == "consent.read"
    assert line["entity"][0]["what"]["reference"] == f"Consent/{declaration.public_id}"
