"""The read API for requests (issue 14 "Done when", docs/adr/0007 §3): a system of the requesting
organisation, of the receiving one and of an unrelated one, on every read endpoint. Each sees
only what its organisation may see (200 or 404, never a 403 that tells a request exists), and
every call, allowed or refused, is one audit line naming the person and the system (L5)."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from requests.core.audit_codes import RequestAuditCode
from requests.core.models import InformationRequest
from requests.core.workflow import RequestStatus
from tests.conftest import api_client
from tests.requests.helpers import actor_for, decide, take
from tests.requests.worklist.bulk import bulk_requests
from toolkid.api.models import Scope

pytestmark = pytest.mark.django_db

S = RequestStatus
SHOWN = RequestAuditCode.PARENT_SHOWN_IN_LIST


@pytest.fixture
def systems(connected_system, wijkteam, mondriaan, other_provider, requester, clinician, outsider_clinician):
    """``side -> (client, user, system)``: each organisation's system acting for one person."""
    from toolkid.models import User

    made = {}
    for side, org, username in (("indiener", wijkteam, "jeugd"), ("ontvanger", mondriaan, "zorg"),
                                ("buitenstaander", other_provider, outsider_clinician.username)):
        system, key = connected_system(org)
        made[side] = (api_client(key, username), User.objects.get(username=username), system)
    return made


def read_events(user, request: InformationRequest):
    """The detail reads of ``request`` by ``user``: allowed ones name the row, denied ones too."""
    return AuditEvent.objects.filter(event=RequestAuditCode.READ, user=user,
                                     object_type="requests.informationrequest", object_id=str(request.pk))


@pytest.mark.parametrize(("side", "status", "outcome"), [
    ("indiener", 200, "allowed"), ("ontvanger", 200, "allowed"), ("buitenstaander", 404, "denied"),
])
def test_reading_one_request_is_the_pages_read_for_each_organisation(
    systems, filed_request, side, status, outcome
):
    req = filed_request()
    client, user, system = systems[side]
    response = client.get(f"/api/v1/verzoeken/{req.public_id}")
    assert response.status_code == status
    [event] = read_events(user, req)
    assert event.outcome == outcome
    assert event.payload["purpose"] == "api"
    assert event.payload["via"] == f"api:{system.slug}"
    if status == 404:
        body = response.json()
        assert body["type"] == "urn:toolkid:probleem:niet-gevonden"
        assert req.reference not in response.content.decode()
    else:
        body = response.json()
        assert body["id"] == str(req.public_id)
        assert body["kenmerk"] == req.reference


def test_a_request_that_does_not_exist_answers_as_one_that_is_not_yours(systems):
    client, user, _system = systems["buitenstaander"]
    response = client.get("/api/v1/verzoeken/00000000-0000-4000-8000-000000000000")
    assert response.status_code == 404
    assert response.json()["type"] == "urn:toolkid:probleem:niet-gevonden"
    assert AuditEvent.objects.filter(event=RequestAuditCode.READ, user=user, outcome="denied").count() == 1


def test_an_integer_id_is_no_id(systems, filed_request):
    req = filed_request()
    client, _user, _system = systems["indiener"]
    assert client.get(f"/api/v1/verzoeken/{req.pk}").status_code == 404


@pytest.mark.parametrize(("side", "rol", "sees"), [
    ("indiener", "indiener", True), ("ontvanger", "ontvanger", True), ("buitenstaander", "ontvanger", False),
])
def test_a_list_holds_only_the_organisations_own_requests_and_is_logged(
    systems, filed_request, side, rol, sees
):
    req = filed_request()
    client, user, system = systems[side]
    response = client.get(f"/api/v1/verzoeken?rol={rol}")
    assert response.status_code == 200
    ids = [row["id"] for row in response.json()["resultaten"]]
    assert ids == ([str(req.public_id)] if sees else [])
    code = RequestAuditCode.OUTGOING_LISTED if rol == "indiener" else RequestAuditCode.INBOX_LISTED
    [search] = AuditEvent.objects.filter(event=code, user=user)
    assert search.payload["via"] == f"api:{system.slug}"
    shown = AuditEvent.objects.filter(event=SHOWN, user=user, parent_ref=req.audit_ref)
    assert [e.payload["via"] for e in shown] == ([f"api:{system.slug}"] if sees else [])


def test_a_list_the_persons_role_does_not_have_is_refused_and_logged(systems):
    client, user, _system = systems["ontvanger"]  # a zorgverlener has no outgoing requests
    response = client.get("/api/v1/verzoeken?rol=indiener")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:toolkid:probleem:geen-toegang"
    [denied] = AuditEvent.objects.filter(event=RequestAuditCode.OUTGOING_LISTED, user=user)
    assert denied.outcome == "denied"


@pytest.mark.parametrize("query", ["", "?rol=iedereen", "?rol=indiener&status=weigering_ter_bevestiging",
                                   "?rol=ontvanger&pad=Z", "?rol=ontvanger&limit=101"])
def test_a_malformed_list_query_is_a_400_problem_not_an_error(systems, query):
    client, _user, _system = systems["ontvanger"]
    response = client.get(f"/api/v1/verzoeken{query}")
    assert response.status_code == 400
    assert response.json()["type"] == "urn:toolkid:probleem:ongeldig-verzoek"


@pytest.mark.parametrize("side", ["indiener", "ontvanger", "buitenstaander"])
def test_my_tasks_is_logged_as_the_pages_list(systems, side):
    client, user, system = systems[side]
    response = client.get("/api/v1/taken")
    assert response.status_code == 200
    assert set(response.json()) == {"resultaten", "volgende", "vorige", "wachtOpReactie"}
    [search] = AuditEvent.objects.filter(event=RequestAuditCode.TASKS_LISTED, user=user)
    assert search.payload["via"] == f"api:{system.slug}"


def test_a_missing_scope_is_a_403_problem_and_a_refusal_in_the_log(connected_system, mondriaan, clinician,
                                                                   filed_request):
    req = filed_request()
    _system, key = connected_system(mondriaan, scopes=[Scope.TASKS_READ])
    response = api_client(key, "zorg").get(f"/api/v1/verzoeken/{req.public_id}")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:toolkid:probleem:geen-toegang"
    assert "verzoeken:lezen" in response.json()["detail"]
    assert AuditEvent.objects.filter(event="api.refused", payload__reason="scope").count() == 1
    assert not read_events(clinician, req).exists()  # refused before anything was read


# --- what one request shows to whom -------------------------------------------------------


def test_the_requester_never_learns_that_a_refusal_waits_for_a_second_person(
    systems, filed_request, clinician_actor
):
    """R11: status, ETag, decision and the provider's own notes stay with the provider."""
    req = decide(take(filed_request(), clinician_actor), clinician_actor, provide=False)
    assert req.status == S.REFUSAL_PENDING
    requester_client = systems["indiener"][0]
    response = requester_client.get(f"/api/v1/verzoeken/{req.public_id}")
    body = response.json()
    assert body["status"] == S.IN_PROGRESS
    assert response["ETag"] == f'W/"{S.IN_PROGRESS}"'
    assert body["besluit"] is None and body["werkZorgverlener"] is None
    assert S.REFUSAL_PENDING not in response.content.decode()
    listed = requester_client.get("/api/v1/verzoeken?rol=indiener").json()["resultaten"]
    assert [row["status"] for row in listed] == [S.IN_PROGRESS]

    provider = systems["ontvanger"][0].get(f"/api/v1/verzoeken/{req.public_id}")
    assert provider.json()["status"] == S.REFUSAL_PENDING
    assert provider["ETag"] == f'W/"{S.REFUSAL_PENDING}"'
    assert provider.json()["besluit"]["besluit"] == req.decision
    assert provider.json()["werkZorgverlener"]["afweging"] == req.weighing


def test_the_actions_are_the_pages_actions_for_this_person(systems, filed_request):
    from requests.detail.actions import allowed_actions

    req = filed_request()
    for side in ("indiener", "ontvanger"):
        client, user, _system = systems[side]
        body = client.get(f"/api/v1/verzoeken/{req.public_id}").json()
        assert body["acties"] == allowed_actions(actor_for(user), req)
    assert "take" in systems["ontvanger"][0].get(f"/api/v1/verzoeken/{req.public_id}").json()["acties"]
    assert "take" not in systems["indiener"][0].get(f"/api/v1/verzoeken/{req.public_id}").json()["acties"]


def test_a_request_links_to_itself_and_its_consent(systems, filed_request):
    req = filed_request()  # path A: with a declaration
    body = systems["indiener"][0].get(f"/api/v1/verzoeken/{req.public_id}").json()
    assert body["_links"]["self"]["href"].endswith(f"/api/v1/verzoeken/{req.public_id}")
    assert body["_links"]["toestemming"]["href"].endswith(
        f"/api/v1/toestemmingen/{req.consent_declaration.public_id}")
    assert body["ouder"]["naam"] == req.parent.name
    assert [q["onderwerp"] for q in body["vragen"]] == ["a", "b"]


# --- pagination ---------------------------------------------------------------------------


def test_walking_the_list_with_the_cursor_finds_every_request_once(systems, filed_request):
    filed = {str(filed_request().public_id) for _ in range(7)}
    client = systems["ontvanger"][0]
    seen, url, pages = [], "/api/v1/verzoeken?rol=ontvanger&limit=3", 0
    while url:
        response = client.get(url)
        assert response.status_code == 200
        body = response.json()
        seen += [row["id"] for row in body["resultaten"]]
        if body["volgende"]:
            assert f'<{body["volgende"]}>; rel="next"' in response["Link"]
        url, pages = body["volgende"], pages + 1
    assert pages == 3
    assert sorted(seen) == sorted(filed) and len(seen) == len(set(seen))
    # And back: the previous page of the last one is the middle one.
    last = client.get("/api/v1/verzoeken?rol=ontvanger&limit=3")
    middle = client.get(last.json()["volgende"]).json()
    back = client.get(middle["vorige"]).json()
    assert back["resultaten"] == last.json()["resultaten"] and back["vorige"] is None


def test_a_tampered_cursor_is_a_400_problem(systems, filed_request):
    for _ in range(3):
        filed_request()
    client = systems["ontvanger"][0]
    nxt = client.get("/api/v1/verzoeken?rol=ontvanger&limit=2").json()["volgende"]
    response = client.get(nxt.replace("cursor=", "cursor=x"))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"] == "urn:toolkid:probleem:ongeldige-cursor"


@pytest.mark.parametrize(("side", "rol"), [("indiener", "indiener"), ("ontvanger", "ontvanger")])
def test_a_list_page_costs_the_same_queries_for_few_and_many_rows(
    systems, wijkteam, requester, mondriaan, clinician, django_assert_max_num_queries, side, rol
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = systems[side][0]
    url = f"/api/v1/verzoeken?rol={rol}&limit=50"
    bulk_requests(1, requesting=wijkteam, requester=requester, receiving=mondriaan, clinician=clinician)
    with CaptureQueriesContext(connection) as few:
        assert len(client.get(url).json()["resultaten"]) == 1
    bulk_requests(59, requesting=wijkteam, requester=requester, receiving=mondriaan, clinician=clinician)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(url).json()["resultaten"]) == 50


def test_pages_neither_skip_nor_repeat_while_requests_arrive(systems, wijkteam, requester, mondriaan):
    """The keyset walk: requests filed between two calls do not shift the pages."""
    def arrive(n):
        return {str(r.public_id) for r in bulk_requests(n, requesting=wijkteam, requester=requester,
                                                        receiving=mondriaan)}

    first, arrived = arrive(40), set()
    client = systems["ontvanger"][0]
    seen, url = [], "/api/v1/verzoeken?rol=ontvanger&limit=10"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["resultaten"]]
        url = body["volgende"]
        arrived |= arrive(3)
    assert len(seen) == len(set(seen)), "a row was shown twice"
    assert first <= set(seen) <= first | arrived


def test_the_requesters_in_progress_filter_finds_the_refusal_that_waits(
    systems, filed_request, clinician_actor
):
    """R11: the requester filters on what they see; the hidden state finds its request there."""
    req = decide(take(filed_request(), clinician_actor), clinician_actor, provide=False)
    client = systems["indiener"][0]
    body = client.get(f"/api/v1/verzoeken?rol=indiener&status={S.IN_PROGRESS}").json()
    assert [row["id"] for row in body["resultaten"]] == [str(req.public_id)]


def test_a_verified_browser_session_reads_the_same_list(verified_client, clinician, filed_request):
    req = filed_request()
    response = verified_client(clinician).get("/api/v1/verzoeken?rol=ontvanger")
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["resultaten"]] == [str(req.public_id)]
    [search] = AuditEvent.objects.filter(event=RequestAuditCode.INBOX_LISTED, user=clinician)
    assert "via" not in search.payload  # the pages' own access point


def test_my_tasks_lists_each_persons_open_duties_and_logs_their_parent(
    systems, filed_request, clinician_actor
):
    from requests.followup.models import DutyKind
    from requests.handling.answer import request_send_answer
    from tests.requests.helpers import ALL_CONFIRMED, fill_answer

    req = fill_answer(decide(filed_request(), clinician_actor, provide=True), clinician_actor)
    req = request_send_answer(actor=clinician_actor, request=req, confirmations=ALL_CONFIRMED)
    expected = {"ontvanger": {DutyKind.PARENT_FEEDBACK, DutyKind.PROVIDER_RECORD},
                "indiener": {DutyKind.REQUESTER_RECORD}, "buitenstaander": set()}
    for side, kinds in expected.items():
        client, user, system = systems[side]
        body = client.get("/api/v1/taken").json()
        assert {row["omschrijving"] for row in body["resultaten"]} == {str(DutyKind(k).label) for k in kinds}
        requests_named = {row["verzoek"]["id"] for row in body["resultaten"]}
        assert requests_named == ({str(req.public_id)} if kinds else set())
        shown = AuditEvent.objects.filter(event=SHOWN, user=user, parent_ref=req.audit_ref,
                                          payload__list=RequestAuditCode.TASKS_LISTED)
        assert [e.payload["via"] for e in shown] == ([f"api:{system.slug}"] if kinds else [])
