"""Login with two factors (L7), enrolment of the authenticator app, backup codes, logout.

The flow:
1. ``login``: user name and password. A correct password does not log in; it stores a
   *pending login* (user id, time) in a session with a new key.
2. ``otp_verify``: a code from the app or a backup code. Only then ``auth.login()``.
   Without a confirmed app the user goes to
3. ``otp_setup``: QR code (rendered here, inline SVG), the first code confirms the app,
   ten backup codes are made and shown once on ``backup_codes``.

Every step is audited (L5); codes and passwords never are.
"""

from __future__ import annotations

import time
from base64 import b32encode

import django_otp
import segno
from axes.helpers import get_lockout_response
from django.contrib import messages
from django.contrib.auth import get_user_model, login, logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from toolkid.accounts.forms import EnrolmentForm, LoginForm, SecondFactorForm
from toolkid.accounts.services import (
    SecondFactorThrottled,
    backup_codes_generate,
    backup_codes_remaining,
    device_kind,
    has_confirmed_totp_device,
    record_auth_event,
    totp_device_confirm,
    totp_device_start,
    verify_second_factor,
)
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.middleware import SESSION_LOGIN_AT, client_ip
from toolkid.oidc.forms import allow_provider_redirects, sso_context
from toolkid.selectors import roles_by_organisation

#: The pending login: a correct password, waiting for the second factor.
SESSION_PENDING = "accounts_pending_login"
#: Backup codes just made, shown once by ``backup_codes`` and then gone.
SESSION_FRESH_CODES = "accounts_fresh_backup_codes"

#: How long a correct password waits for its second factor.
PENDING_SECONDS = 5 * 60
#: Enrolling takes longer (installing an app, scanning): the same login, a wider window.
ENROLMENT_SECONDS = 15 * 60
#: Wrong codes within one pending login before it is dropped (and counted by axes).
MAX_CODE_FAILURES = 5


# ----------------------------------------------------------------------------- helpers


def _anonymous_actor(request: HttpRequest) -> Actor:
    return Actor(user=None, system_name="anoniem", ip_address=client_ip(request))


def _actor_for(request: HttpRequest, user) -> Actor:
    """The actor for the audit trail of a login step: the organisation is known when the
    user has exactly one (the middleware makes the same choice on the next request)."""
    choices = roles_by_organisation(user)
    organisation, roles = None, frozenset()
    if len(choices) == 1:
        organisation, roles = next(iter(choices.items()))
    return Actor(user=user, organisation=organisation, roles=roles, ip_address=client_ip(request))


def _safe_next(request: HttpRequest, target: str | None) -> str:
    """``target`` when it stays on this site, else empty (no open redirect)."""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def _start_pending(request: HttpRequest, user, next_url: str) -> None:
    # A new key before anything is tied to the user: a session id planted before login is
    # worth nothing (session fixation). login() cycles it once more after the second factor.
    request.session.cycle_key()
    request.session.pop(SESSION_FRESH_CODES, None)
    request.session[SESSION_PENDING] = {
        "user_id": user.pk,
        "backend": user.backend,
        "at": time.time(),
        "failures": 0,
        "next": next_url,
    }


def _load_pending(request: HttpRequest, max_age: int):
    """``(state, user)`` of a valid pending login, else ``None`` (and the state is dropped)."""
    state = request.session.get(SESSION_PENDING)
    if not isinstance(state, dict):
        return None
    if time.time() - state.get("at", 0) > max_age:
        request.session.pop(SESSION_PENDING, None)
        return None
    user = get_user_model().objects.filter(pk=state.get("user_id"), is_active=True).first()
    if user is None:
        request.session.pop(SESSION_PENDING, None)
        return None
    return state, user


def _no_pending(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated and request.user.is_verified():
        # Already logged in (e.g. the back button after login): nothing to finish.
        return redirect("home")
    messages.warning(request, _("Uw inlogpoging is verlopen. Log opnieuw in."))
    return redirect("login")


def _complete_login(request: HttpRequest, user, device: Device, state: dict) -> str:
    """Both factors given: log in (new session key), remember the device, start the 10-hour
    clock. Returns where to go next."""
    login(request, user, backend=state["backend"])
    django_otp.login(request, device)
    request.session[SESSION_LOGIN_AT] = time.time()
    request.session.pop(SESSION_PENDING, None)
    record_auth_event(
        actor=_actor_for(request, user),
        event=ToolkidAuditCode.LOGIN,
        payload={
            "device_id": device.pk,
            "device_type": device_kind(device),
            # The first factor: the password, or the organisation's account (toolkid.oidc).
            "first_factor": state.get("first_factor", "password"),
        },
    )
    return _safe_next(request, state.get("next")) or ""


def _qr_svg(device: TOTPDevice) -> str:
    """The enrolment QR code as inline SVG, made here: the secret never leaves the server
    for an image service."""
    title = _("QR-code om toolKID toe te voegen aan uw authenticator-app")
    svg = segno.make(device.config_url, error="m").svg_inline(
        # A white quiet zone whatever the page colour: scanners need the contrast.
        scale=4,
        title=title,
        light="#ffffff",
        svgclass="qr-code",
        lineclass=None,
    )
    return mark_safe(  # noqa: S308 - segno output with our own (escaped) title, no user input
        svg.replace("<svg ", format_html('<svg role="img" aria-label="{}" ', title), 1)
    )


def _secret_groups(device: TOTPDevice) -> str:
    secret = b32encode(device.bin_key).decode("ascii")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _check_code(
    request: HttpRequest, user, state: dict, form: SecondFactorForm, use_backup: bool
) -> HttpResponse | None:
    """The code of a valid form: a redirect when the login completes or is dropped, else
    ``None`` with the reason on the form (the page is shown again)."""
    actor = _actor_for(request, user)
    try:
        device = verify_second_factor(user=user, token=form.cleaned_data["code"])
    except SecondFactorThrottled:
        record_auth_event(
            actor=actor, event=ToolkidAuditCode.OTP_FAILED, denied=True, payload={"reason": "throttled"}
        )
        form.add_error("code", _("Te veel pogingen, wacht even en probeer het dan opnieuw."))
        return None
    if device is not None:
        _record_code_accepted(actor, user, device)
        target = _complete_login(request, user, device, state)
        return redirect(target or "home")
    return _wrong_code(request, actor, user, state, form, use_backup)


def _record_code_accepted(actor: Actor, user, device: Device) -> None:
    """The audit event of an accepted code: a backup code (with how many are left) or the app."""
    if device_kind(device) == "static":
        record_auth_event(
            actor=actor,
            event=ToolkidAuditCode.BACKUP_CODE_USED,
            payload={"device_id": device.pk, "remaining": backup_codes_remaining(user)},
        )
    else:
        record_auth_event(
            actor=actor, event=ToolkidAuditCode.OTP_VERIFIED, payload={"device_id": device.pk}
        )


def _wrong_code(
    request: HttpRequest, actor: Actor, user, state: dict, form: SecondFactorForm, use_backup: bool
) -> HttpResponse | None:
    """Counts a wrong code; after ``MAX_CODE_FAILURES`` the pending login is dropped (a
    redirect to the login page), before that the reason goes on the form (``None``)."""
    state["failures"] = state.get("failures", 0) + 1
    record_auth_event(
        actor=actor,
        event=ToolkidAuditCode.OTP_FAILED,
        denied=True,
        payload={"reason": "wrong_code", "failures": state["failures"]},
    )
    if state["failures"] >= MAX_CODE_FAILURES:
        request.session.pop(SESSION_PENDING, None)
        # Counts as one failed login for django-axes (lockout per name and address).
        user_login_failed.send(
            sender=__name__, credentials={"username": user.get_username()}, request=request
        )
        record_auth_event(
            actor=actor,
            event=ToolkidAuditCode.LOGIN_FAILED,
            denied=True,
            payload={"step": "second_factor", "failures": state["failures"]},
        )
        messages.error(request, _("Te vaak een onjuiste code ingevuld. Log opnieuw in."))
        return redirect("login")
    request.session[SESSION_PENDING] = state
    if use_backup:
        form.add_error("code", _("Onjuiste of al gebruikte reservecode."))
    else:
        form.add_error(
            "code",
            _(
                "Onjuiste code. Kijk of u de code van toolKID in de app gebruikt en "
                "probeer het opnieuw."
            ),
        )
    return None


# ------------------------------------------------------------------------------- views


@login_not_required
@never_cache
@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: user name and password (the first factor)."""
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next"))
    user = request.user
    if user.is_authenticated and user.is_verified():
        return redirect(next_url or "home")

    form = LoginForm(request, data=request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if form.is_valid():
            user = form.get_user()
            _start_pending(request, user, next_url)
            record_auth_event(actor=_actor_for(request, user), event=ToolkidAuditCode.PASSWORD_VERIFIED)
            return redirect("otp_verify")
        if form.credentials_refused:
            username = form.cleaned_data.get("username", "")
            # axes sets axes_failures_since_start only when it counted this attempt. Whether
            # an attempt during a lockout counts (and restarts the cool-off) is axes' setting
            # AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT (default: it does).
            counted = getattr(request, "axes_failures_since_start", 0) is not None
            if counted or not form.locked_out:
                record_auth_event(
                    actor=_anonymous_actor(request),
                    event=ToolkidAuditCode.LOGIN_FAILED,
                    denied=True,
                    username=username,
                    payload={"step": "password"},
                )
            if form.locked_out:
                record_auth_event(
                    actor=_anonymous_actor(request),
                    event=ToolkidAuditCode.LOCKED_OUT,
                    denied=True,
                    username=username,
                    payload={"step": "password"},
                )
                # The same page AxesMiddleware would render (registration/locked_out.html, 429).
                return get_lockout_response(request, None, {"username": username})
    return allow_provider_redirects(
        render(request, "registration/login.html", {"form": form, "next": next_url, **sso_context()})
    )


@login_not_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    """Step 2: a code from the authenticator app, or a backup code."""
    pending = _load_pending(request, PENDING_SECONDS)
    if pending is None:
        return _no_pending(request)
    state, user = pending
    if not has_confirmed_totp_device(user):
        return redirect("otp_setup")

    use_backup = (request.POST.get("reservecode") or request.GET.get("reservecode")) == "1"
    form = SecondFactorForm(
        request.POST if request.method == "POST" else None, use_backup=use_backup
    )
    if request.method == "POST" and form.is_valid():
        response = _check_code(request, user, state, form, use_backup)
        if response is not None:
            return response
    return render(
        request,
        "registration/otp_verify.html",
        {"form": form, "use_backup": use_backup},
    )


@login_not_required
@never_cache
@sensitive_post_parameters("code")
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First login: add toolKID to an authenticator app, confirm with its first code."""
    pending = _load_pending(request, ENROLMENT_SECONDS)
    if pending is None:
        return _no_pending(request)
    state, user = pending
    if has_confirmed_totp_device(user):
        # Never a second app through a password alone.
        return redirect("otp_verify")

    actor = _actor_for(request, user)
    device = None
    if state.get("device_id"):
        device = TOTPDevice.objects.filter(
            pk=state["device_id"], user=user, confirmed=False
        ).first()
    form = EnrolmentForm(request.POST if request.method == "POST" else None)
    if device is None:
        device = totp_device_start(actor=actor, user=user)
        state["device_id"] = device.pk
        request.session[SESSION_PENDING] = state
        # A code typed for a device that no longer exists cannot be right: start afresh.
        form = EnrolmentForm()
    elif request.method == "POST" and form.is_valid():
        try:
            confirmed = totp_device_confirm(
                actor=actor, device=device, token=form.cleaned_data["code"]
            )
        except SecondFactorThrottled:
            form.add_error("code", _("Te veel pogingen, wacht even en probeer het dan opnieuw."))
        else:
            if confirmed:
                codes = backup_codes_generate(actor=actor, user=user)
                device.refresh_from_db()
                target = _complete_login(request, user, device, state)
                request.session[SESSION_FRESH_CODES] = {"codes": codes, "next": target}
                messages.success(request, _("Tweestapsverificatie is ingesteld."))
                return redirect("backup_codes")
            form.add_error(
                "code",
                _(
                    "Onjuiste code. Scan de QR-code opnieuw of typ de sleutel over, en vul de "
                    "code in die de app nu toont."
                ),
            )
    return render(
        request,
        "registration/otp_setup.html",
        {"form": form, "qr_svg": _qr_svg(device), "secret": _secret_groups(device)},
    )


@never_cache
@require_http_methods(["GET", "POST"])
def backup_codes(request: HttpRequest) -> HttpResponse:
    """Backup codes: shown once right after they were made; new ones replace all old ones.

    Needs a user logged in with two factors (TwoFactorRequiredMiddleware)."""
    if request.method == "POST":
        codes = backup_codes_generate(actor=request.actor, user=request.user)
        request.session[SESSION_FRESH_CODES] = {"codes": codes, "next": ""}
        messages.success(
            request,
            _("Uw nieuwe reservecodes zijn gemaakt. De oude reservecodes werken niet meer."),
        )
        return redirect("backup_codes")
    fresh = request.session.pop(SESSION_FRESH_CODES, None) or {}
    return render(
        request,
        "account/backup_codes.html",
        {
            "codes": fresh.get("codes") or [],
            "next_url": _safe_next(request, fresh.get("next")),
            "remaining": backup_codes_remaining(request.user),
        },
    )


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def logout_view(request: HttpRequest) -> HttpResponse:
    """Logout is a POST (a link or image cannot log anyone out); GET asks to confirm."""
    if request.method == "POST":
        was_logged_in = request.user.is_authenticated
        if was_logged_in:
            record_auth_event(actor=request.actor, event=ToolkidAuditCode.LOGOUT)
        # Also ends a pending login ("Stoppen met inloggen").
        logout(request)
        if was_logged_in:
            messages.success(request, _("U bent uitgelogd."))
        else:
            messages.info(request, _("U bent gestopt met inloggen."))
        return redirect("login")
    if not request.user.is_authenticated:
        return redirect("login")
    return render(request, "account/logout.html")
