"""The FHIR plumbing of the kernel (toolkid/fhir.py; docs/adr/0007 §8): what the server says it
does, and FHIR errors for paths it does not serve."""

from __future__ import annotations

import pytest
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome

from tests.conftest import api_client

pytestmark = pytest.mark.django_db


def test_metadata_is_a_public_capability_statement_of_three_read_only_resources():
    response = api_client().get("/fhir/metadata")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; fhirVersion=4.0"
    body = response.json()
    CapabilityStatement.model_validate(body)
    assert body["fhirVersion"] == "4.0.1"
    resources = {r["type"]: [i["code"] for i in r["interaction"]] for r in body["rest"][0]["resource"]}
    assert resources == {"Task": ["read"], "Consent": ["read"], "AuditEvent": ["search-type"]}


def test_another_resource_type_is_a_404_operation_outcome(connected_system, mondriaan, clinician):
    _system, secret = connected_system(mondriaan)
    client = api_client(secret, clinician.username)
    response = client.get("/fhir/Patient/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    body = response.json()
    OperationOutcome.model_validate(body)
    assert body["issue"][0]["code"] == "not-found"


def test_without_a_key_even_an_unknown_path_asks_for_one():
    response = api_client().get("/fhir/Patient")
    assert response.status_code == 401
    assert response.json()["resourceType"] == "OperationOutcome"
