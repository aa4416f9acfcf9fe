"""Filing through the API (docs/adr/0007 §2): the same services as the wizard, in the same order,
so the same rules: R1 (only the youth-care side files), R6/R22 (the phone call comes first),
R24/R33 (the consent path's explanations); a double submit makes one request."""

from __future__ import annotations

import uuid

import pytest

from requests.core.models import InformationRequest
from requests.core.workflow import RequestStatus
from requests.models import RequestEvent

from .conftest import API, draft_body

pytestmark = pytest.mark.django_db


def _file(client, body, **headers):
    return client.post(f"{API}/verzoeken", body, format="json", **headers)


def test_a_youth_worker_files_and_submits_a_request(client_for, wijkteam, mondriaan, requester):
    client = client_for(wijkteam, "jeugd")
    created = _file(client, draft_body(mondriaan.name))
    assert created.status_code == 201, created.json()
    assert created["ETag"] == 'W/"concept"'
    assert created["Location"] == created.json()["url"]
    draft_id = created.json()["id"]
    assert created.json()["status"] == "concept" and created.json()["kenmerk"] is None

    sent = client.post(f"{API}/verzoeken/{draft_id}/indienen", format="json")
    assert sent.status_code == 200, sent.json()
    body = sent.json()
    assert body["status"] == "ingediend" and body["kenmerk"].startswith("TK-")
    assert body["acties"] == ["withdraw"]
    assert sent["ETag"] == 'W/"ingediend"'
    req = InformationRequest.objects.get(public_id=draft_id)
    assert req.receiving_organisation == mondriaan and req.requester == requester
    assert req.parent.name == "Sanne de Vries" and sorted(t.topic for t in req.topics.all()) == ["a", "c"]


def test_without_the_phone_call_the_submit_is_refused_field_by_field_in_dutch(
    client_for, wijkteam, mondriaan, requester
):
    """R6, R22: the wizard's first step, required on submit through the same rules."""
    client = client_for(wijkteam, "jeugd")
    body = draft_body(mondriaan.name)
    del body["telefonischContact"]
    created = _file(client, body)
    assert created.status_code == 201, created.json()
    draft_id = created.json()["id"]

    refused = client.post(f"{API}/verzoeken/{draft_id}/indienen", format="json")

    assert refused.status_code == 422
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["type"] == "urn:toolkid:probleem:onvolledig"
    assert set(problem["fouten"]) == {"telefonischContact.datum", "telefonischContact.met"}
    assert "telefonisch contact" in problem["fouten"]["telefonischContact.datum"]
    assert InformationRequest.objects.get(public_id=draft_id).status == RequestStatus.DRAFT


def test_the_draft_service_refuses_content_and_nothing_is_kept(client_for, wijkteam, mondriaan, requester):
    client = client_for(wijkteam, "jeugd")
    body = draft_body(mondriaan.name, ouder={"naam": "S. de Vries", "geboortedatum": "1988-04-02",
                                             "bsn": "123456789"})
    refused = _file(client, body)
    assert refused.status_code == 422
    assert refused.json()["fouten"] == {"ouder.bsn": "Dit is geen geldig BSN (negen cijfers, elfproef)."}
    assert not InformationRequest.objects.exists()  # no empty draft left behind


def test_a_body_of_the_wrong_shape_is_a_400_with_the_fields(client_for, wijkteam, mondriaan, requester):
    client = client_for(wijkteam, "jeugd")
    refused = _file(client, draft_body(mondriaan.name, toestemmingspad="D", kinderen="twee"))
    assert refused.status_code == 400
    assert set(refused.json()["fouten"]) == {"toestemmingspad", "kinderen"}
    assert not InformationRequest.objects.exists()


def test_a_clinician_may_not_file(client_for, mondriaan, clinician):
    """R1: only a jeugdhulpverlener of the youth-care side files (the policy, in the service)."""
    refused = _file(client_for(mondriaan, "zorg"), draft_body(mondriaan.name))
    assert refused.status_code == 403
    assert not InformationRequest.objects.exists()


def test_the_same_idempotency_key_gives_the_same_draft_and_the_same_submit(
    client_for, wijkteam, mondriaan, requester
):
    client = client_for(wijkteam, "jeugd")
    key = str(uuid.uuid4())
    first = _file(client, draft_body(mondriaan.name), HTTP_IDEMPOTENCY_KEY=key)
    again = _file(client, draft_body(mondriaan.name), HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert InformationRequest.objects.count() == 1

    draft_id = first.json()["id"]
    submit_key = str(uuid.uuid4())
    sent = [client.post(f"{API}/verzoeken/{draft_id}/indienen", HTTP_IDEMPOTENCY_KEY=submit_key)
            for _ in range(2)]
    assert [r.status_code for r in sent] == [200, 200]
    assert sent[0].json()["kenmerk"] == sent[1].json()["kenmerk"]
    req = InformationRequest.objects.get(public_id=draft_id)
    assert RequestEvent.objects.filter(request=req, kind="submitted").count() == 1

    without_key = client.post(f"{API}/verzoeken/{draft_id}/indienen")
    assert without_key.status_code == 409
    assert without_key.json()["type"] == "urn:toolkid:probleem:ongeldige-stap"


def test_a_draft_is_saved_in_parts(client_for, wijkteam, mondriaan, requester):
    client = client_for(wijkteam, "jeugd")
    draft_id = _file(client, {"reden": "Eerste aanzet."}).json()["id"]
    saved = client.patch(f"{API}/verzoeken/{draft_id}/concept", {"ernst": "twijfel_welzijn"}, format="json")
    assert saved.status_code == 200
    req = InformationRequest.objects.get(public_id=draft_id)
    assert (req.reason, req.severity) == ("Eerste aanzet.", "twijfel_welzijn")


def test_another_organisation_cannot_touch_a_draft(client_for, wijkteam, mondriaan, requester, clinician):
    draft_id = _file(client_for(wijkteam, "jeugd"), draft_body(mondriaan.name)).json()["id"]
    other = client_for(mondriaan, "zorg")
    patched = other.patch(f"{API}/verzoeken/{draft_id}/concept", {"reden": "x"}, format="json")
    assert patched.status_code == 404
    assert other.post(f"{API}/verzoeken/{draft_id}/indienen").status_code == 404
    assert InformationRequest.objects.get(public_id=draft_id).status == RequestStatus.DRAFT
