"""Login with two factors, read as the policy (DOMAIN.md L7 and L5).

# L7: health data requires two-factor login (NEN 7510 as the Dutch DPA reads it); a password
# alone is not enough.
# L5: every login, failure, lockout, second factor and logout is in the audit trail.

Time is frozen with time-machine (``clock``) and moved explicitly: TOTP codes, django-otp's
throttling, django-axes' cool-off and the session lifetimes all read the clock.
"""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.urls import reverse
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent, AuditOutcome
from toolkid.accounts import services
from toolkid.actors import Actor
from toolkid.models import Membership, Organisation, OrganisationKind, Role

PASSWORD = "correct-horse-battery-staple"
SYSTEM = Actor.system("tests")
LOGIN = reverse("login")
VERIFY = reverse("otp_verify")
SETUP = reverse("otp_setup")
BACKUP = reverse("backup_codes")
LOGOUT = reverse("logout")
HOME = reverse("home")

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------ helpers


@pytest.fixture
def clock():
    """Frozen time (a Monday morning); move it with ``clock.shift(seconds)``."""
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="anna", password=PASSWORD)


@pytest.fixture
def device(user):
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{value:0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    """Six digits the device will not accept now (not in the tolerance window)."""
    device.refresh_from_db()
    valid = set()
    for offset in range(-device.tolerance - 1, device.tolerance + 2):
        generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        generator.time = time.time() + offset * device.step
        valid.add(f"{generator.token():06d}")
    return next(c for c in (f"{d}" * 6 for d in range(10)) if c not in valid)


def password_step(client, username="anna", password=PASSWORD, next_url=None):
    url = LOGIN if next_url is None else f"{LOGIN}?next={next_url}"
    return client.post(url, {"username": username, "password": password})


def login_fully(client, device, username="anna"):
    response = password_step(client, username)
    assert response.status_code == 302 and response.url == VERIFY
    return client.post(VERIFY, {"code": code_now(device)})


def events(name: str):
    return AuditEvent.objects.filter(event=name)


def html(response) -> str:
    return response.content.decode()


# ------------------------------------------------------------------------- login page


def test_login_page_is_dutch_and_accessible(client):
    response = client.get(LOGIN)
    page = html(response)
    assert response.status_code == 200
    assert 'lang="nl"' in page
    assert "Inloggen" in page
    assert 'autocomplete="username"' in page
    assert 'autocomplete="current-password"' in page
    label = '<label class="utrecht-form-label utrecht-form-field__label" for="{}">{}</label>'
    assert label.format("id_username", "Gebruikersnaam") in page
    assert label.format("id_password", "Wachtwoord") in page


def test_password_alone_gives_no_access(client, user, device, clock):
    # L7: a password alone is not enough.
    response = password_step(client)
    assert response.status_code == 302
    assert response.url == VERIFY

    home = client.get(HOME)
    assert home.status_code == 302
    assert home.url.startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_password_and_totp_log_in_with_a_new_session_key(client, user, device, clock):
    # L7: both factors; the session key changes at each step (no session fixation).
    session = client.session
    session["probe"] = "before login"
    session.save()
    before = session.session_key

    password_step(client)
    pending_key = client.cookies["sessionid"].value
    assert pending_key != before
    assert not Session.objects.filter(session_key=before).exists()

    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.status_code == 302
    assert response.url == HOME
    logged_in_key = client.cookies["sessionid"].value
    assert logged_in_key not in (before, pending_key)
    assert not Session.objects.filter(session_key=pending_key).exists()

    home = client.get(HOME)
    assert home.status_code == 200
    assert client.session["_auth_user_id"] == str(user.pk)
    # The absolute 10-hour clock starts at login.
    assert "toolkid_login_at" in client.session

    # L5: the steps are in the audit trail, without the code.
    assert events("auth.password_verified").filter(user=user).exists()
    assert events("auth.otp_verified").filter(user=user, outcome=AuditOutcome.ALLOWED).exists()
    login_event = events("auth.login").get(user=user)
    assert login_event.ip_address == "127.0.0.1"
    assert login_event.payload == {"device_id": device.pk, "device_type": "totp", "first_factor": "password"}


def test_login_records_the_organisation_acted_for(client, user, device, clock):
    # L5: the user's role and organisation are logged.
    mondriaan = Organisation.objects.create(name="Mondriaan", kind=OrganisationKind.VOLWASSENENZORG)
    Membership.objects.create(user=user, organisation=mondriaan, role=Role.ZORGVERLENER)
    login_fully(client, device)
    event = events("auth.login").get(user=user)
    assert event.organisation == mondriaan
    assert event.role == Role.ZORGVERLENER


def test_wrong_password_gives_one_generic_dutch_error(client, user, django_user_model):
    # No user enumeration: an unknown name and a wrong password read the same.
    wrong_password = html(password_step(client, password="wrong-password-123"))
    unknown_user = html(password_step(client, username="nobody", password="wrong-password-123"))
    for page in (wrong_password, unknown_user):
        assert "Gebruikersnaam of wachtwoord onjuist." in page
        # Error summary at the top, linking to the field; inputs marked invalid.
        assert 'class="error-summary"' in page
        assert 'href="#id_username"' in page
        assert 'aria-invalid="true"' in page
        assert 'aria-describedby="formulierfout"' in page
        assert "Fout: Inloggen" in page
        # The password is never sent back.
        assert "wrong-password-123" not in page
    assert 'value="nobody"' in unknown_user  # what was typed is kept
    assert 'value="anna"' in wrong_password


def test_empty_fields_show_errors_next_to_the_fields(client):
    page = html(client.post(LOGIN, {"username": "", "password": ""}))
    assert "Vul uw gebruikersnaam in." in page
    assert "Vul uw wachtwoord in." in page
    assert 'id="id_username_error"' in page
    assert 'aria-describedby="id_username_error"' in page
    assert 'href="#id_password"' in page


def test_failed_login_of_unknown_user_is_audited_anonymously(client):
    # L5: denied access is logged too, with the typed name and the access point.
    password_step(client, username="x" * 200, password="whatever-it-is")
    event = events("auth.login_failed").get()
    assert event.outcome == AuditOutcome.DENIED
    assert event.user is None
    assert event.username == "x" * 150
    assert event.on_behalf_of == "anoniem"
    assert event.ip_address == "127.0.0.1"
    assert "whatever-it-is" not in str(event.payload)


def test_inactive_user_cannot_log_in(client, user, device):
    user.is_active = False
    user.save()
    response = password_step(client)
    assert response.status_code == 200
    assert "Gebruikersnaam of wachtwoord onjuist." in html(response)
    assert client.get(VERIFY).url == LOGIN


def test_logged_in_user_visiting_login_goes_home(client, user, device, clock):
    login_fully(client, device)
    response = client.get(LOGIN)
    assert response.status_code == 302
    assert response.url == HOME


# ----------------------------------------------------------------------- second factor


def test_second_step_page_is_dutch_with_one_time_code_input(client, user, device, clock):
    password_step(client)
    page = html(client.get(VERIFY))
    assert "Tweestapsverificatie" in page
    assert 'autocomplete="one-time-code"' in page
    assert 'inputmode="numeric"' in page
    assert "Gebruik een reservecode" in page


def test_wrong_totp_code_is_refused_in_dutch(client, user, device, clock):
    password_step(client)
    response = client.post(VERIFY, {"code": wrong_code(device)})
    page = html(response)
    assert response.status_code == 200
    assert "Onjuiste code." in page
    assert 'aria-invalid="true"' in page
    assert 'href="#id_code"' in page
    assert client.get(HOME).status_code == 302
    event = events("auth.otp_failed").get()
    assert event.user == user
    assert event.outcome == AuditOutcome.DENIED
    assert event.payload == {"reason": "wrong_code", "failures": 1}


def test_codes_in_quick_succession_are_throttled(client, user, device, clock):
    # django-otp throttles the device after a wrong code (1 s, 2 s, 4 s, ...).
    password_step(client)
    client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": code_now(device)})
    assert "Te veel pogingen, wacht even" in html(response)
    assert client.get(HOME).status_code == 302

    clock.shift(5)
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


def test_five_wrong_codes_end_the_pending_login(client, user, device, clock):
    password_step(client)
    for attempt in range(1, 5):
        response = client.post(VERIFY, {"code": wrong_code(device)})
        assert response.status_code == 200, attempt
        clock.shift(20)  # past the device's throttle delay
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 302
    assert response.url == LOGIN
    # The pending login is gone: a correct code is no use now.
    clock.shift(60)
    assert client.post(VERIFY, {"code": code_now(device)}).url == LOGIN
    assert client.get(HOME).status_code == 302
    # Counted as one failed login by django-axes.
    attempt = AccessAttempt.objects.get(username="anna")
    assert attempt.failures_since_start == 1
    assert events("auth.otp_failed").count() == 5
    assert events("auth.login_failed").filter(user=user).count() == 1
    follow = client.get(LOGIN)
    assert "Te vaak een onjuiste code ingevuld. Log opnieuw in." in html(follow)


def test_pending_login_expires_after_five_minutes(client, user, device, clock):
    password_step(client)
    clock.shift(5 * 60 + 1)
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.status_code == 302
    assert response.url == LOGIN
    assert client.get(HOME).status_code == 302


def test_second_step_without_password_goes_to_login(client, user, device):
    assert client.get(VERIFY).url == LOGIN
    assert client.get(SETUP).url == LOGIN


def test_user_deactivated_between_the_steps_cannot_finish(client, user, device, clock):
    password_step(client)
    user.is_active = False
    user.save()
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session


def test_backup_code_works_once(client, user, device, clock):
    codes = services.backup_codes_generate(actor=SYSTEM, user=user)
    code = codes[0]

    password_step(client)
    page = html(client.get(VERIFY + "?reservecode=1"))
    assert "Reservecode" in page
    assert 'autocomplete="off"' in page
    response = client.post(VERIFY, {"code": code, "reservecode": "1"})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200
    assert StaticToken.objects.filter(device__user=user).count() == 9
    used = events("auth.backup_code_used").get(user=user)
    assert used.payload["remaining"] == 9
    assert code.replace("-", "") not in str(used.payload)

    client.post(LOGOUT)
    clock.shift(60)
    password_step(client)
    response = client.post(VERIFY, {"code": code, "reservecode": "1"})
    assert response.status_code == 200
    assert "Onjuiste of al gebruikte reservecode." in html(response)
    assert client.get(HOME).status_code == 302


def test_backup_code_is_accepted_in_the_app_code_field_too(client, user, device, clock):
    codes = services.backup_codes_generate(actor=SYSTEM, user=user)
    password_step(client)
    # Typed without the dash and in capitals: still the same code.
    response = client.post(VERIFY, {"code": codes[1].replace("-", "").upper()})
    assert response.status_code == 302
    assert client.get(HOME).status_code == 200


# ---------------------------------------------------------------------------- lockout


def test_five_wrong_passwords_lock_out_even_the_right_password(client, user, device, clock):
    for attempt in range(1, 5):
        assert password_step(client, password=f"wrong-{attempt}").status_code == 200
    fifth = password_step(client, password="wrong-5")
    assert fifth.status_code == 429
    assert "Te veel mislukte pogingen" in html(fifth)
    assert "30 minuten" in html(fifth)

    right = password_step(client)
    assert right.status_code == 429
    assert "Te veel mislukte pogingen" in html(right)
    assert "_auth_user_id" not in client.session
    assert client.get(VERIFY).url == LOGIN

    # L5: every failure and the lockout are logged, with the typed name. An attempt during
    # the lockout counts as a failure too (axes restarts the cool-off), right password or not.
    assert events("auth.login_failed").filter(username="anna").count() == 6
    locked = events("auth.locked_out").filter(username="anna", outcome=AuditOutcome.DENIED)
    assert locked.count() == 2  # when it started, and the refused right password

    # 30 minutes after the last attempt the right password works again.
    clock.shift(31 * 60)
    response = password_step(client)
    assert response.status_code == 302
    assert response.url == VERIFY


# ---------------------------------------------------------------------------- redirects


def test_next_to_another_site_is_ignored(client, user, device, clock):
    password_step(client, next_url="http://evil.example/")
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.status_code == 302
    assert response.url == HOME


def test_next_on_this_site_is_honoured(client, user, device, clock):
    home = client.get(BACKUP)
    assert home.url == f"{LOGIN}?next={BACKUP}"
    password_step(client, next_url=BACKUP)
    response = client.post(VERIFY, {"code": code_now(device)})
    assert response.url == BACKUP


# ------------------------------------------------------------------------------ logout


def test_logout_by_post_ends_the_session(client, user, device, clock):
    login_fully(client, device)
    key = client.cookies["sessionid"].value

    confirm = client.get(LOGOUT)
    assert confirm.status_code == 200
    assert "Wilt u uitloggen" in html(confirm)
    assert client.get(HOME).status_code == 200  # GET does not log out

    response = client.post(LOGOUT)
    assert response.status_code == 302
    assert response.url == LOGIN
    assert not Session.objects.filter(session_key=key).exists()
    assert "U bent uitgelogd." in html(client.get(LOGIN))
    assert client.get(HOME).status_code == 302
    assert events("auth.logout").filter(user=user, outcome=AuditOutcome.ALLOWED).exists()


# ---------------------------------------------------------------------------- sessions


def test_session_ends_after_30_minutes_of_inactivity(client, user, device, clock):
    login_fully(client, device)
    clock.shift(29 * 60)
    assert client.get(HOME).status_code == 200  # activity extends the session
    clock.shift(31 * 60)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


def test_session_ends_after_10_hours_however_active(client, user, device, clock):
    login_fully(client, device)
    for _ in range(30):  # every 20 minutes, up to exactly 10 hours
        clock.shift(20 * 60)
        assert client.get(HOME).status_code == 200
    clock.shift(20 * 60)
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert client.get(HOME).status_code == 302


def test_deactivated_user_loses_access_on_the_next_request(client, user, device, clock):
    login_fully(client, device)
    assert client.get(HOME).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(HOME)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)


# -------------------------------------------------------------------------- enrolment


def test_first_login_enrols_with_a_local_qr_code_and_shows_backup_codes_once(client, user, clock):
    response = password_step(client)
    assert client.get(response.url).url == SETUP

    setup = client.get(SETUP)
    page = html(setup)
    assert setup.status_code == 200
    assert "Tweestapsverificatie instellen" in page
    # The QR code is inline SVG made on the server: no image, no external service.
    assert "<svg" in page
    assert 'role="img"' in page
    assert "<title>" in page
    assert "<img" not in page
    assert not re.search(r'src="https?://', page)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed is False
    # The secret for manual entry, in groups of four.
    assert re.search(r"([A-Z2-7]{4} ){7}[A-Z2-7]{4}", page)
    # Reloading keeps the same secret within this login.
    client.get(SETUP)
    assert TOTPDevice.objects.get(user=user).pk == device.pk

    wrong = client.post(SETUP, {"code": wrong_code(device)})
    assert wrong.status_code == 200
    assert "Onjuiste code." in html(wrong)
    assert client.get(HOME).status_code == 302

    clock.shift(5)
    response = client.post(SETUP, {"code": code_now(device)})
    assert response.status_code == 302
    assert response.url == BACKUP
    device.refresh_from_db()
    assert device.confirmed is True
    assert events("auth.otp_enrolled").filter(user=user).exists()

    shown = html(client.get(BACKUP))
    codes = re.findall(r'<code class="mono">([a-z0-9]{5}-[a-z0-9]{5})</code>', shown)
    assert len(codes) == 10 == len(set(codes))
    assert "Bewaar deze codes nu" in shown
    assert StaticToken.objects.filter(device__user=user).count() == 10

    again = html(client.get(BACKUP))
    assert not any(code in again for code in codes)
    assert "Nieuwe reservecodes maken" in again
    assert client.get(HOME).status_code == 200


def test_enrolment_page_cannot_add_a_second_app(client, user, device, clock):
    # A password alone must never register another authenticator.
    password_step(client)
    response = client.get(SETUP)
    assert response.status_code == 302
    assert response.url == VERIFY
    assert TOTPDevice.objects.filter(user=user).count() == 1


def test_enrolment_has_a_wider_window_than_the_code_step(client, user, clock):
    password_step(client)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user)
    clock.shift(10 * 60)  # installing an app takes a while
    response = client.post(SETUP, {"code": code_now(device)})
    assert response.url == BACKUP


def test_a_new_login_gets_a_new_secret(client, user, clock):
    password_step(client)
    client.get(SETUP)
    first = TOTPDevice.objects.get(user=user)
    client.post(LOGOUT)
    password_step(client)
    client.get(SETUP)
    second = TOTPDevice.objects.get(user=user)
    assert second.pk != first.pk
    assert second.key != first.key


def test_new_backup_codes_replace_the_old_ones(client, user, device, clock):
    old = services.backup_codes_generate(actor=SYSTEM, user=user)
    login_fully(client, device)

    response = client.post(BACKUP)
    assert response.status_code == 302
    shown = html(client.get(BACKUP))
    new = re.findall(r'<code class="mono">([a-z0-9]{5}-[a-z0-9]{5})</code>', shown)
    assert len(new) == 10
    assert not set(new) & set(old)
    assert services.verify_second_factor(user=user, token=old[0]) is None
    assert "Nieuwe reservecodes maken" not in shown  # not next to codes just made
    assert not any(code in html(client.get(BACKUP)) for code in new)
    generated = events("auth.backup_codes_generated").filter(user=user).last()
    assert generated.payload["replaced"] == 10


def test_backup_codes_page_needs_two_factor_login(client, user, device, clock):
    password_step(client)
    response = client.post(BACKUP)
    assert response.status_code == 302
    assert response.url.startswith(LOGIN)
    assert not StaticToken.objects.filter(device__user=user).exists()


def test_login_at_is_set_at_two_factor_login(client, user, device, clock):
    login_fully(client, device)
    assert client.session["toolkid_login_at"] == pytest.approx(
        datetime(2026, 3, 2, 8, 0, tzinfo=UTC).timestamp()
    )


def test_stopping_halfway_ends_the_pending_login(client, user, device, clock):
    password_step(client)
    response = client.post(LOGOUT)
    assert response.url == LOGIN
    assert "U bent gestopt met inloggen." in html(client.get(LOGIN))
    assert client.post(VERIFY, {"code": code_now(device)}).url == LOGIN
    assert not events("auth.logout").exists()


def test_second_step_after_login_goes_home(client, user, device, clock):
    login_fully(client, device)
    assert client.get(VERIFY).url == HOME
