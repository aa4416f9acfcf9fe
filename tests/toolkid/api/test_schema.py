"""The OpenAPI 3.1 description and its documentation pages (docs/adr/0007 §1b): valid, public,
served from our own static files, no CDN or web fonts."""

from __future__ import annotations

import json

import pytest
import yaml
from openapi_spec_validator import validate
from openapi_spec_validator.versions import consts as versions  # noqa: F401

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_3_1_as_json_and_as_yaml(client):
    as_json = client.get("/api/v1/schema/?format=json")
    assert as_json.status_code == 200
    assert as_json["Content-Type"].startswith("application/vnd.oai.openapi+json")
    document = json.loads(as_json.content)
    assert document["openapi"] == "3.1.0"
    validate(document)
    as_yaml = yaml.safe_load(client.get("/api/v1/schema/").content)
    assert as_yaml == document
    assert json.loads(client.get("/api/v1/openapi.json").content) == document


def test_the_schema_describes_the_bearer_key_and_the_problem_types(client):
    document = json.loads(client.get("/api/v1/schema/?format=json").content)
    assert document["components"]["securitySchemes"]["sleutel"]["scheme"] == "bearer"
    problem = document["components"]["schemas"]["Probleem"]
    assert "urn:toolkid:probleem:niet-gevonden" in problem["properties"]["type"]["enum"]
    me = document["paths"]["/api/v1/ik"]["get"]
    assert me["responses"]["401"]["content"]["application/problem+json"]


@pytest.mark.parametrize("path", ["/api/v1/docs/", "/api/v1/redoc/"])
def test_the_documentation_pages_load_everything_from_toolkid_itself(client, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert "https://" not in html and "//fonts" not in html
    assert "<script>" not in html  # no inline script: the CSP's script-src stays 'self'
    assert "/static/drf_spectacular_sidecar/" in html
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self' 'unsafe-inline'" in csp


def test_the_swagger_init_script_is_served_same_origin(client):
    response = client.get("/api/v1/docs/?script=")
    assert response.status_code == 200
    assert "SwaggerUIBundle" in response.content.decode()


def test_the_schema_generates_without_a_single_warning():
    """drf-spectacular warns where it guesses (an unknown authenticator, two components of one
    name): a guess in the published description is a client built wrong."""
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def test_the_read_lists_document_their_keyset_pages(client):
    document = json.loads(client.get("/api/v1/schema/?format=json").content)
    for path in ("/api/v1/verzoeken", "/api/v1/meldingen"):
        operation = document["paths"][path]["get"]
        names = {p["name"] for p in operation["parameters"]}
        assert {"cursor", "limit"} <= names
        ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        page = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert set(page["required"]) == {"resultaten", "volgende", "vorige"}
    detail = document["paths"]["/api/v1/verzoeken/{public_id}"]["get"]
    assert detail["responses"]["404"]["content"]["application/problem+json"]
