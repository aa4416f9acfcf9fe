"""Login with the organisation's own account (OpenID Connect authorization code flow + PKCE).

1. ``start``: the e-mail address typed beside the password form finds the organisation's
   provider (home-realm discovery); the browser goes to the provider with a fresh state, nonce
   and PKCE verifier, kept in the session.
2. ``callback``: state checked, code exchanged, ID token validated, the person found or
   linked, roles mapped. Then the MFA rule (L7): a token that shows two factors logs in at
   once (``OidcMfaDevice``); otherwise the existing TOTP step follows, as after a password.

Every refusal is audited and leaves nobody logged in; the person sees a Dutch message.
"""

from __future__ import annotations

import secrets
import time

import django_otp
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from toolkid.accounts.forms import LoginForm
from toolkid.accounts.services import record_auth_event
from toolkid.accounts.views import SESSION_PENDING, _actor_for, _safe_next, _start_pending
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.middleware import SESSION_ACTING_ORG, SESSION_LOGIN_AT, client_ip
from toolkid.models import Membership
from toolkid.oidc import client, mfa
from toolkid.oidc.forms import HomeRealmForm, allow_provider_redirects
from toolkid.oidc.mapping import mapped_roles, memberships_sync
from toolkid.oidc.models import IdentityProvider
from toolkid.oidc.services import OidcRefused, identity_resolve

#: The attempt waiting for the provider's answer: provider, state, nonce, PKCE verifier, next.
SESSION_OIDC = "oidc_pending_login"
#: How long the provider's login page may take (typing a password and a second factor there).
OIDC_SECONDS = 10 * 60
BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refuse(request: HttpRequest, reason: str, message: str, *, user=None, provider_id=None) -> HttpResponse:
    """Audit the refusal, show ``message`` on the login page; nobody is logged in."""
    request.session.pop(SESSION_OIDC, None)
    actor = (
        _actor_for(request, user)
        if user is not None
        else Actor(user=None, system_name="anoniem", ip_address=client_ip(request))
    )
    record_auth_event(
        actor=actor,
        event=ToolkidAuditCode.OIDC_LOGIN_FAILED,
        denied=True,
        payload={"reason": reason[:60], "provider_id": provider_id},
    )
    messages.error(request, message)
    return redirect("login")


def _unusable_answer() -> str:
    return _(
        "Het antwoord van de identiteitsprovider van uw organisatie kon niet worden gecontroleerd. "
        "U bent niet ingelogd. Probeer het opnieuw of neem contact op met de beheerder van uw "
        "organisatie."
    )


def _unreachable() -> str:
    return _(
        "De identiteitsprovider van uw organisatie is nu niet bereikbaar. Probeer het later opnieuw "
        "of log in met uw gebruikersnaam en wachtwoord."
    )


def redirect_uri(request: HttpRequest) -> str:
    """The callback URL to register at the provider (README: "Inloggen met het
    organisatie-account")."""
    return request.build_absolute_uri(reverse("oidc_callback"))


@login_not_required
@never_cache
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """Home-realm discovery: the address's domain names the organisation's provider."""
    form = HomeRealmForm(request.POST)
    next_url = _safe_next(request, request.POST.get("next"))
    if not form.is_valid():
        return allow_provider_redirects(
            render(
                request,
                "registration/login.html",
                {"form": LoginForm(request), "realm_form": form, "next": next_url},
            )
        )
    provider = form.provider
    try:
        attempt = client.authorization_request(provider, redirect_uri=redirect_uri(request))
    except client.OidcError as exc:
        return _refuse(request, exc.reason, _unreachable(), provider_id=provider.pk)
    request.session[SESSION_OIDC] = {
        "provider_id": provider.pk,
        "state": attempt.state,
        "nonce": attempt.nonce,
        "code_verifier": attempt.code_verifier,
        "next": next_url,
        "at": time.time(),
    }
    return redirect(attempt.url)


def _pending(request: HttpRequest) -> dict | None:
    """The attempt this callback answers, once (popped): ``None`` when there is none, it is
    too old, or the ``state`` is not ours (a forged or replayed callback, CSRF on login)."""
    pending = request.session.pop(SESSION_OIDC, None)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > OIDC_SECONDS:
        return None
    state = request.GET.get("state", "")
    if not state or not secrets.compare_digest(state, pending.get("state", "")):
        return None
    return pending


@login_not_required
@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    pending = _pending(request)
    if pending is None:
        return _refuse(
            request,
            "bad_state",
            _(
                "Deze inlogpoging is verlopen of niet in toolKID begonnen. U bent niet ingelogd. "
                "Probeer het opnieuw."
            ),
        )
    provider = IdentityProvider.objects.select_related("organisation").filter(
        pk=pending["provider_id"], is_active=True
    ).first()
    if provider is None:
        return _refuse(request, "provider_inactive", _unreachable())
    if request.GET.get("error") or not request.GET.get("code"):
        return _refuse(
            request,
            "provider_error",
            _(
                "De identiteitsprovider van uw organisatie heeft het inloggen niet toegestaan. "
                "U bent niet ingelogd."
            ),
            provider_id=provider.pk,
        )
    try:
        tokens = client.exchange_code(
            provider, code=request.GET["code"], redirect_uri=redirect_uri(request),
            code_verifier=pending["code_verifier"],
        )
        claims = client.validate_id_token(provider, tokens["id_token"], nonce=pending["nonce"])
    except client.OidcError as exc:
        message = _unreachable() if exc.reason == "provider_unreachable" else _unusable_answer()
        return _refuse(request, exc.reason, message, provider_id=provider.pk)
    return _finish(request, provider, claims, pending)


def _finish(request: HttpRequest, provider: IdentityProvider, claims: dict, pending: dict) -> HttpResponse:
    """A valid token: find the person, map the roles, then the MFA rule."""
    ip = client_ip(request)
    try:
        user = identity_resolve(provider=provider, claims=claims, ip_address=ip)
    except OidcRefused as refusal:
        return _refuse(request, refusal.reason, refusal.message, provider_id=provider.pk)
    roles = mapped_roles(provider, claims)
    if roles is not None:
        memberships_sync(provider=provider, user=user, roles=roles, ip_address=ip)
        if not roles:
            refusal = OidcRefused("no_group")
            return _refuse(request, refusal.reason, refusal.message, user=user, provider_id=provider.pk)
    next_url = _safe_next(request, pending.get("next"))
    user.backend = BACKEND
    if mfa.is_multi_factor(provider, claims):
        return _login_with_provider_mfa(request, user, provider, claims, next_url)
    _start_pending(request, user, next_url)
    state = request.session[SESSION_PENDING]
    state["first_factor"] = "oidc"
    request.session[SESSION_PENDING] = state
    record_auth_event(
        actor=_actor_for(request, user),
        event=ToolkidAuditCode.OIDC_VERIFIED,
        payload={"provider_id": provider.pk, **mfa.audit_values(claims)},
    )
    return redirect("otp_verify")


def _login_with_provider_mfa(
    request: HttpRequest, user, provider: IdentityProvider, claims: dict, next_url: str
) -> HttpResponse:
    """Both factors checked by the provider: log in (new session key, as after TOTP), mark the
    session verified through the user's ``OidcMfaDevice``, start the 10-hour clock (L7)."""
    device = mfa.mfa_device_for(user)
    login(request, user, backend=BACKEND)
    django_otp.login(request, device)
    request.session[SESSION_LOGIN_AT] = time.time()
    # A password login left half-way in this browser must not be finished by a code later.
    request.session.pop(SESSION_PENDING, None)
    if Membership.objects.filter(user=user, organisation=provider.organisation, is_active=True).exists():
        # Logged in through this organisation's account: acting for it is the natural default.
        request.session[SESSION_ACTING_ORG] = provider.organisation_id
    record_auth_event(
        actor=_actor_for(request, user),
        event=ToolkidAuditCode.LOGIN,
        payload={
            "device_id": device.pk,
            "device_type": "oidc_mfa",
            "provider_id": provider.pk,
            **mfa.audit_values(claims),
        },
    )
    return redirect(next_url or "home")
