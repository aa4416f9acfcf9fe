"""Demo data for the Heerlen/Parkstad region: organisations, invented users and their
second factors with known secrets.

Everything here is deterministic, so that a developer (or a test, or the README) can log in
as any demo user: the password is :data:`DEMO_PASSWORD`, the TOTP secret of a user is
``base32(sha1("toolkid-demo:" + username))`` (20 bytes, the RFC 6238 default length) and the
backup codes are derived the same way (:func:`demo_backup_codes`).

Known secrets are fine for a demo and fatal in production: :func:`refuse_in_production`
guards both commands that use this module. All names are invented; none is a real person.
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


# ============================================================================================
# Follow-up after the answer (issue 4): one case per state of the duties, the path-C hold,
# feedback, secondary use, filing, Veilig Thuis, deviations, the Kindcheck and the reverse
# direction. Called by ``load_demo`` after the request cases (``demo_requests``); made through
# the real services as the demo users; idempotent (a request case is keyed by its submit token,
# a Kindcheck case by its demo client's name).
# ============================================================================================


#: The follow-up cases that file an information request (each keyed by its slug).
FOLLOWUP_REQUEST_SLUGS: tuple[str, ...] = (
    "vervolg-c-afscherming",
    "vervolg-c-voorstel",
    "vervolg-c-opgeheven",
    "vervolg-b-ander-doel",
    "vervolg-b-bezwaar",
    "vervolg-b-veilig-thuis",
)


@dataclass(frozen=True)
class FollowupDemoRow:
    slug: str
    login: str
    note: str
    created: bool
    skipped: str = ""


def load_followup_demo(organisations: dict) -> list[FollowupDemoRow]:
    """Make every follow-up demo case that does not exist yet, each in its own transaction."""
    import datetime as dt
    import uuid

    from django.db import transaction

    from requests import services
    from requests import services_followup as fu
    from requests.models import (
        ConsentPath,
        Decision,
        Duty,
        DutyKind,
        InformationRequest,
        KindcheckNextStep,
        Parent,
        SecondaryPurpose,
        Severity,
    )
    from toolkid.management.demo_requests import DemoContext, DemoSkip

    namespace = uuid.UUID("3b7e2f0a-9c41-4d8e-b6a2-5f0d1c9e7a24")  # never change: the cases' keys
    c = DemoContext(organisations)
    today = c.today
    zorg = ("zorg.mondriaan", "Mondriaan")
    zorg2 = ("zorg2.mondriaan", "Mondriaan")
    teamleider = ("teamleider.mondriaan", "Mondriaan")
    heerlen = ("jeugd.heerlen", "Wijkteam Heerlen")
    kerkrade = ("jeugd.kerkrade", "Wijkteam Kerkrade")
    vt = ("vt.zuidlimburg", "Veilig Thuis Zuid-Limburg")
    xonar = ("jeugd.xonar", "XONAR")

    def key(slug: str) -> uuid.UUID:
        return uuid.uuid5(namespace, slug)

    def file(slug, requester, path, parent, child, question, reason, severity=Severity.WELLBEING_DOUBT):
        return c.file(
            _Keyed(key(slug)),
            c.actor(*requester),
            path=path,
            parent=parent,
            children=[child],
            questions={"c": question},
            reason=reason,
            severity=severity,
        )

    def answered(req, clinician, *, agrees=True, weighing=""):
        req = services.request_take(actor=clinician, request=req)
        if req.consent_path == ConsentPath.B:
            req = c.consult_parent(clinician, req, agrees=agrees, note="Besproken in het behandelgesprek.")
        req = services.request_decide(
            actor=clinician,
            request=req,
            decision=Decision.PROVIDE,
            motivation="De informatie is nodig voor de veiligheid van het kind.",
            weighing=weighing,
        )
        return c.answer(clinician, req)

    def duty(req, kind):
        return Duty.objects.get(request=req, kind=kind)

    weighing = "Ernstig vermoeden van huiselijk geweld; vragen om toestemming vergroot het gevaar (R34)."

    def c_hold(slug):
        z = c.actor(*zorg)
        req = answered(
            file(
                slug,
                kerkrade,
                ConsentPath.C,
                {"name": "Dennis Lardinois", "date_of_birth": dt.date(1984, 1, 9)},
                ("M.L.", dt.date(2017, 3, 3)),
                "Hoe verloopt de behandeling van vader?",
                "M. vertelt op school over ruzies met geweld thuis.",
                Severity.ABUSE_SUSPICION,
            ),
            z,
            weighing=weighing,
        )
        fu.duty_complete(
            actor=z, duty=duty(req, DutyKind.PROVIDER_RECORD), done_on=today, not_discussed_confirmed=True
        )
        fu.duty_complete(
            actor=c.actor(*kerkrade),
            duty=duty(req, DutyKind.REQUESTER_RECORD),
            done_on=today,
            not_discussed_confirmed=True,
        )
        return req

    def c_proposed(slug):
        z, r = c.actor(*zorg), c.actor(*vt)
        req = answered(
            file(
                slug,
                vt,
                ConsentPath.C,
                {"name": "Sylvia Coenen", "date_of_birth": dt.date(1991, 8, 12)},
                ("B.C.", dt.date(2019, 6, 1)),
                "Hoe verloopt de behandeling van moeder?",
                "Melding van de politie na een incident thuis.",
                Severity.ABUSE_SUSPICION,
            ),
            z,
            weighing=weighing,
        )
        fu.feedback_give(
            actor=r,
            request=req,
            what_was_done="Gebruikt voor het veiligheidsplan met school.",
            what_follows="Zorgoverleg met de GI over twee weken.",
        )
        req = services.request_acknowledge(actor=r, request=req)
        fu.hold_release_propose(
            actor=r,
            request=req,
            reason="Vader is uit huis en heeft een contactverbod; bespreken geeft geen "
            "risico meer voor moeder of B.",
        )
        return req

    def c_released(slug):
        z, r = c.actor(*zorg), c.actor(*heerlen)
        req = answered(
            file(
                slug,
                heerlen,
                ConsentPath.C,
                {"name": "Marco Vliegen", "date_of_birth": dt.date(1982, 4, 21)},
                ("S.V.", dt.date(2015, 9, 9)),
                "Hoe verloopt de behandeling van vader?",
                "Ernstige zorgen over agressie van vader.",
                Severity.ABUSE_SUSPICION,
            ),
            z,
            weighing=weighing,
        )
        fu.feedback_give(
            actor=r,
            request=req,
            what_was_done="Besproken in het veiligheidsoverleg.",
            what_follows="Gezinsbegeleiding gestart.",
        )
        req = services.request_acknowledge(actor=r, request=req)
        release = fu.hold_release_propose(
            actor=z, request=req, reason="De crisis is voorbij; vader werkt mee aan de behandeling."
        )
        fu.hold_release_agree(actor=r, release=release, note="Eens, het gezin is in rustiger vaarwater.")
        return req  # "Ouder informeren" is now open for zorg.mondriaan

    def b_secondary_use(slug):
        z, r = c.actor(*zorg), c.actor(*heerlen)
        req = answered(
            file(
                slug,
                heerlen,
                ConsentPath.B,
                {"name": "Esther Kleikers", "date_of_birth": dt.date(1989, 12, 2)},
                ("J.K.", dt.date(2016, 1, 15)),
                "Hoe verloopt de behandeling van moeder?",
                "School meldt dat J. vaak te laat en zonder ontbijt komt.",
            ),
            z,
        )
        fu.duty_complete(
            actor=r,
            duty=duty(req, DutyKind.TELL_PARENT_CONTACT),
            done_on=today,
            note="Verteld tijdens het huisbezoek.",
        )
        fu.filing_approve(actor=z, request=req, note="De tekst mag zo in het dossier.")
        fu.secondary_use_submit(
            actor=r,
            request=req,
            purpose=SecondaryPurpose.JUVENILE_COURT,
            description="Opnemen in het verzoek tot een ondertoezichtstelling.",
            text="Volgens de behandelaar volgt moeder wekelijks therapie.",
        )
        return req

    def b_objection(slug):
        z, r = c.actor(*zorg), c.actor(*heerlen)
        req = answered(
            file(
                slug,
                heerlen,
                ConsentPath.B,
                {"name": "Ingrid Pelzer", "date_of_birth": dt.date(1987, 7, 7)},
                ("T.P.", dt.date(2012, 2, 2)),
                "Hoe verloopt de behandeling van moeder?",
                "T. verzuimt veel en zegt dat moeder overdag slaapt.",
            ),
            z,
        )
        use = fu.secondary_use_submit(
            actor=r,
            request=req,
            purpose=SecondaryPurpose.RVDK,
            description="Meesturen met de melding aan de Raad.",
        )
        use = fu.secondary_use_reply(
            actor=z,
            use=use,
            agree=False,
            comments="Bezwaar: de informatie is van vóór de medicatiewijziging.",
        )
        fu.secondary_use_mark_sent(
            actor=r,
            use=use,
            sent_on=today,
            motivation="De Raad vraagt het volledige beeld; het bezwaar is vermeld.",
        )
        fu.duty_skip(
            actor=z,
            duty=duty(req, DutyKind.PARENT_FEEDBACK),
            motivation="Moeder is uit zorg gegaan; er is geen volgend contact.",
        )
        return req

    def b_veilig_thuis(slug):
        z, r = c.actor(*zorg2), c.actor(*kerkrade)
        req = file(
            slug,
            kerkrade,
            ConsentPath.B,
            {"name": "Roy Bemelmans", "date_of_birth": dt.date(1986, 3, 30)},
            ("D.B.", dt.date(2014, 10, 10)),
            "Hoe verloopt de behandeling van vader?",
            "D. heeft blauwe plekken; vader zegt dat D. gevallen is.",
            Severity.ABUSE_SUSPICION,
        )
        req = services.request_take(actor=z, request=req)
        req = c.consult_parent(z, req, agrees=False, note="Vader wil niet dat er informatie wordt gedeeld.")
        req = c.consult_internally(
            z, req, "Na overleg: niet verstrekken; de vraag gaat niet over de behandeling."
        )
        req = services.request_decide(
            actor=z,
            request=req,
            decision=Decision.NOT_PROVIDE,
            motivation="De gevraagde informatie draagt niet bij aan de veiligheid van D.",
        )
        req = services.request_confirm_refusal(actor=c.actor(*teamleider), request=req)
        fu.veilig_thuis_record(
            actor=r,
            request=req,
            engaged_on=today - dt.timedelta(days=1),
            safety_concerns=True,
            reference="VT-DEMO-0001",
            note="Advies gevraagd; Veilig Thuis neemt de melding in onderzoek.",
        )
        return req

    request_cases = (
        (
            "vervolg-c-afscherming",
            c_hold,
            "jeugd.kerkrade / zorg.mondriaan",
            "pad C beantwoord: afscherming geldt, dossier vastgelegd, terugkoppeling (R38) nog open",
        ),
        (
            "vervolg-c-voorstel",
            c_proposed,
            "zorg.mondriaan",
            "pad C afgesloten: Veilig Thuis stelt voor de afscherming op te heffen; wacht op akkoord",
        ),
        (
            "vervolg-c-opgeheven",
            c_released,
            "zorg.mondriaan",
            "pad C: afscherming gezamenlijk opgeheven; taak 'ouder informeren' open (R37)",
        ),
        (
            "vervolg-b-ander-doel",
            b_secondary_use,
            "zorg.mondriaan / jeugd.heerlen",
            "pad B beantwoord: goedgekeurd voor het dossier; ander doel voorgelegd (R28)",
        ),
        (
            "vervolg-b-bezwaar",
            b_objection,
            "teamleider.heerlen / teamleider.mondriaan",
            "ander doel verstuurd ondanks bezwaar; taak overgeslagen (afwijkingen, R5)",
        ),
        (
            "vervolg-b-veilig-thuis",
            b_veilig_thuis,
            "jeugd.kerkrade",
            "geweigerd; Veilig Thuis ingeschakeld (R2)",
        ),
    )
    rows: list[FollowupDemoRow] = []
    for slug, build, login, note in request_cases:
        if InformationRequest.objects.filter(submit_token=key(slug)).exists():
            rows.append(FollowupDemoRow(slug, login, note, created=False))
            continue
        try:
            with transaction.atomic():
                build(slug)
        except DemoSkip as exc:
            rows.append(FollowupDemoRow(slug, login, note, created=False, skipped=str(exc)))
            continue
        rows.append(FollowupDemoRow(slug, login, note, created=True))

    # -- Kindchecks (L4) and the reverse direction (R3), keyed by the demo client's name --------
    def kindcheck(name, born, clinician, **values):
        return fu.kindcheck_record(
            actor=c.actor(*clinician),
            parent={"name": name, "date_of_birth": born},
            checked_on=today - dt.timedelta(days=values.pop("days_ago", 0)),
            **values,
        )

    def kc_none():
        kindcheck("Henk Jeurissen", dt.date(1970, 2, 2), zorg, cares_for_minors=False)

    def kc_no_concerns():
        kindcheck(
            "Anouk Wolfs",
            dt.date(1993, 5, 5),
            zorg2,
            cares_for_minors=True,
            children_ages=[2, 6],
            safety_concerns=False,
            days_ago=3,
        )

    def kc_reverse():
        z = c.actor(*zorg)
        kc = kindcheck(
            "Nicole Franssen",
            dt.date(1988, 11, 11),
            zorg,
            cares_for_minors=True,
            children_ages=[9],
            safety_concerns=True,
            concerns_note="Cliënte drinkt weer; de zoon is vaak alleen thuis.",
        )
        kc = fu.kindcheck_choose_next_steps(
            actor=z, kindcheck=kc, steps=[KindcheckNextStep.COLLEAGUE, KindcheckNextStep.REVERSE_QUESTION]
        )
        fu.reverse_question_submit(
            actor=z,
            receiving_organisation=organisations["Wijkteam Heerlen"],
            parent=kc.parent,
            kindcheck=kc,
            child_name_or_initials="L.F.",
            child_date_of_birth=today - dt.timedelta(days=9 * 365 + 40),
            phone_contact_date=today,
            phone_contact_with="Sanne Vermeulen, wijkteam Heerlen",
            asks_interventions=True,
            asks_kopp_kvo=True,
            consent_parents=True,
            consent_note="Moeder gaf mondeling toestemming in het gesprek van vandaag.",
        )

    def kc_answered():
        z = c.actor(*zorg2)
        kc = kindcheck(
            "Bram Ortmans",
            dt.date(1980, 8, 8),
            zorg2,
            cares_for_minors=True,
            children_ages=[14],
            safety_concerns=True,
            concerns_note="Vader is opgenomen; zijn dochter woont bij hem.",
            days_ago=6,
        )
        kc = fu.kindcheck_choose_next_steps(actor=z, kindcheck=kc, steps=[KindcheckNextStep.REVERSE_QUESTION])
        question = fu.reverse_question_submit(
            actor=z,
            receiving_organisation=organisations["XONAR"],
            parent=kc.parent,
            kindcheck=kc,
            child_name_or_initials="E.O.",
            child_date_of_birth=today - dt.timedelta(days=14 * 365 + 100),
            phone_contact_date=today,
            phone_contact_with="Femke Pluijmen, XONAR",
            asks_interventions=False,
            asks_kopp_kvo=True,
            consent_parents=True,
            consent_child=True,
            consent_note="E. (14) en beide ouders gaven schriftelijk toestemming.",
        )
        fu.reverse_question_answer(
            actor=c.actor(*xonar),
            question=question,
            kopp_kvo="Ja: de KOPP-groep voor jongeren van 12–16 jaar start in maart.",
        )

    def kc_no_step():
        z = c.actor(*zorg)
        kc = kindcheck(
            "Wendy Habets",
            dt.date(1995, 1, 1),
            zorg,
            cares_for_minors=False,
            is_pregnant=True,
            safety_concerns=True,
            concerns_note="Partner is gewelddadig; cliënte is zwanger.",
        )
        fu.kindcheck_choose_next_steps(
            actor=z,
            kindcheck=kc,
            steps=[KindcheckNextStep.NONE],
            note="Veilig Thuis is al betrokken via de verloskundige.",
        )

    def kc_open():
        kindcheck(
            "Luc Pfeiffer",
            dt.date(1979, 6, 6),
            zorg2,
            cares_for_minors=True,
            children_ages=[4, 11],
            safety_concerns=True,
            concerns_note="Wisselende verhalen over wie voor de kinderen zorgt.",
        )

    kindcheck_cases = (
        ("kindcheck-geen-kinderen", "Henk Jeurissen", kc_none, "zorg.mondriaan", "Kindcheck: geen kinderen"),
        ("kindcheck-geen-zorgen", "Anouk Wolfs", kc_no_concerns, "zorg2.mondriaan", "Kindcheck: geen zorgen"),
        (
            "kindcheck-vraag-jeugdhulp",
            "Nicole Franssen",
            kc_reverse,
            "zorg.mondriaan / jeugd.heerlen",
            "Kindcheck met zorgen; vraag aan het wijkteam open (R3)",
        ),
        (
            "kindcheck-beantwoord",
            "Bram Ortmans",
            kc_answered,
            "zorg2.mondriaan",
            "Kindcheck met zorgen; XONAR beantwoordde de vraag (R3, L2: 14 jaar)",
        ),
        (
            "kindcheck-geen-stap",
            "Wendy Habets",
            kc_no_step,
            "teamleider.mondriaan",
            "Kindcheck met zorgen, gemotiveerd geen vervolgstap (afwijking, R5)",
        ),
        (
            "kindcheck-open",
            "Luc Pfeiffer",
            kc_open,
            "zorg2.mondriaan",
            "Kindcheck met zorgen, nog geen vervolgstap",
        ),
    )
    for slug, client, build, login, note in kindcheck_cases:
        if Parent.objects.filter(organisation=organisations["Mondriaan"], name=client).exists():
            rows.append(FollowupDemoRow(slug, login, note, created=False))
            continue
        try:
            with transaction.atomic():
                build()
        except DemoSkip as exc:
            rows.append(FollowupDemoRow(slug, login, note, created=False, skipped=str(exc)))
            continue
        rows.append(FollowupDemoRow(slug, login, note, created=True))
    return rows


class _Keyed:
    """What ``DemoContext.file`` needs of a case: the key it is sent with (its submit token)."""

    def __init__(self, key) -> None:
        self.key = key
