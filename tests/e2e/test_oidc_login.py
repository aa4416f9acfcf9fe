"""Login with the organisation's own account in Chromium (issue 14, ADR 0007 §10): the login
page's second form, the organisation's provider page (a real OpenID provider process from its
own virtual environment, tests/oidc/provider.py), back to toolKID logged in with two factors
because the provider's token says so (amr "mfa"), with the role its groups give."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import nav_labels, shot
from tests.oidc.provider import Provider, free_port

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def oidc_provider() -> Iterator[Provider]:
    provider = Provider(port=free_port())
    provider.start()
    yield provider
    provider.stop()


@pytest.fixture
def mondriaan_sso(server, oidc_provider: Provider) -> Iterator[None]:
    """Platformbeheer's work, done in the app's shell: Mondriaan logs in through its provider;
    group tk-zorg gives the role zorgverlener; new staff are created on first login."""
    code = f"""
import json
from toolkid.models import IdentityProvider, Organisation, Role, RoleMapping
org = Organisation.objects.get(name="Mondriaan")
provider, _ = IdentityProvider.objects.update_or_create(organisation=org, defaults=dict(
    issuer={oidc_provider.issuer!r}, client_id="toolkid-e2e", client_secret="geheim",
    email_domains="mondriaan.test", jit_users=True, is_active=True))
RoleMapping.objects.get_or_create(provider=provider, group="tk-zorg", role=Role.ZORGVERLENER)
print(json.dumps(provider.pk))
"""
    server.shell(code)
    yield
    # Leave the shared demo data as the other scenarios expect it: no provider, and the
    # person made at first login without a role (audit rows keep pointing at them).
    server.shell(
        "import json\nfrom toolkid.models import IdentityProvider, Membership, User\n"
        "IdentityProvider.objects.filter(organisation__name='Mondriaan').delete()\n"
        "Membership.objects.filter(user__email='z.sso@mondriaan.test').update(is_active=False)\n"
        "User.objects.filter(email='z.sso@mondriaan.test').update(is_active=False)\n"
        "print(json.dumps(0))"
    )


def test_login_with_the_organisation_account(new_context, server, oidc_provider, mondriaan_sso):
    oidc_provider.set_user(
        "e2e-zorg", email="z.sso@mondriaan.test", email_verified=True, given_name="Zora",
        family_name="Sso", amr=["pwd", "mfa"], groups=["tk-zorg"],
    )
    context = new_context()
    # The provider's page asks a CDN for its stylesheet: no network here, so no wait for it.
    context.route("https://cdn.jsdelivr.net/**", lambda route: route.abort())
    page = context.new_page()
    page.goto(server.url("/account/inloggen/"))
    expect(page.get_by_role("heading", name="Inloggen met uw organisatie-account")).to_be_visible()
    page.get_by_label("Uw e-mailadres bij uw organisatie").fill("z.sso@mondriaan.test")
    page.get_by_role("button", name="Verder naar uw organisatie").click()

    # The organisation's own login page (the provider process, another origin).
    page.wait_for_url(re.compile(re.escape(f"{oidc_provider.issuer}/oauth2/authorize?")))
    page.locator("input[name=sub]").fill("e2e-zorg")
    page.get_by_role("button", name="Authorize").click()

    # Back in toolKID: no TOTP step (the provider checked two factors), on the home page.
    page.wait_for_url(server.url("/"))
    expect(page.locator(".acting-org strong")).to_have_text("Mondriaan")
    # The role from the group, in words on the home page ...
    expect(page.locator("main p.lead").first).to_contain_text("U werkt namens Mondriaan als zorgverlener")
    # ... and in the menu: a zorgverlener's.
    assert "Binnengekomen verzoeken" in nav_labels(page)
    assert "Nieuw informatieverzoek" not in nav_labels(page)
    shot(page, "ingelogd-via-organisatie")

    state = server.shell(
        "import json\nfrom audit.models import AuditEvent\nfrom toolkid.models import Membership\n"
        "e = AuditEvent.objects.filter(event='auth.login').order_by('-pk').first()\n"
        "m = list(Membership.objects.filter(user__email='z.sso@mondriaan.test', is_active=True)"
        ".values_list('organisation__name', 'role'))\n"
        "print(json.dumps({'payload': e.payload, 'memberships': m}))"
    )
    assert state["payload"]["device_type"] == "oidc_mfa"
    assert state["payload"]["amr"] == ["pwd", "mfa"]
    assert state["memberships"] == [["Mondriaan", "zorgverlener"]]
