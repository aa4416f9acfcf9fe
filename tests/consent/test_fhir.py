"""A consent declaration as a FHIR R4 Consent (docs/adr/0007 §8): valid R4 for a parent's own
consent, a representative's, an expired and a revoked one; the detail page's permission and
audit read; the document only as a link to the permission-checked download."""

from __future__ import annotations

import datetime

import pytest
from fhir.resources.R4B.consent import Consent
from fhir.resources.R4B.operationoutcome import OperationOutcome

from audit.models import AuditEvent
from consent.models import ConsentDeclaration, ConsentGiver
from consent.services import consent_revoke
from requests.core.workflow import RequestStatus
from tests.conftest import api_client
from toolkid.api.models import Scope

pytestmark = pytest.mark.django_db

FHIR_JSON = "application/fhir+json; fhirVersion=4.0"


@pytest.fixture
def read(connected_system):
    def get(user, declaration, organisation, **system_fields):
        _system, secret = connected_system(organisation, **system_fields)
        return api_client(secret, user.username).get(f"/fhir/Consent/{declaration.public_id}")

    return get


def consent(response) -> dict:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == FHIR_JSON
    body = response.json()
    Consent.model_validate(body)  # valid FHIR R4 (R4B equals R4 for Consent)
    return body


def test_a_parents_own_consent_as_the_holding_organisation_reads_it(
    read, declaration, requester, wijkteam, today
):
    body = consent(read(requester, declaration, wijkteam))
    assert body["id"] == str(declaration.public_id)
    assert body["status"] == "active"
    assert body["scope"]["coding"][0]["code"] == "patient-privacy"
    assert body["category"][0]["coding"][0] == {
        "system": "http://loinc.org", "code": "59284-0", "display": "Patient Consent"
    }
    assert body["policyRule"]["coding"][0]["code"] == "OPTIN"
    assert body["patient"]["reference"] == "#ouder"
    [patient] = body["contained"]
    assert patient["name"] == [{"text": "Sanne de Vries"}] and patient["birthDate"] == "1988-04-02"
    assert "identifier" not in patient  # no BSN recorded for this parent
    assert body["performer"] == [{"reference": "#ouder", "type": "Patient"}]
    assert body["organization"] == [{"type": "Organization", "display": "Wijkteam Heerlen"}]
    assert body["dateTime"] == declaration.given_on.isoformat()
    provision = body["provision"]
    assert provision["type"] == "permit"
    assert provision["period"] == {
        "start": declaration.given_on.isoformat(), "end": declaration.valid_until.isoformat()
    }
    [recipient] = provision["actor"]
    assert recipient["role"]["coding"][0]["code"] == "IRCP"
    assert recipient["reference"]["display"] == "Mondriaan"
    assert [p["code"][0]["coding"][0]["code"] for p in provision["provision"]] == ["a", "c"]
    assert all(p["type"] == "permit" for p in provision["provision"])
    # The purpose is free text: it stays out.
    assert "veiligheid" not in str(body)


def test_the_document_is_a_link_to_the_permission_checked_download(read, declaration, requester, wijkteam):
    attachment = consent(read(requester, declaration, wijkteam))["sourceAttachment"]
    assert attachment["url"] == f"http://testserver/api/v1/toestemmingen/{declaration.public_id}/document"
    assert attachment["contentType"] == "application/pdf"
    assert "data" not in attachment
    # The file's original name ("Sanne de Vries toestemming.pdf") is not ours to pass on.
    assert attachment["title"] == declaration.download_filename


def test_a_representatives_consent_names_them_as_a_related_person(
    make_declaration, read, requester, wijkteam
):
    declaration = make_declaration(given_by=ConsentGiver.CURATOR_MENTOR, representative_name="M. Jansen")
    body = consent(read(requester, declaration, wijkteam))
    assert body["performer"] == [{"reference": "#vertegenwoordiger", "type": "RelatedPerson"}]
    person = next(r for r in body["contained"] if r["resourceType"] == "RelatedPerson")
    assert person["name"] == [{"text": "M. Jansen"}]
    assert person["relationship"][0]["coding"][0]["code"] == "curator_mentor"


def test_an_expired_consent_is_inactive(declaration, read, requester, wijkteam, today):
    ConsentDeclaration.objects.filter(pk=declaration.pk).update(
        given_on=today - datetime.timedelta(days=30), valid_until=today - datetime.timedelta(days=1)
    )
    assert consent(read(requester, declaration, wijkteam))["status"] == "inactive"


def test_a_revoked_consent_is_inactive_and_its_permission_ends_on_the_day(
    declaration, read, requester, wijkteam, requester_actor, today
):
    consent_revoke(actor=requester_actor, declaration=declaration, revoked_on=today)
    body = consent(read(requester, declaration, wijkteam))
    assert body["status"] == "inactive"
    assert body["provision"]["period"]["end"] == today.isoformat()


def test_the_recipient_reads_it_once_a_request_carried_it(
    declaration, make_request, read, clinician, mondriaan
):
    assert read(clinician, declaration, mondriaan).status_code == 404  # R29: nothing sent yet
    make_request(declaration, RequestStatus.SUBMITTED)
    assert consent(read(clinician, declaration, mondriaan))["status"] == "active"


def test_each_read_is_the_pages_audit_read_with_purpose_fhir_and_the_system(
    declaration, connected_system, requester, wijkteam
):
    _system, secret = connected_system(wijkteam, slug="zaaksysteem-wijkteam")
    consent(api_client(secret, requester.username).get(f"/fhir/Consent/{declaration.public_id}"))
    [event] = AuditEvent.objects.filter(event="consent.read", object_id=str(declaration.pk))
    assert (event.outcome, event.username) == ("allowed", requester.username)
    assert event.payload["purpose"] == "fhir" and event.payload["via"] == "api:zaaksysteem-wijkteam"
    assert event.parent_ref == declaration.parent.audit_ref


def test_another_organisation_gets_a_logged_404_operation_outcome(
    declaration, read, outsider, other_wijkteam
):
    response = read(outsider, declaration, other_wijkteam)
    assert response.status_code == 404
    body = response.json()
    OperationOutcome.model_validate(body)
    assert body["issue"][0]["code"] == "not-found"
    [event] = AuditEvent.objects.filter(event="consent.read", object_id=str(declaration.pk))
    assert (event.outcome, event.payload["purpose"]) == ("denied", "fhir")


def test_without_the_fhir_scope_a_403(declaration, read, requester, wijkteam):
    response = read(requester, declaration, wijkteam, scopes=[Scope.CONSENT_READ])
    assert response.status_code == 403
    assert response.json()["issue"][0]["code"] == "forbidden"
    assert not AuditEvent.objects.filter(event="consent.read").exists()
