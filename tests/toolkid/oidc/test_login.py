"""Login with the organisation's own account, against a real OpenID provider process
(tests/oidc/provider.py): identity linking, group → role mapping with its manual fallback,
the MFA rule (L7) and the refusals (state, nonce, foreign issuer). Every step is in the audit
trail (L5)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core.cache import cache
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from audit.models import AuditEvent, AuditOutcome
from tests.conftest import SYSTEM
from tests.oidc.provider import query
from toolkid.models import (
    ExternalIdentity,
    IdentityProvider,
    Membership,
    OrganisationKind,
    Role,
    RoleMapping,
    User,
)
from toolkid.oidc import client as oidc_client
from toolkid.oidc.views import SESSION_OIDC
from toolkid.services import membership_grant

pytestmark = pytest.mark.django_db

START = reverse("oidc_start")
LOGIN = reverse("login")
HOME = reverse("home")
VERIFY = reverse("otp_verify")
SETUP = reverse("otp_setup")
REDIRECT_URI = "http://testserver" + reverse("oidc_callback")


@pytest.fixture
def mondriaan(make_organisation):
    return make_organisation("Mondriaan", OrganisationKind.VOLWASSENENZORG)


@pytest.fixture
def idp(oidc_provider, mondriaan) -> IdentityProvider:
    provider = IdentityProvider.objects.create(
        organisation=mondriaan,
        issuer=oidc_provider.issuer,
        client_id="toolkid-test",
        client_secret="geheim",
        email_domains="mondriaan.test",
        mfa_acr_values="urn:test:loa:hoog",
    )
    RoleMapping.objects.create(provider=provider, group="tk-zorg", role=Role.ZORGVERLENER)
    RoleMapping.objects.create(provider=provider, group="tk-team", role=Role.TEAMLEIDER)
    return provider


@pytest.fixture
def anna(make_user):
    return make_user(username="anna", email="anna@mondriaan.test")


def begin(client, email: str = "anna@mondriaan.test"):
    """The login page's second form: returns the provider URL the browser is sent to."""
    response = client.post(START, {"organisatie-email": email})
    assert response.status_code == 302
    return response["Location"]


def oidc_login(client, provider, sub: str, **claims):
    """The whole round trip: our start, the provider's own login, our callback."""
    provider.set_user(sub, **claims)
    back = provider.authorize(begin(client), sub)
    parts = urlsplit(back)
    assert parts.path == reverse("oidc_callback")
    return client.get(f"{parts.path}?{parts.query}")


def events(code: str):
    return AuditEvent.objects.filter(event=code)


def roles_of(user, organisation) -> set[str]:
    return set(
        Membership.objects.filter(user=user, organisation=organisation, is_active=True)
        .values_list("role", flat=True)
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_authorization_request_carries_state_nonce_and_pkce(client, idp, oidc_provider):
    url = begin(client)
    assert url.startswith(f"{oidc_provider.issuer}/oauth2/authorize?")
    params = query(url)
    pending = client.session[SESSION_OIDC]
    assert params["state"] == pending["state"] and params["nonce"] == pending["nonce"]
    assert params["code_challenge_method"] == "S256"
    assert params["code_challenge"] != pending["code_verifier"]
    assert params["redirect_uri"] == REDIRECT_URI
    assert params["scope"].split()[0] == "openid"


def test_mfa_token_links_verified_email_maps_roles_and_skips_totp(client, idp, oidc_provider, anna):
    response = oidc_login(
        client, oidc_provider, "sub-anna", email="anna@mondriaan.test", email_verified=True,
        amr=["pwd", "mfa"], groups=["tk-zorg", "andere-groep"],
    )
    assert response.status_code == 302 and response["Location"] == HOME
    home = client.get(HOME)
    assert home.status_code == 200
    assert home.wsgi_request.user == anna and home.wsgi_request.user.is_verified()
    assert home.wsgi_request.actor.organisation == idp.organisation
    assert ExternalIdentity.objects.get(provider=idp, sub="sub-anna").user == anna
    assert roles_of(anna, idp.organisation) == {Role.ZORGVERLENER}
    # L5: linking, the roles and the login with the provider's second factor.
    assert events("auth.oidc_identity_linked").get().payload["by_email"] is True
    assert events("membership.granted").filter(payload__role=Role.ZORGVERLENER).exists()
    mapped = events("auth.oidc_roles_mapped").get()
    assert mapped.payload["granted"] == [Role.ZORGVERLENER]
    login_event = events("auth.login").get(user=anna)
    assert login_event.payload["device_type"] == "oidc_mfa"
    assert login_event.payload["amr"] == ["pwd", "mfa"]
    assert not TOTPDevice.objects.filter(user=anna).exists()


def test_acr_named_by_the_provider_counts_as_two_factors(client, idp, oidc_provider, anna):
    response = oidc_login(
        client, oidc_provider, "sub-anna", email="anna@mondriaan.test", email_verified=True,
        acr="urn:test:loa:hoog", groups=["tk-zorg"],
    )
    assert response["Location"] == HOME
    assert client.get(HOME).wsgi_request.user.is_verified()
    assert events("auth.login").get(user=anna).payload["acr"] == "urn:test:loa:hoog"


def test_token_without_mfa_claim_asks_for_the_totp_code(client, idp, oidc_provider, anna):
    device = TOTPDevice.objects.create(user=anna, name="authenticator", confirmed=True)
    response = oidc_login(
        client, oidc_provider, "sub-anna", email="anna@mondriaan.test", email_verified=True,
        amr=["pwd"], acr="urn:test:loa:laag", groups=["tk-zorg"],
    )
    assert response["Location"] == VERIFY
    assert not logged_in(client)
    assert client.get(HOME).status_code == 302  # not in yet
    assert events("auth.oidc_verified").filter(user=anna).exists()
    assert not events("auth.login").exists()

    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post(VERIFY, {"code": code})
    assert response.status_code == 302
    assert client.get(HOME).wsgi_request.user.is_verified()
    payload = events("auth.login").get(user=anna).payload
    assert payload["device_type"] == "totp" and payload["first_factor"] == "oidc"


def test_user_without_totp_sets_one_up_after_a_single_factor_token(client, idp, oidc_provider, anna):
    response = oidc_login(
        client, oidc_provider, "sub-anna", email="anna@mondriaan.test", email_verified=True,
        groups=["tk-zorg"],
    )
    assert response["Location"] == VERIFY
    assert client.get(VERIFY)["Location"] == SETUP
    assert client.get(SETUP).status_code == 200
    assert not logged_in(client)


def test_roles_follow_the_groups_and_end_when_a_group_is_gone(client, idp, oidc_provider, anna):
    claims = {"email": "anna@mondriaan.test", "email_verified": True, "amr": ["mfa"]}
    oidc_login(client, oidc_provider, "sub-anna", groups=["tk-zorg", "tk-team"], **claims)
    assert roles_of(anna, idp.organisation) == {Role.ZORGVERLENER, Role.TEAMLEIDER}

    client.post(reverse("logout"))
    oidc_login(client, oidc_provider, "sub-anna", groups=["tk-zorg"], **claims)
    assert roles_of(anna, idp.organisation) == {Role.ZORGVERLENER}
    ended = events("membership.ended").get()
    assert ended.payload["role"] == Role.TEAMLEIDER
    assert ended.on_behalf_of == f"oidc:{idp.pk}"
    # Matched on (provider, sub) the second time: still one identity.
    assert ExternalIdentity.objects.filter(user=anna).count() == 1


def test_no_matching_group_gives_no_role_and_no_login(client, idp, oidc_provider, anna):
    membership_grant(actor=SYSTEM, user=anna, organisation=idp.organisation, role=Role.ZORGVERLENER)
    response = oidc_login(
        client, oidc_provider, "sub-anna", email="anna@mondriaan.test", email_verified=True,
        amr=["mfa"], groups=["marketing"],
    )
    assert response["Location"] == LOGIN
    assert not logged_in(client)
    # Never the previous roles silently.
    assert roles_of(anna, idp.organisation) == set()
    page = client.get(LOGIN)
    assert "zit in geen groep die toegang geeft tot toolKID" in page.content.decode()
    refused = events("auth.oidc_login_failed").get()
    assert refused.outcome == AuditOutcome.DENIED and refused.payload["reason"] == "no_group"


def test_provider_without_mappings_leaves_memberships_alone(client, idp, oidc_provider, anna):
    idp.role_mappings.all().delete()
    membership_grant(actor=SYSTEM, user=anna, organisation=idp.organisation, role=Role.JURIDISCH_ADVISEUR)
    response = oidc_login(
        client, oidc_provider, "sub-anna", email="anna@mondriaan.test", email_verified=True,
        amr=["mfa"], groups=["tk-zorg"],
    )
    assert response["Location"] == HOME
    assert roles_of(anna, idp.organisation) == {Role.JURIDISCH_ADVISEUR}
    assert not events("auth.oidc_roles_mapped").exists()


def test_unverified_email_is_not_linked(client, idp, oidc_provider, anna):
    response = oidc_login(
        client, oidc_provider, "sub-anna", email="anna@mondriaan.test", email_verified=False,
        amr=["mfa"], groups=["tk-zorg"],
    )
    assert response["Location"] == LOGIN
    assert not logged_in(client)
    assert not ExternalIdentity.objects.exists()
    assert "nog geen gebruiker voor dit organisatie-account" in client.get(LOGIN).content.decode()
    assert events("auth.oidc_login_failed").get().payload["reason"] == "no_user"


def test_user_of_another_organisation_is_never_linked(
    client, idp, oidc_provider, make_organisation, make_user
):
    elsewhere = make_organisation("Wijkteam Heerlen")
    other = make_user((elsewhere, Role.JEUGDHULPVERLENER), email="piet@mondriaan.test")
    response = oidc_login(
        client, oidc_provider, "sub-piet", email="piet@mondriaan.test", email_verified=True,
        amr=["mfa"], groups=["tk-zorg"],
    )
    assert response["Location"] == LOGIN and not logged_in(client)
    assert not ExternalIdentity.objects.exists()
    assert roles_of(other, idp.organisation) == set()


def test_jit_creates_the_user_on_first_login(client, idp, oidc_provider):
    idp.jit_users = True
    idp.save()
    response = oidc_login(
        client, oidc_provider, "sub-nieuw", email="nieuw@mondriaan.test", email_verified=True,
        given_name="Nina", family_name="Nieuw", amr=["mfa"], groups=["tk-team"],
    )
    assert response["Location"] == HOME
    user = User.objects.get(external_identities__sub="sub-nieuw")
    assert (user.email, user.first_name) == ("nieuw@mondriaan.test", "Nina")
    assert not user.has_usable_password()
    assert roles_of(user, idp.organisation) == {Role.TEAMLEIDER}
    assert events("auth.oidc_user_created").filter(user=user).exists()


def test_callback_with_a_wrong_state_is_refused(client, idp, oidc_provider, anna):
    oidc_provider.set_user("sub-anna", email="anna@mondriaan.test", email_verified=True, amr=["mfa"],
                           groups=["tk-zorg"])
    back = oidc_provider.authorize(begin(client), "sub-anna")
    params = query(back)
    response = client.get(reverse("oidc_callback"), {"code": params["code"], "state": "van-iemand-anders"})
    assert response["Location"] == LOGIN
    assert not logged_in(client)
    assert "niet in toolKID begonnen" in client.get(LOGIN).content.decode()
    assert events("auth.oidc_login_failed").get().payload["reason"] == "bad_state"
    assert not ExternalIdentity.objects.exists() and not events("auth.login").exists()
    # The attempt is used up: the right state afterwards does not log in either.
    client.get(f"{urlsplit(back).path}?{urlsplit(back).query}")
    assert not logged_in(client)


def test_id_token_with_another_nonce_is_refused(client, idp, oidc_provider, anna):
    oidc_provider.set_user("sub-anna", email="anna@mondriaan.test", email_verified=True, amr=["mfa"],
                           groups=["tk-zorg"])
    back = oidc_provider.authorize(begin(client), "sub-anna")
    session = client.session
    pending = session[SESSION_OIDC]
    pending["nonce"] = "een-andere-poging"
    session[SESSION_OIDC] = pending
    session.save()
    response = client.get(f"{urlsplit(back).path}?{urlsplit(back).query}")
    assert response["Location"] == LOGIN
    assert not logged_in(client)
    assert "kon niet worden gecontroleerd" in client.get(LOGIN).content.decode()
    assert events("auth.oidc_login_failed").get().payload["reason"] == "bad_nonce"
    assert not ExternalIdentity.objects.exists()


def test_token_of_another_issuer_is_refused(idp, oidc_provider, make_organisation):
    """A real token, signed with the same keys, but issued as http://localhost:<port>: the
    issuer of another organisation's provider. Ours refuses it."""
    foreign = IdentityProvider.objects.create(
        organisation=make_organisation("Andere organisatie"),
        issuer=oidc_provider.as_host("localhost").issuer,
        client_id="toolkid-test",
        client_secret="geheim",
    )
    oidc_provider.set_user("sub-x", amr=["mfa"])
    attempt = oidc_client.authorization_request(foreign, redirect_uri=REDIRECT_URI)
    code = query(oidc_provider.authorize(attempt.url, "sub-x"))["code"]
    tokens = oidc_client.exchange_code(
        foreign, code=code, redirect_uri=REDIRECT_URI, code_verifier=attempt.code_verifier
    )
    # The token is good for the provider it came from ...
    assert oidc_client.validate_id_token(foreign, tokens["id_token"], nonce=attempt.nonce)["sub"] == "sub-x"
    # ... and not for ours.
    with pytest.raises(oidc_client.OidcError) as refused:
        oidc_client.validate_id_token(idp, tokens["id_token"], nonce=attempt.nonce)
    assert refused.value.reason == "bad_claim_iss"


def test_token_for_another_client_is_refused(idp, oidc_provider):
    oidc_provider.set_user("sub-x", amr=["mfa"])
    attempt = oidc_client.authorization_request(idp, redirect_uri=REDIRECT_URI)
    code = query(oidc_provider.authorize(attempt.url, "sub-x"))["code"]
    tokens = oidc_client.exchange_code(idp, code=code, redirect_uri=REDIRECT_URI,
                                       code_verifier=attempt.code_verifier)
    idp.client_id = "een-ander-systeem"
    with pytest.raises(oidc_client.OidcError) as refused:
        oidc_client.validate_id_token(idp, tokens["id_token"], nonce=attempt.nonce)
    assert refused.value.reason == "bad_claim_aud"


def test_login_page_offers_the_organisation_account_only_when_configured(client, db, idp):
    assert "Inloggen met uw organisatie-account" in client.get(LOGIN).content.decode()
    idp.is_active = False
    idp.save()
    page = client.get(LOGIN).content.decode()
    assert "Inloggen met uw organisatie-account" not in page
    assert 'name="password"' in page


def test_unknown_domain_stays_on_the_login_page_with_a_dutch_error(client, idp):
    response = client.post(START, {"organisatie-email": "iemand@elders.test"})
    assert response.status_code == 200
    assert "kan toolKID niet inloggen met een organisatie-account" in response.content.decode()
    assert SESSION_OIDC not in client.session


def test_unreachable_provider_refuses_with_a_dutch_message(client, idp, mondriaan):
    idp.issuer = "http://127.0.0.1:9"  # nothing listens on the discard port
    idp.save()
    response = client.post(START, {"organisatie-email": "anna@mondriaan.test"})
    assert response["Location"] == LOGIN
    assert "niet bereikbaar" in client.get(LOGIN).content.decode()
    assert events("auth.oidc_login_failed").get().payload["reason"] == "provider_unreachable"


def test_rotated_signing_keys_are_fetched_again(client, idp, oidc_provider, anna):
    """The cache holds a key set the provider no longer signs with (it rotated): the login
    still works, because a token the cached keys cannot verify makes toolKID fetch them anew."""
    stale = KeySet.generate_key_set("RSA", 2048, count=1).as_dict(private=False)
    oidc_client.discovery(idp)
    jwks_key = oidc_client._cache_key("jwks", idp.issuer_url)
    cache.set(jwks_key, stale, 3600)
    response = oidc_login(
        client, oidc_provider, "sub-anna", email="anna@mondriaan.test", email_verified=True,
        amr=["mfa"], groups=["tk-zorg"],
    )
    assert response["Location"] == HOME
    assert cache.get(jwks_key) != stale


def test_token_signed_with_another_key_is_refused(idp, oidc_provider):
    """A token whose signature no key of the provider verifies, even after fetching them
    anew, is refused."""
    oidc_provider.set_user("sub-x", amr=["mfa"])
    attempt = oidc_client.authorization_request(idp, redirect_uri=REDIRECT_URI)
    code = query(oidc_provider.authorize(attempt.url, "sub-x"))["code"]
    tokens = oidc_client.exchange_code(idp, code=code, redirect_uri=REDIRECT_URI,
                                       code_verifier=attempt.code_verifier)
    claims = oidc_client.validate_id_token(idp, tokens["id_token"], nonce=attempt.nonce)
    forged = jwt.encode({"alg": "RS256"}, claims, RSAKey.generate_key(2048))
    with pytest.raises(oidc_client.OidcError) as refused:
        oidc_client.validate_id_token(idp, forged, nonce=attempt.nonce)
    assert refused.value.reason == "bad_signature"
