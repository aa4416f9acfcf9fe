"""The Django admin belongs to the platform's functional administrator alone, after two factors
(L7)."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session

from audit.models import AuditEvent
from toolkid.models import Role


@pytest.fixture
def platform_admin(make_user):
    return make_user(username="functioneel", is_functional_admin=True)


def test_functional_admin_reaches_the_admin(verified_client, platform_admin):
    response = verified_client(platform_admin).get("/beheer/")
    assert response.status_code == 200
    assert "Platformbeheer" in response.content.decode()


def test_org_beheerder_is_not_let_into_the_platform_admin(verified_client, make_user, wijkteam):
    beheerder = make_user((wijkteam, Role.BEHEERDER), is_staff=True)
    response = verified_client(beheerder).get("/beheer/toolkid/organisation/")
    assert response.status_code in (302, 403)
    assert b"Mondriaan" not in response.content


def test_password_alone_does_not_open_the_admin(client, platform_admin):
    client.force_login(platform_admin)  # no second factor
    response = client.get("/beheer/")
    assert response.status_code == 302
    assert "/account/inloggen/" in response.url


def test_deactivating_in_the_admin_ends_the_users_sessions(
    verified_client, platform_admin, make_user, wijkteam
):
    worker = make_user((wijkteam, Role.JEUGDHULPVERLENER), username="weg")
    worker_client = verified_client(worker)
    assert worker_client.get("/").status_code == 200

    admin_client = verified_client(platform_admin)
    page = admin_client.get(f"/beheer/toolkid/user/{worker.pk}/change/")
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update({"username": "weg", "is_active": "", "last_login_0": "", "date_joined_0": "2026-01-01",
                 "date_joined_1": "09:00:00", "memberships-TOTAL_FORMS": "1",
                 "memberships-INITIAL_FORMS": "1", "memberships-MIN_NUM_FORMS": "0",
                 "memberships-MAX_NUM_FORMS": "1000"})
    # The memberships inline is read-only: only its management form is posted.
    data.pop("is_active", None)  # unchecked checkbox: absent from the POST
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = admin_client.post(f"/beheer/toolkid/user/{worker.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""

    worker.refresh_from_db()
    assert not worker.is_active
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(worker.pk)]
    assert worker_client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event="user.deactivated", object_id=str(worker.pk)).exists()


def test_the_memberships_inline_is_read_only(verified_client, platform_admin, make_user, wijkteam):
    # A membership saved in the admin would get no guardian group and no audit event: roles go
    # through membership_grant / membership_end (the Gebruikers page).
    worker = make_user((wijkteam, Role.JEUGDHULPVERLENER), username="rol.alleen.lezen")
    membership = worker.memberships.get()
    admin_client = verified_client(platform_admin)
    page = admin_client.get(f"/beheer/toolkid/user/{worker.pk}/change/")
    formset = next(f for f in page.context["inline_admin_formsets"] if f.formset.prefix == "memberships")
    assert not formset.has_add_permission and not formset.has_change_permission
    assert not formset.has_delete_permission
    assert "Gebruikers" in page.content.decode()

    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k not in ("password", "groups",
                                                                                  "user_permissions")}
    data.update({"username": worker.username, "is_active": "on", "last_login_0": "",
                 "date_joined_0": "2026-01-01", "date_joined_1": "09:00:00",
                 "memberships-TOTAL_FORMS": "2", "memberships-INITIAL_FORMS": "1",
                 "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
                 "memberships-0-id": membership.pk, "memberships-0-user": worker.pk,
                 "memberships-0-role": Role.BEHEERDER, "memberships-0-DELETE": "on",
                 "memberships-1-user": worker.pk, "memberships-1-role": Role.BEHEERDER,
                 "memberships-1-is_active": "on"})
    admin_client.post(f"/beheer/toolkid/user/{worker.pk}/change/", data)
    assert list(worker.memberships.values_list("pk", "role", "is_active")) == [
        (membership.pk, Role.JEUGDHULPVERLENER, True)
    ]
