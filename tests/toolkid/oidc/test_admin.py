"""Platformbeheer of an organisation's identity provider: through the services (audited), the
client secret write-only, group → role rows inline."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from toolkid.models import IdentityProvider, OrganisationKind, Role, RoleMapping

pytestmark = pytest.mark.django_db

ADD = "/beheer/toolkid/identityprovider/add/"


@pytest.fixture
def platform_admin(make_user):
    return make_user(username="functioneel", is_functional_admin=True)


def form_data(organisation, **overrides) -> dict:
    data = {
        "organisation": organisation.pk,
        "is_active": "on",
        "issuer": "https://login.mondriaan.test/realms/staf/",
        "client_id": "toolkid",
        "client_secret": "heel-geheim-123",
        "scopes": "email profile",
        "email_domains": "mondriaan.test",
        "groups_claim": "groups",
        "mfa_acr_values": "",
        "role_mappings-TOTAL_FORMS": "1",
        "role_mappings-INITIAL_FORMS": "0",
        "role_mappings-MIN_NUM_FORMS": "0",
        "role_mappings-MAX_NUM_FORMS": "1000",
        "role_mappings-0-group": "tk-zorg",
        "role_mappings-0-role": Role.ZORGVERLENER,
    }
    data.update(overrides)
    return data


def test_provider_is_saved_audited_and_its_secret_never_shown(
    verified_client, platform_admin, make_organisation
):
    mondriaan = make_organisation("Mondriaan", OrganisationKind.VOLWASSENENZORG)
    admin = verified_client(platform_admin)
    response = admin.post(ADD, form_data(mondriaan))
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = IdentityProvider.objects.get(organisation=mondriaan)
    # Issuers are compared exactly: the trailing slash goes; openid is always asked for.
    assert provider.issuer == "https://login.mondriaan.test/realms/staf"
    assert provider.scopes == "openid email profile"
    assert RoleMapping.objects.get(provider=provider).role == Role.ZORGVERLENER
    saved = AuditEvent.objects.get(event="identity_provider.saved")
    assert "heel-geheim-123" not in str(saved.payload)
    assert AuditEvent.objects.filter(event="identity_provider.role_mapping_saved").exists()

    change = f"/beheer/toolkid/identityprovider/{provider.pk}/change/"
    assert "heel-geheim-123" not in admin.get(change).content.decode()
    # An empty secret field keeps the stored secret.
    data = form_data(mondriaan, client_secret="", **{
        "role_mappings-TOTAL_FORMS": "0", "role_mappings-INITIAL_FORMS": "0"})
    data["client_id"] = "toolkid-2"
    assert admin.post(change, data).status_code == 302
    provider.refresh_from_db()
    assert (provider.client_id, provider.client_secret) == ("toolkid-2", "heel-geheim-123")


def test_plain_http_issuer_is_refused_outside_this_computer(
    verified_client, platform_admin, make_organisation
):
    mondriaan = make_organisation("Mondriaan", OrganisationKind.VOLWASSENENZORG)
    response = verified_client(platform_admin).post(
        ADD, form_data(mondriaan, issuer="http://login.mondriaan.test")
    )
    assert response.status_code == 200
    assert "Gebruik een https-adres" in response.content.decode()
    assert not IdentityProvider.objects.exists()


def test_org_beheerder_cannot_configure_providers(verified_client, make_user, make_organisation):
    mondriaan = make_organisation("Mondriaan", OrganisationKind.VOLWASSENENZORG)
    beheerder = make_user((mondriaan, Role.BEHEERDER))
    response = verified_client(beheerder).get(ADD)
    assert response.status_code in (302, 403, 404)
    assert not IdentityProvider.objects.exists()
