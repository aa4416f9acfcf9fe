"""Platformbeheer for connected systems (docs/adr/0007 §6): the functional administrator creates
a system, issues, rotates and revokes keys; every change goes through the services and is
audited; a key's secret is shown once and never again."""

from __future__ import annotations

import re

import pytest

from audit.models import AuditEvent
from tests.conftest import api_client
from toolkid.api.models import ConnectedSystem, Scope, SystemKey
from toolkid.models import Role

pytestmark = pytest.mark.django_db

KEY = re.compile(r"tk_[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]{43}")


@pytest.fixture
def admin_client(make_user, verified_client):
    return verified_client(make_user(username="functioneel", is_functional_admin=True))


def _create_system(admin_client, mondriaan) -> ConnectedSystem:
    response = admin_client.post("/beheer/toolkid/connectedsystem/add/", {
        "name": "EPD Mondriaan", "slug": "epd-mondriaan", "organisation": mondriaan.pk,
        "roles": [Role.ZORGVERLENER], "scopes": [Scope.REQUESTS_READ, Scope.REQUESTS_WRITE],
        "acts_for_people": "on", "reads_per_minute": 600, "writes_per_minute": 60, "is_active": "on",
        "keys-TOTAL_FORMS": 0, "keys-INITIAL_FORMS": 0,
    })
    assert response.status_code == 302, response.content.decode()[:2000]
    return ConnectedSystem.objects.get(slug="epd-mondriaan")


def test_the_administrator_connects_a_system_and_the_statement_names_who_made_it(admin_client, mondriaan):
    system = _create_system(admin_client, mondriaan)
    assert system.roles == [Role.ZORGVERLENER]
    assert system.mfa_statement_by.username == "functioneel"
    [saved] = AuditEvent.objects.filter(event="api.system_saved")
    assert saved.username == "functioneel" and saved.payload["acts_for_people"] is True


def test_a_key_is_shown_once_works_and_is_never_listed_again(admin_client, mondriaan, clinician):
    system = _create_system(admin_client, mondriaan)
    response = admin_client.post(
        "/beheer/toolkid/connectedsystem/",
        {"action": "issue_key", "_selected_action": [system.pk]}, follow=True,
    )
    [plaintext] = KEY.findall(response.content.decode())
    assert api_client(plaintext, clinician.username).get("/api/v1/ik").json()["rollen"] == [Role.ZORGVERLENER]
    for page in ("/beheer/toolkid/systemkey/", f"/beheer/toolkid/connectedsystem/{system.pk}/change/"):
        assert plaintext.split(".")[1] not in admin_client.get(page).content.decode()


def test_rotating_and_revoking_in_platformbeheer(admin_client, connected_system, mondriaan, clinician):
    system, old = connected_system(mondriaan)
    old_row = SystemKey.objects.get(system=system)
    response = admin_client.post(
        "/beheer/toolkid/systemkey/", {"action": "rotate", "_selected_action": [old_row.pk]}, follow=True
    )
    [new] = KEY.findall(response.content.decode())
    old_row.refresh_from_db()
    assert old_row.expires_at is not None  # the overlap: both work for now
    assert api_client(old, clinician.username).get("/api/v1/ik").status_code == 200
    admin_client.post("/beheer/toolkid/systemkey/", {"action": "revoke", "_selected_action": [old_row.pk]})
    assert api_client(old, clinician.username).get("/api/v1/ik").status_code == 401
    assert api_client(new, clinician.username).get("/api/v1/ik").status_code == 200
    assert {"api.key_rotated", "api.key_revoked"} <= set(AuditEvent.objects.values_list("event", flat=True))


def test_an_organisation_beheerder_cannot_reach_the_systems(verified_client, make_user, mondriaan):
    beheerder = make_user((mondriaan, Role.BEHEERDER), is_staff=True)
    response = verified_client(beheerder).get("/beheer/toolkid/connectedsystem/")
    assert response.status_code in (302, 403)
