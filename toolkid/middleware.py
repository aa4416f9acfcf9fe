"""Security headers, session lifetime, the organisation a user acts for, and two factors for every
page."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from toolkid.actors import Actor
from toolkid.selectors import roles_by_organisation

SESSION_LOGIN_AT = "toolkid_login_at"
SESSION_ACTING_ORG = "toolkid_acting_org"


def client_ip(request: HttpRequest) -> str | None:
    # Behind the production proxy REMOTE_ADDR is the proxy; gunicorn is started with
    # --forwarded-allow-ips so that REMOTE_ADDR is already the client there.
    return request.META.get("REMOTE_ADDR") or None


class PermissionsPolicyMiddleware:
    """``Permissions-Policy`` on every response of the app: the browser features toolKID never
    uses (camera, microphone, geolocation, payment, USB, …) are off for its pages and anything
    they could embed (ASVS V14.4; settings.TOOLKID_PERMISSIONS_POLICY, README "Beveiliging").
    Django has no setting for this header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.value = ", ".join(f"{feature}=()" for feature in settings.TOOLKID_PERMISSIONS_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.value)
        return response


class NoStoreMiddleware:
    """``Cache-Control: no-store, private`` on every response of the app's pages (ASVS V8.2.1):
    a page for a logged-in user carries personal data, and a page before login a CSRF token;
    neither belongs in the browser's cache or a proxy's. Static files (WhiteNoise, before this
    middleware) keep their long cache.

    A view that set its own Cache-Control keeps it when it already forbids storing (the consent
    download's ``no-store``, the PDFs' ``private, no-store``, ``never_cache``); one that would
    allow storing gets ``no-store`` and ``private`` added (``public`` goes).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        directives = {
            part.split("=", 1)[0].strip().lower()
            for part in response.get("Cache-Control", "").split(",")
        }
        if "no-store" not in directives:
            patch_cache_control(response, no_store=True, private=True)
        return response


class DutchFirstLocaleMiddleware(LocaleMiddleware):
    """Dutch unless the user chose English with the language switch (the cookie).

    The browser's Accept-Language is ignored: case workers on an English-language browser
    still get the protocol's own words.
    """

    def process_request(self, request: HttpRequest) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class AbsoluteSessionLifetimeMiddleware:
    """Ends a session 10 hours after login, however active it was (NEN 7510, L7).

    Inactivity (30 minutes) is handled by SESSION_COOKIE_AGE with SESSION_SAVE_EVERY_REQUEST.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        login_at = request.session.get(SESSION_LOGIN_AT)
        if login_at is not None and time.time() - login_at > settings.SESSION_ABSOLUTE_LIFETIME:
            request.session.flush()
            response = redirect(settings.LOGIN_URL)
            return response
        return self.get_response(request)


class ActingOrganisationMiddleware:
    """Sets ``request.actor``: the user, the organisation they act for and their roles there.

    A user with one organisation acts for it; with several, the choice is kept in the session
    and must still be one of their active memberships on every request (a membership can be
    ended while the session lives).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ip = client_ip(request)
        request.actor = Actor(user=None, ip_address=ip, system_name="anoniem")
        request.acting_choices = {}
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            choices = roles_by_organisation(user)
            request.acting_choices = choices
            org = None
            chosen = request.session.get(SESSION_ACTING_ORG)
            for candidate in choices:
                if candidate.pk == chosen:
                    org = candidate
            if org is None and len(choices) == 1:
                org = next(iter(choices))
                request.session[SESSION_ACTING_ORG] = org.pk
            request.actor = Actor(
                user=user,
                organisation=org,
                roles=choices.get(org, frozenset()) if org else frozenset(),
                ip_address=ip,
            )
        return self.get_response(request)


class TwoFactorRequiredMiddleware:
    """Every page needs a login with two factors (L7), the admin included.

    Runs after Django's authentication and django-otp: a session that is authenticated but not
    verified by a second factor is logged out. Views that must work before login are marked
    with ``django.contrib.auth.decorators.login_not_required``.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        if not getattr(view_func, "login_required", True):
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_verified():
            logout(request)
            messages.warning(request, _("Log opnieuw in met uw tweede factor."))
            return redirect(settings.LOGIN_URL)
        return None
