"""Who an API call is: a connected system's key, the person it names, the roles and scopes it
may use (docs/adr/0007 §2, §6). Refusals are Problem Details in Dutch and are logged (L5)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from tests.conftest import SYSTEM, api_client
from toolkid.api.models import Scope, SystemKey
from toolkid.api.services import system_key_revoke, system_key_rotate
from toolkid.models import Role

pytestmark = pytest.mark.django_db


def refusals(reason: str | None = None):
    events = AuditEvent.objects.filter(event="api.refused", outcome="denied")
    return [e for e in events if reason is None or e.payload.get("reason") == reason]


def test_a_call_without_a_key_is_a_401_problem_that_asks_for_a_bearer_key():
    response = api_client().get("/api/v1/ik")
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    body = response.json()
    assert body["type"] == "urn:toolkid:probleem:niet-ingelogd"
    assert body["title"] == "Niet aangemeld"
    assert "API-sleutel" in body["detail"]


def test_a_wrong_secret_is_refused_and_logged_with_the_prefix_only(connected_system, mondriaan):
    _system, key = connected_system(mondriaan)
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")
    response = api_client(forged).get("/api/v1/ik")
    assert response.status_code == 401
    [event] = refusals("unknown_key")
    assert event.payload["prefix"] == key[3:11]
    assert key.split(".")[1] not in str(event.payload)


def test_the_system_alone_may_ask_who_it_is_but_reads_nothing_without_a_person(connected_system, mondriaan):
    system, key = connected_system(mondriaan)
    me = api_client(key).get("/api/v1/ik")
    assert me.status_code == 200
    assert me.json() == {
        "gebruiker": None, "organisatie": "Mondriaan", "rollen": [], "systeem": system.slug,
        "bevoegdheden": sorted(Scope.values),
    }
    assert me["API-Version"] == "1.0.0"


def test_the_call_acts_as_the_named_person_with_the_roles_the_system_may_use(
    connected_system, mondriaan, make_user
):
    make_user((mondriaan, Role.ZORGVERLENER), (mondriaan, Role.TEAMLEIDER), username="dokter")
    _system, key = connected_system(mondriaan, roles=[Role.ZORGVERLENER])
    body = api_client(key, "dokter").get("/api/v1/ik").json()
    # The team leader role is the person's, but not the system's to use (the ceiling).
    assert body["gebruiker"] == "dokter"
    assert body["rollen"] == [Role.ZORGVERLENER]


def test_a_person_of_another_organisation_is_refused(connected_system, mondriaan, requester):
    _system, key = connected_system(mondriaan)
    response = api_client(key, requester.username).get("/api/v1/ik")
    assert response.status_code == 403
    assert response.json()["type"] == "urn:toolkid:probleem:geen-toegang"
    assert refusals("no_role")


def test_a_system_without_the_two_factor_statement_cannot_act_for_people(
    connected_system, mondriaan, clinician
):
    _system, key = connected_system(mondriaan, acts_for_people=False)
    response = api_client(key, clinician.username).get("/api/v1/ik")
    assert response.status_code == 403
    assert "twee factoren" in response.json()["detail"]
    assert refusals("not_for_people")


def test_a_revoked_key_stops_at_once_and_a_rotated_key_works_until_its_overlap_ends(
    connected_system, mondriaan, clinician
):
    system, old = connected_system(mondriaan)
    old_row = SystemKey.objects.get(system=system)
    new_row, new = system_key_rotate(actor=SYSTEM, key=old_row, overlap=timedelta(days=7))
    assert api_client(old, clinician.username).get("/api/v1/ik").status_code == 200
    assert api_client(new, clinician.username).get("/api/v1/ik").status_code == 200
    SystemKey.objects.filter(pk=old_row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert api_client(old, clinician.username).get("/api/v1/ik").status_code == 401
    assert refusals("key_expired")
    system_key_revoke(actor=SYSTEM, key=new_row)
    assert api_client(new, clinician.username).get("/api/v1/ik").status_code == 401


def test_key_services_are_audited_without_the_secret(connected_system, mondriaan):
    system, key = connected_system(mondriaan)
    [issued] = AuditEvent.objects.filter(event="api.key_issued")
    assert issued.payload == {"system": system.slug, "prefix": key[3:11]}
    row = SystemKey.objects.get(system=system)
    assert row.secret_hash != key.split(".")[1] and len(row.secret_hash) == 64


def test_an_inactive_system_is_refused(connected_system, mondriaan, clinician):
    system, key = connected_system(mondriaan)
    system.is_active = False
    system.save()
    assert api_client(key, clinician.username).get("/api/v1/ik").status_code == 401
    assert refusals("system_inactive")


def test_a_browser_session_needs_its_second_factor(client, verified_client, clinician):
    client.force_login(clinician)  # password only
    assert client.get("/api/v1/ik").status_code == 401
    body = verified_client(clinician).get("/api/v1/ik").json()
    assert body["gebruiker"] == clinician.username and body["systeem"] is None


def test_guessing_keys_from_one_address_is_cut_off_before_the_database(settings, connected_system, mondriaan):
    settings.TOOLKID_API_FAILED_AUTH_PER_MINUTE = 3
    for _ in range(3):
        assert api_client("tk_AAAAAAAA." + "A" * 43).get("/api/v1/ik").status_code == 401
    response = api_client("tk_AAAAAAAA." + "A" * 43).get("/api/v1/ik")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert len(refusals("unknown_key")) == 3  # the fourth never reached the log


def test_a_system_is_limited_by_its_own_rate(connected_system, mondriaan, clinician):
    _system, key = connected_system(mondriaan, reads_per_minute=2)
    client = api_client(key, clinician.username)
    assert [client.get("/api/v1/ik").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v1/ik").json()["type"] == "urn:toolkid:probleem:te-veel-verzoeken"
