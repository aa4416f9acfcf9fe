"""The second-factor services (toolkid.accounts.services), without HTTP.

# L7: a code from the authenticator app or a single-use backup code is the second factor.
# L5: enrolment and backup codes are audited; codes never reach the audit trail.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent, AuditOutcome
from toolkid.accounts import services
from toolkid.actors import Actor

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


@pytest.fixture
def clock():
    with time_machine.travel(datetime(2026, 3, 2, 8, 0, tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def user(django_user_model):
    return django_user_model.objects.create_user(username="bram", password="correct-horse-battery")


def code_now(device: TOTPDevice) -> str:
    device.refresh_from_db()
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{value:06d}"


def all_payloads() -> str:
    return json.dumps(list(AuditEvent.objects.values_list("payload", flat=True)))


def test_totp_device_start_makes_a_fresh_unconfirmed_device(user):
    first = services.totp_device_start(actor=SYSTEM, user=user)
    second = services.totp_device_start(actor=SYSTEM, user=user)
    assert not TOTPDevice.objects.filter(pk=first.pk).exists()
    assert second.confirmed is False
    assert second.name == "authenticator"
    assert AuditEvent.objects.filter(event="auth.otp_enrolment_started").count() == 2


def test_totp_device_confirm(user, clock):
    device = services.totp_device_start(actor=SYSTEM, user=user)
    code = code_now(device)
    assert services.totp_device_confirm(actor=SYSTEM, device=device, token=code) is True
    device.refresh_from_db()
    assert device.confirmed is True
    assert AuditEvent.objects.filter(event="auth.otp_enrolled", object_id=str(device.pk)).exists()
    assert code not in all_payloads()


def test_totp_device_confirm_refuses_a_wrong_code_and_audits_it(user, clock):
    device = services.totp_device_start(actor=SYSTEM, user=user)
    wrong = "123456" if code_now(device) != "123456" else "654321"
    assert services.totp_device_confirm(actor=SYSTEM, device=device, token=wrong) is False
    device.refresh_from_db()
    assert device.confirmed is False
    event = AuditEvent.objects.get(event="auth.otp_failed")
    assert event.outcome == AuditOutcome.DENIED
    with pytest.raises(services.SecondFactorThrottled):
        services.totp_device_confirm(actor=SYSTEM, device=device, token=code_now(device))


def test_backup_codes_generate_ten_single_use_codes(user):
    codes = services.backup_codes_generate(actor=SYSTEM, user=user)
    assert len(codes) == 10 == len(set(codes))
    for code in codes:
        assert re.fullmatch(r"[a-z2-9]{5}-[a-z2-9]{5}", code)
        assert not set(code) & set("01ilo")
    device = StaticDevice.objects.get(user=user, name="reservecodes")
    assert device.confirmed
    assert device.token_set.count() == 10

    assert services.verify_second_factor(user=user, token=codes[0]) == device
    assert services.verify_second_factor(user=user, token=codes[0]) is None
    assert device.token_set.count() == 9

    event = AuditEvent.objects.get(event="auth.backup_codes_generated")
    assert event.payload == {"count": 10, "replaced": 0, "new_device": True}
    assert not any(code.replace("-", "") in all_payloads() for code in codes)


def test_backup_codes_generate_replaces_all_old_codes(user, clock):
    old = services.backup_codes_generate(actor=SYSTEM, user=user)
    new = services.backup_codes_generate(actor=SYSTEM, user=user)
    assert not set(old) & set(new)
    assert StaticToken.objects.filter(device__user=user).count() == 10
    assert services.verify_second_factor(user=user, token=old[0]) is None
    clock.shift(2)  # past the throttle delay of the wrong code
    assert services.verify_second_factor(user=user, token=new[0]) is not None


def test_verify_second_factor_checks_the_app_first(user, clock):
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    services.backup_codes_generate(actor=SYSTEM, user=user)
    assert services.verify_second_factor(user=user, token=code_now(device)) == device
    # The same app code is not accepted twice (replay).
    assert services.verify_second_factor(user=user, token=code_now(device)) is None


def test_a_backup_code_does_not_count_as_a_wrong_app_code(user, clock):
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    codes = services.backup_codes_generate(actor=SYSTEM, user=user)
    assert services.verify_second_factor(user=user, token=codes[0]) is not None
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_unconfirmed_devices_are_not_a_second_factor(user, clock):
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    assert services.verify_second_factor(user=user, token=code_now(device)) is None


def test_throttled_device_raises(user, clock):
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    right = code_now(device)
    wrong = "111111" if right != "111111" else "222222"
    assert services.verify_second_factor(user=user, token=wrong) is None
    with pytest.raises(services.SecondFactorThrottled) as caught:
        services.verify_second_factor(user=user, token=right)
    assert caught.value.locked_until is not None
    clock.shift(2)
    assert services.verify_second_factor(user=user, token=right) == device


def test_empty_token_is_not_checked(user):
    assert services.verify_second_factor(user=user, token="  ") is None
