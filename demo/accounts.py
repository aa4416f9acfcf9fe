"""Demo data for the Heerlen/Parkstad region: organisations, invented users and their
second factors with known secrets.

Everything here is deterministic, so that a developer (or a test, or the README) can log in
as any demo user: the password is :data:`DEMO_PASSWORD`, the TOTP secret of a user is
``base32(sha1("toolkid-demo:" + username))`` (20 bytes, the RFC 6238 default length) and the
backup codes are derived the same way (:func:`demo_backup_codes`).

Known secrets are fine for a demo and fatal in production. The ``demo`` app is therefore not
installed by the production settings (so ``load_demo`` and ``demo_code`` do not exist there), and
:func:`refuse_in_production` guards both commands as well, should the app ever be installed by
mistake. All names are invented; none is a real person.
"""

from __future__ import annotations

import hashlib
import os
from base64 import b32encode
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.management.base import CommandError
from django_otp.oath import TOTP

from toolkid.models import OrganisationKind, Role

#: The one password of every demo user; set only when the user is created.
DEMO_PASSWORD = "toolkid-demo-2026"  # noqa: S105 - demo data, refused in production

#: Name of the confirmed authenticator device each demo user gets.
DEMO_TOTP_DEVICE_NAME = "Demo-authenticator"
#: Name of the backup-code device each demo user gets.
DEMO_STATIC_DEVICE_NAME = "Demo-reservecodes"
DEMO_BACKUP_CODE_COUNT = 5


@dataclass(frozen=True)
class DemoOrganisation:
    name: str
    kind: str
    municipality: str = ""


# DOMAIN.md, "Organisations for realistic demo data". Mondriaan's youth unit is a separate
# organisation (a different kind, and organisation names are unique).
ORGANISATIONS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation("Mondriaan", OrganisationKind.VOLWASSENENZORG, "Heerlen"),
    DemoOrganisation("Mondriaan Jeugd", OrganisationKind.JEUGD_GGZ, "Heerlen"),
    DemoOrganisation("Veilig Thuis Zuid-Limburg", OrganisationKind.VEILIG_THUIS),
    DemoOrganisation("Bureau Jeugdzorg Limburg", OrganisationKind.GI),
    DemoOrganisation("William Schrikker Groep", OrganisationKind.GI),
    DemoOrganisation("Leger des Heils Jeugdbescherming & Reclassering", OrganisationKind.GI),
    DemoOrganisation("Raad voor de Kinderbescherming Limburg", OrganisationKind.RVDK),
    DemoOrganisation("XONAR", OrganisationKind.JEUGDHULP),
    DemoOrganisation("Koraal", OrganisationKind.JEUGDHULP),
    DemoOrganisation("Via Jeugd", OrganisationKind.JEUGDHULP),
    *(
        DemoOrganisation(f"Wijkteam {municipality}", OrganisationKind.WIJKTEAM, municipality)
        for municipality in (
            "Heerlen",
            "Kerkrade",
            "Landgraaf",
            "Brunssum",
            "Simpelveld",
            "Voerendaal",
            "Beekdaelen",
        )
    ),
)

#: Closure days of Mondriaan (L1: an organisation's own non-working days).
CLOSURE_DAYS: tuple[tuple[str, date, str], ...] = (
    ("Mondriaan", date(2026, 12, 24), "Kerstreces"),
    ("Mondriaan", date(2026, 12, 31), "Oudejaarsdag"),
    ("Mondriaan", date(2027, 12, 24), "Kerstreces"),
    ("Mondriaan", date(2027, 12, 31), "Oudejaarsdag"),
)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    memberships: tuple[tuple[str, str], ...] = ()  # (organisation name, role)
    is_functional_admin: bool = False


# Invented, Dutch-sounding names. At least one user per role; several organisations;
# flex.parkstad works for two wijkteams (and so has to choose which one she acts for).
USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "jeugd.heerlen", "Sanne", "Vermeulen", (("Wijkteam Heerlen", Role.JEUGDHULPVERLENER),)
    ),
    DemoUser("jeugd.kerkrade", "Joep", "Hermans", (("Wijkteam Kerkrade", Role.JEUGDHULPVERLENER),)),
    DemoUser("jeugd.xonar", "Femke", "Pluijmen", (("XONAR", Role.JEUGDHULPVERLENER),)),
    DemoUser("jeugd.mondriaan", "Stijn", "Coumans", (("Mondriaan Jeugd", Role.JEUGDHULPVERLENER),)),
    DemoUser(
        "gezinsvoogd.bjz",
        "Ilse",
        "Lemmens",
        (("Bureau Jeugdzorg Limburg", Role.JEUGDHULPVERLENER),),
    ),
    DemoUser(
        "raad.limburg",
        "Bart",
        "Coenen",
        (("Raad voor de Kinderbescherming Limburg", Role.JEUGDHULPVERLENER),),
    ),
    DemoUser(
        "vt.zuidlimburg",
        "Noor",
        "Schepers",
        (("Veilig Thuis Zuid-Limburg", Role.JEUGDHULPVERLENER),),
    ),
    DemoUser("zorg.mondriaan", "Maud", "Ramakers", (("Mondriaan", Role.ZORGVERLENER),)),
    DemoUser("zorg2.mondriaan", "Thijs", "Ubachs", (("Mondriaan", Role.ZORGVERLENER),)),
    DemoUser("teamleider.mondriaan", "Els", "Dassen", (("Mondriaan", Role.TEAMLEIDER),)),
    DemoUser("teamleider.heerlen", "Ruud", "Frijns", (("Wijkteam Heerlen", Role.TEAMLEIDER),)),
    DemoUser("jurist.mondriaan", "Lotte", "Houben", (("Mondriaan", Role.JURIDISCH_ADVISEUR),)),
    DemoUser("beheer.mondriaan", "Kim", "Bastiaens", (("Mondriaan", Role.BEHEERDER),)),
    DemoUser("beheer.heerlen", "Guido", "Smeets", (("Wijkteam Heerlen", Role.BEHEERDER),)),
    DemoUser("functioneel.beheer", "Anja", "Wolters", is_functional_admin=True),
    DemoUser(
        "flex.parkstad",
        "Mirthe",
        "Kleijnen",
        (
            ("Wijkteam Landgraaf", Role.JEUGDHULPVERLENER),
            ("Wijkteam Brunssum", Role.JEUGDHULPVERLENER),
        ),
    ),
)


def refuse_in_production() -> None:
    """Demo accounts with known secrets must never reach production."""
    module = getattr(settings, "SETTINGS_MODULE", None) or os.environ.get(
        "DJANGO_SETTINGS_MODULE", ""
    )
    if not settings.DEBUG and str(module).endswith("production"):
        raise CommandError(
            "Geweigerd: dit zijn productie-instellingen. Demo-gebruikers hebben een bekend "
            "wachtwoord en bekende codes voor de tweede factor en horen nooit in productie."
        )


def demo_totp_key(username: str) -> bytes:
    """The fixed 20-byte TOTP secret of a demo user."""
    return hashlib.sha1(f"toolkid-demo:{username}".encode()).digest()[:20]  # noqa: S324


def demo_totp_key_hex(username: str) -> str:
    """The secret as django-otp stores it (hex)."""
    return demo_totp_key(username).hex()


def base32_secret(key: bytes) -> str:
    """The secret as an authenticator app wants it typed in (base32, no padding)."""
    return b32encode(key).decode("ascii").rstrip("=")


def demo_backup_codes(username: str) -> list[str]:
    """The known backup codes of a demo user, in django-otp's own format (8 base32 chars)."""
    return [
        b32encode(hashlib.sha1(f"toolkid-demo-backup:{username}:{i}".encode()).digest()[:5])  # noqa: S324
        .decode("ascii")
        .lower()
        for i in range(1, DEMO_BACKUP_CODE_COUNT + 1)
    ]


def current_code(device) -> str:
    """The TOTP code a device accepts now, zero-padded to its number of digits."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"



# --------------------------------------------------------------------------------------------
# The demo users as the cases name them: (username, the organisation they act for)
# --------------------------------------------------------------------------------------------

#: The adult-care organisation every demo request goes to.
PROVIDER = "Mondriaan"

Who = tuple[str, str]

HEERLEN: Who = ("jeugd.heerlen", "Wijkteam Heerlen")
KERKRADE: Who = ("jeugd.kerkrade", "Wijkteam Kerkrade")
XONAR: Who = ("jeugd.xonar", "XONAR")
MONDRIAAN_JEUGD: Who = ("jeugd.mondriaan", "Mondriaan Jeugd")
BJZ: Who = ("gezinsvoogd.bjz", "Bureau Jeugdzorg Limburg")
RAAD: Who = ("raad.limburg", "Raad voor de Kinderbescherming Limburg")
VEILIG_THUIS: Who = ("vt.zuidlimburg", "Veilig Thuis Zuid-Limburg")
FLEX_LANDGRAAF: Who = ("flex.parkstad", "Wijkteam Landgraaf")
FLEX_BRUNSSUM: Who = ("flex.parkstad", "Wijkteam Brunssum")
ZORG: Who = ("zorg.mondriaan", PROVIDER)
ZORG2: Who = ("zorg2.mondriaan", PROVIDER)
TEAMLEIDER: Who = ("teamleider.mondriaan", PROVIDER)
JURIST: Who = ("jurist.mondriaan", PROVIDER)
