"""Consent declarations through the API (docs/adr/0007 §3): the same access helper and audit
events as the pages (``consent_get_for``), and the document as the page's own download."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from consent.audit_codes import ConsentAuditCode
from tests.conftest import api_client
from toolkid.api.models import Scope

from .conftest import PDF_BYTES

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(connected_system, wijkteam, mondriaan, other_wijkteam, requester, clinician, outsider):
    """``side -> (client, user, system)`` for the holder, the recipient and an outsider."""
    made = {}
    for side, org, user in (("houder", wijkteam, requester), ("ontvanger", mondriaan, clinician),
                            ("buitenstaander", other_wijkteam, outsider)):
        system, key = connected_system(org)
        made[side] = (api_client(key, user.username), user, system)
    return made


def events(user, code):
    return list(AuditEvent.objects.filter(event=code, user=user))


@pytest.mark.parametrize(("side", "status", "outcome"), [
    ("houder", 200, "allowed"), ("ontvanger", 200, "allowed"), ("buitenstaander", 404, "denied"),
])
def test_the_declaration_is_read_as_on_its_page(clients, declaration, make_request, side, status, outcome):
    make_request(declaration)  # the recipient sees it once a request relying on it was sent
    client, user, system = clients[side]
    response = client.get(f"/api/v1/toestemmingen/{declaration.public_id}")
    assert response.status_code == status
    [event] = events(user, ConsentAuditCode.READ)
    assert event.outcome == outcome
    assert event.payload["via"] == f"api:{system.slug}"
    if status == 200:
        body = response.json()
        assert body["id"] == str(declaration.public_id)
        assert body["onderwerpen"] == ["a", "c"]
        assert body["_links"]["document"]["href"].endswith(
            f"/api/v1/toestemmingen/{declaration.public_id}/document")
    else:
        assert response.json()["type"] == "urn:toolkid:probleem:niet-gevonden"


def test_the_recipient_without_a_sent_request_gets_a_404(clients, declaration):
    client, user, _system = clients["ontvanger"]
    assert client.get(f"/api/v1/toestemmingen/{declaration.public_id}").status_code == 404
    assert [e.outcome for e in events(user, ConsentAuditCode.READ)] == ["denied"]


@pytest.mark.parametrize(("side", "status", "outcome"), [
    ("houder", 200, "allowed"), ("ontvanger", 200, "allowed"), ("buitenstaander", 404, "denied"),
])
def test_the_document_is_the_pages_download_and_an_export_in_the_log(
    clients, declaration, make_request, side, status, outcome
):
    make_request(declaration)
    client, user, system = clients[side]
    response = client.get(f"/api/v1/toestemmingen/{declaration.public_id}/document",
                          HTTP_ACCEPT="application/pdf")
    assert response.status_code == status
    [event] = events(user, ConsentAuditCode.DOCUMENT_DOWNLOADED)
    assert event.outcome == outcome and event.action == "export"
    assert event.payload["via"] == f"api:{system.slug}"
    if status == 200:
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_the_document_needs_its_own_scope(connected_system, wijkteam, requester, declaration):
    _system, key = connected_system(wijkteam, scopes=[Scope.CONSENT_READ])
    client = api_client(key, requester.username)
    assert client.get(f"/api/v1/toestemmingen/{declaration.public_id}").status_code == 200
    response = client.get(f"/api/v1/toestemmingen/{declaration.public_id}/document")
    assert response.status_code == 403
    assert "documenten:lezen" in response.json()["detail"]
    assert not events(requester, ConsentAuditCode.DOCUMENT_DOWNLOADED)
