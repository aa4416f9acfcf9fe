"""load_demo and demo_code: idempotent demo data with known second factors, never in production."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEvent
from toolkid.management import demo
from toolkid.models import (
    ClosureDay,
    DecreeDay,
    Membership,
    Organisation,
    OrganisationKind,
    Role,
    User,
)
from toolkid.workdays import DEFAULT_DECREE_DAYS

pytestmark = pytest.mark.django_db

PRODUCTION = {"DEBUG": False, "SETTINGS_MODULE": "toolkid.settings.production"}
CODE_AT_END = re.compile(r"\s\d{6}$")


def load_demo() -> str:
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def demo_code(username: str, *args: str) -> str:
    out = StringIO()
    call_command("demo_code", username, *args, stdout=out)
    return out.getvalue().strip()


def counts() -> dict[str, int]:
    return {
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "totp_devices": TOTPDevice.objects.count(),
        "static_devices": StaticDevice.objects.count(),
        "static_tokens": StaticToken.objects.count(),
        "closure_days": ClosureDay.objects.count(),
        "decree_days": DecreeDay.objects.count(),
        "audit_events": AuditEvent.objects.count(),
    }


def without_codes(output: str) -> list[str]:
    """The output minus the current-code column, which moves with the clock."""
    return [CODE_AT_END.sub("", line) for line in output.splitlines()]


def test_load_demo_twice_creates_nothing_new_and_prints_the_same():
    first_output = load_demo()
    first = counts()
    second_output = load_demo()
    assert counts() == first
    assert without_codes(second_output) == without_codes(first_output)
    assert first["organisations"] == len(demo.ORGANISATIONS) == 17
    assert first["users"] == len(demo.USERS)
    assert first["totp_devices"] == first["static_devices"] == len(demo.USERS)


def test_demo_covers_every_role_the_seven_wijkteams_and_a_two_organisation_user():
    load_demo()
    assert set(Membership.objects.filter(is_active=True).values_list("role", flat=True)) == set(
        Role.values
    )
    wijkteams = Organisation.objects.filter(kind=OrganisationKind.WIJKTEAM)
    assert sorted(wijkteams.values_list("municipality", flat=True)) == sorted(
        ["Heerlen", "Kerkrade", "Landgraaf", "Brunssum", "Simpelveld", "Voerendaal", "Beekdaelen"]
    )
    assert all(org.name == f"Wijkteam {org.municipality}" for org in wijkteams)
    # Several roles live in several organisations, not all in one.
    assert Membership.objects.values("organisation").distinct().count() >= 8
    assert Organisation.objects.get(name="Mondriaan").kind == OrganisationKind.VOLWASSENENZORG
    assert Organisation.objects.get(name="Mondriaan Jeugd").kind == OrganisationKind.JEUGD_GGZ
    assert (
        Organisation.objects.get(name="Raad voor de Kinderbescherming Limburg").kind
        == OrganisationKind.RVDK
    )
    assert Organisation.objects.filter(kind=OrganisationKind.GI).count() == 3

    flex = User.objects.get(username="flex.parkstad")
    assert set(
        flex.memberships.filter(is_active=True).values_list("organisation__name", flat=True)
    ) == {"Wijkteam Landgraaf", "Wijkteam Brunssum"}
    assert User.objects.get(username="functioneel.beheer").is_functional_admin
    assert User.objects.filter(is_functional_admin=True).count() == 1


def test_demo_users_have_the_demo_password_and_known_confirmed_second_factors():
    load_demo()
    user = User.objects.get(username="zorg.mondriaan")
    assert user.check_password(demo.DEMO_PASSWORD)
    device = TOTPDevice.objects.get(user=user)
    assert device.confirmed
    assert device.key == hashlib.sha1(b"toolkid-demo:zorg.mondriaan").hexdigest()
    static = StaticDevice.objects.get(user=user)
    assert static.confirmed
    assert sorted(static.token_set.values_list("token", flat=True)) == sorted(
        demo.demo_backup_codes("zorg.mondriaan")
    )
    assert demo_code("zorg.mondriaan", "--reservecodes").split() == demo.demo_backup_codes(
        "zorg.mondriaan"
    )


def test_a_second_run_keeps_a_changed_password_and_an_ended_membership():
    load_demo()
    user = User.objects.get(username="jeugd.heerlen")
    user.set_password("een-eigen-wachtwoord-123")
    user.save()
    Membership.objects.filter(user=user).update(is_active=False)
    load_demo()
    user.refresh_from_db()
    assert user.check_password("een-eigen-wachtwoord-123")
    assert not Membership.objects.filter(user=user, is_active=True).exists()


def test_the_calendar_is_seeded():
    load_demo()
    mondriaan = Organisation.objects.get(name="Mondriaan")
    assert ClosureDay.objects.filter(organisation=mondriaan).count() == len(demo.CLOSURE_DAYS)
    assert set(DEFAULT_DECREE_DAYS) <= set(DecreeDay.objects.values_list("date", flat=True))


def test_the_printed_codes_verify_against_the_users_device():
    output = load_demo()
    line = next(line for line in output.splitlines() if line.startswith("zorg2.mondriaan "))
    secret, code = line.split()[-2:]
    device = TOTPDevice.objects.get(user__username="zorg2.mondriaan")
    assert secret == demo.base32_secret(device.bin_key)
    assert "zorgverlener@Mondriaan" in line
    assert device.verify_token(code)

    other = TOTPDevice.objects.get(user__username="jurist.mondriaan")
    printed = demo_code("jurist.mondriaan")
    assert re.fullmatch(r"\d{6}", printed)
    assert other.verify_token(printed)


def test_demo_code_for_an_unknown_user_is_an_error():
    load_demo()
    with pytest.raises(CommandError):
        demo_code("niemand")


def test_the_password_and_the_table_are_printed():
    output = load_demo()
    assert demo.DEMO_PASSWORD in output
    assert "TOTP-geheim" in output
    for spec in demo.USERS:
        assert re.search(rf"^{re.escape(spec.username)}\s", output, re.MULTILINE)


@override_settings(**PRODUCTION)
def test_load_demo_refuses_under_production_settings():
    with pytest.raises(CommandError, match="productie"):
        load_demo()
    assert Organisation.objects.count() == 0
    assert User.objects.count() == 0


def test_demo_code_refuses_under_production_settings():
    load_demo()
    with override_settings(**PRODUCTION), pytest.raises(CommandError, match="productie"):
        demo_code("zorg.mondriaan")
