"""The beheerder's Gebruikers page: own organisation only, every action audited, 404 otherwise."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from guardian.shortcuts import remove_perm

from audit.models import AuditEvent, AuditOutcome
from toolkid.models import Membership, OrganisationKind, Role
from toolkid.services import role_group

pytestmark = pytest.mark.django_db

MEMBERS = "/organisatie/gebruikers/"


@pytest.fixture
def beheerder(make_user, mondriaan):
    return make_user(
        (mondriaan, Role.BEHEERDER), username="beheer.m", first_name="Kim", last_name="Bastiaens"
    )


@pytest.fixture
def clinician(make_user, mondriaan):
    return make_user(
        (mondriaan, Role.ZORGVERLENER), username="zorg.m", first_name="Maud", last_name="Ramakers"
    )


@pytest.fixture
def other_beheerder(make_user, wijkteam):
    return make_user((wijkteam, Role.BEHEERDER), username="beheer.w")


def denied(event: str, object_id) -> bool:
    return AuditEvent.objects.filter(
        event=event, outcome=AuditOutcome.DENIED, object_id=str(object_id)
    ).exists()


def without_tokens(html: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)


def test_the_page_is_named_members():
    assert reverse("members") == MEMBERS


def test_beheerder_sees_own_members_only(
    verified_client, beheerder, clinician, make_user, wijkteam
):
    outsider = make_user(
        (wijkteam, Role.JEUGDHULPVERLENER), username="buiten.wijkteam", last_name="Buitenstaander"
    )
    response = verified_client(beheerder).get(MEMBERS)
    assert response.status_code == 200
    html = response.content.decode()
    assert "zorg.m" in html and "Maud Ramakers" in html
    assert "Zorgverlener".lower() in html.lower()
    assert "buiten.wijkteam" not in html and "Buitenstaander" not in html
    assert outsider.is_active
    # Actions are POST buttons in forms with CSRF.
    membership = Membership.objects.get(user=clinician)
    assert f'action="{reverse("members_end", args=[membership.pk])}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert re.search(r'<form method="post" action="[^"]*/gebruiker/\d+/deactiveren/"', html)


def test_gebruikers_is_in_the_beheerders_navigation(verified_client, beheerder):
    html = verified_client(beheerder).get("/").content.decode()
    assert f'<a href="{MEMBERS}">Gebruikers</a>' in html


@pytest.mark.parametrize("role", [Role.ZORGVERLENER, Role.TEAMLEIDER, Role.JURIDISCH_ADVISEUR])
def test_other_roles_get_404_and_a_logged_denial(verified_client, make_user, mondriaan, role):
    user = make_user((mondriaan, role))
    assert verified_client(user).get(MEMBERS).status_code == 404
    assert denied("members.view", mondriaan.pk)


def test_functional_admin_without_organisation_gets_404(verified_client, make_user):
    admin = make_user(is_functional_admin=True)
    assert verified_client(admin).get(MEMBERS).status_code == 404


def test_the_role_without_the_object_permission_is_not_enough(
    verified_client, beheerder, mondriaan
):
    remove_perm("toolkid.manage_members", role_group(mondriaan, Role.BEHEERDER), mondriaan)
    assert verified_client(beheerder).get(MEMBERS).status_code == 404
    assert denied("members.view", mondriaan.pk)


def test_beheerder_of_another_organisation_cannot_touch_this_ones_members(
    verified_client, other_beheerder, clinician
):
    client = verified_client(other_beheerder)
    membership = Membership.objects.get(user=clinician)

    response = client.post(reverse("members_end", args=[membership.pk]))
    assert response.status_code == 404
    assert denied("membership.end", membership.pk)
    membership.refresh_from_db()
    assert membership.is_active

    response = client.post(reverse("members_deactivate", args=[clinician.pk]), {"bevestigd": "ja"})
    assert response.status_code == 404
    assert denied("user.deactivate", clinician.pk)
    clinician.refresh_from_db()
    assert clinician.is_active


def test_the_404_is_the_same_whether_the_membership_exists_or_not(
    verified_client, other_beheerder, clinician
):
    client = verified_client(other_beheerder)
    membership = Membership.objects.get(user=clinician)
    urls = [
        reverse("members_end", args=[membership.pk]),
        reverse("members_end", args=[membership.pk + 1000]),
    ]
    existing, missing = (client.post(url) for url in urls)
    assert existing.status_code == missing.status_code == 404
    # Only the requested address itself (echoed in the language form) may differ.
    pages = [
        without_tokens(r.content.decode()).replace(url, "URL")
        for r, url in zip([existing, missing], urls, strict=True)
    ]
    assert pages[0] == pages[1]
    assert "Pagina niet gevonden" in existing.content.decode()


def test_grant_a_role_to_an_existing_user(verified_client, beheerder, mondriaan, requester):
    response = verified_client(beheerder).post(
        reverse("members_grant"),
        {"username": requester.username, "role": Role.ZORGVERLENER},
        follow=True,
    )
    assert response.status_code == 200
    membership = Membership.objects.get(
        user=requester, organisation=mondriaan, role=Role.ZORGVERLENER
    )
    assert membership.is_active
    assert requester.groups.filter(pk=role_group(mondriaan, Role.ZORGVERLENER).pk).exists()
    event = AuditEvent.objects.filter(
        event="membership.granted", object_id=str(membership.pk)
    ).get()
    assert event.outcome == AuditOutcome.ALLOWED
    assert event.user == beheerder
    assert event.organisation == mondriaan
    assert "heeft nu de rol zorgverlener" in response.content.decode()


def test_an_unknown_username_is_a_dutch_error_that_keeps_what_was_typed(verified_client, beheerder):
    response = verified_client(beheerder).post(
        reverse("members_grant"), {"username": "onbekend.persoon", "role": Role.TEAMLEIDER}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Er is geen gebruiker met gebruikersnaam ‘onbekend.persoon’" in html
    assert 'value="onbekend.persoon"' in html
    assert 'class="error-summary"' in html
    assert 'href="#id_username"' in html
    assert 'aria-invalid="true"' in html
    # The chosen role stays chosen.
    assert re.search(r'value="teamleider"[^>]*checked', html)
    assert not Membership.objects.filter(role=Role.TEAMLEIDER).exists()


def test_granting_a_role_someone_already_has_is_an_error(verified_client, beheerder, clinician):
    response = verified_client(beheerder).post(
        reverse("members_grant"), {"username": clinician.username, "role": Role.ZORGVERLENER}
    )
    assert response.status_code == 200
    assert "heeft deze rol al bij Mondriaan" in response.content.decode()


def test_a_missing_role_is_an_error(verified_client, beheerder, clinician):
    response = verified_client(beheerder).post(
        reverse("members_grant"), {"username": clinician.username}
    )
    assert "Kies een rol." in response.content.decode()


def test_end_a_membership(verified_client, beheerder, clinician, mondriaan):
    membership = Membership.objects.get(user=clinician)
    response = verified_client(beheerder).post(
        reverse("members_end", args=[membership.pk]), follow=True
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert not membership.is_active
    assert AuditEvent.objects.filter(
        event="membership.ended", object_id=str(membership.pk), outcome=AuditOutcome.ALLOWED
    ).exists()
    html = response.content.decode()
    assert "is beëindigd" in html
    assert "Eerdere medewerkers" in html


def test_beheerder_cannot_end_their_own_beheerder_role(verified_client, beheerder):
    membership = Membership.objects.get(user=beheerder)
    page = verified_client(beheerder).get(MEMBERS).content.decode()
    assert reverse("members_end", args=[membership.pk]) not in page  # no button offered
    response = verified_client(beheerder).post(
        reverse("members_end", args=[membership.pk]), follow=True
    )
    membership.refresh_from_db()
    assert membership.is_active
    assert "eigen rol als beheerder" in response.content.decode()


def test_deactivation_asks_for_confirmation_first(verified_client, beheerder, clinician):
    client = verified_client(beheerder)
    url = reverse("members_deactivate", args=[clinician.pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 200
        assert 'name="bevestigd" value="ja"' in response.content.decode()
    clinician.refresh_from_db()
    assert clinician.is_active


def test_deactivation_ends_the_users_sessions_and_is_audited(verified_client, beheerder, clinician):
    victim_client = verified_client(clinician)
    assert victim_client.get("/").status_code == 200

    response = verified_client(beheerder).post(
        reverse("members_deactivate", args=[clinician.pk]), {"bevestigd": "ja"}, follow=True
    )
    assert response.status_code == 200
    assert "is gedeactiveerd" in response.content.decode()
    clinician.refresh_from_db()
    assert not clinician.is_active
    assert AuditEvent.objects.filter(
        event="user.deactivated", object_id=str(clinician.pk), outcome=AuditOutcome.ALLOWED
    ).exists()

    after = victim_client.get("/")
    assert after.status_code == 302
    assert after.url.startswith(reverse("login"))


def test_someone_who_also_works_elsewhere_is_not_deactivated_by_one_organisation(
    verified_client, beheerder, make_user, mondriaan, make_organisation
):
    koraal = make_organisation("Koraal", OrganisationKind.JEUGDHULP)
    both = make_user((mondriaan, Role.ZORGVERLENER), (koraal, Role.JEUGDHULPVERLENER))
    client = verified_client(beheerder)
    url = reverse("members_deactivate", args=[both.pk])
    assert "ook voor een andere organisatie" in client.get(url).content.decode()
    response = client.post(url, {"bevestigd": "ja"}, follow=True)
    assert "omdat de gebruiker ook voor een andere organisatie werkt" in response.content.decode()
    both.refresh_from_db()
    assert both.is_active


def test_beheerder_cannot_deactivate_themselves(verified_client, beheerder):
    client = verified_client(beheerder)
    client.post(reverse("members_deactivate", args=[beheerder.pk]), {"bevestigd": "ja"})
    beheerder.refresh_from_db()
    assert beheerder.is_active


def test_get_is_not_allowed_for_actions(verified_client, beheerder, clinician):
    client = verified_client(beheerder)
    membership = Membership.objects.get(user=clinician)
    assert client.get(reverse("members_end", args=[membership.pk])).status_code == 405
    assert client.get(reverse("members_grant")).status_code == 405
