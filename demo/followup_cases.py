"""Follow-up after the answer: one case per state of the duties, the path-C hold,
feedback, secondary use, filing, Veilig Thuis, deviations, the Kindcheck and the reverse
direction. Played by ``load_demo`` after the request cases (:mod:`demo.request_cases`), through
the real services as the demo users; idempotent (a request case is keyed by its submit token, a
Kindcheck case by its demo client's name).
"""

from __future__ import annotations

import datetime as dt
import uuid

from demo.accounts import HEERLEN, KERKRADE, TEAMLEIDER, VEILIG_THUIS, XONAR, ZORG, ZORG2, Who
from demo.filing import Client, Filing
from demo.followup_steps import (
    AgreeRelease,
    ApproveFiling,
    AskYouthCare,
    ChooseNextSteps,
    CompleteDuty,
    GiveFeedback,
    Kindcheck,
    MarkSecondaryUseSent,
    ProposeRelease,
    RecordVeiligThuis,
    ReplySecondaryUse,
    SkipDuty,
    SubmitSecondaryUse,
    YouthCareAnswers,
)
from demo.runner import (
    FollowupDemoRow,
    KindcheckCase,
    RequestCase,
    Step,
    play_kindcheck_cases,
    play_request_cases,
)
from demo.steps import (
    Acknowledge,
    ConfirmRefusal,
    ConsultInternally,
    ConsultParent,
    Decide,
    SendAnswer,
    Take,
)
from requests.models import (
    ConsentPath,
    Decision,
    DutyKind,
    KindcheckNextStep,
    SecondaryPurpose,
    Severity,
)
from toolkid.models import Organisation

#: The namespace of these cases' keys; never change it (the keys make a rerun a no-op).
FOLLOWUP_NAMESPACE = uuid.UUID("3b7e2f0a-9c41-4d8e-b6a2-5f0d1c9e7a24")

#: R34: why the path-C cases were provided without consent.
HOLD_WEIGHING = "Ernstig vermoeden van huiselijk geweld; vragen om toestemming vergroot het gevaar (R34)."


def asks_about_treatment(
    by: Who,
    path: str,
    parent: Client,
    child: tuple[str, dt.date],
    question: str,
    reason: str,
    severity: str = Severity.WELLBEING_DOUBT,
) -> Filing:
    """A request with one question, about the parent's treatment (topic c)."""
    return Filing(
        by=by,
        path=path,
        parent=parent,
        children=(child,),
        questions={"c": question},
        reason=reason,
        severity=severity,
    )


def provided(clinician: Who, *, parent_agreed: bool = False, weighing: str = "") -> tuple[Step, ...]:
    """Taken, (path B: the parent agreed,) provided and answered by ``clinician``."""
    consultation = (ConsultParent(clinician, agrees=True, note="Besproken in het behandelgesprek."),)
    return (
        Take(clinician),
        *(consultation if parent_agreed else ()),
        Decide(
            clinician, Decision.PROVIDE, "De informatie is nodig voor de veiligheid van het kind.", weighing
        ),
        SendAnswer(clinician),
    )


FOLLOWUP_CASES: tuple[RequestCase, ...] = (
    RequestCase(
        "vervolg-c-afscherming",
        "jeugd.kerkrade / zorg.mondriaan",
        "pad C beantwoord: afscherming geldt, dossier vastgelegd, terugkoppeling (R38) nog open",
        asks_about_treatment(
            KERKRADE,
            ConsentPath.C,
            Client("Dennis Lardinois", dt.date(1984, 1, 9)),
            ("M.L.", dt.date(2017, 3, 3)),
            "Hoe verloopt de behandeling van vader?",
            "M. vertelt op school over ruzies met geweld thuis.",
            Severity.ABUSE_SUSPICION,
        ),
        steps=(
            *provided(ZORG, weighing=HOLD_WEIGHING),
            CompleteDuty(ZORG, DutyKind.PROVIDER_RECORD, not_discussed_confirmed=True),
            CompleteDuty(KERKRADE, DutyKind.REQUESTER_RECORD, not_discussed_confirmed=True),
        ),
        namespace=FOLLOWUP_NAMESPACE,
    ),
    RequestCase(
        "vervolg-c-voorstel",
        "zorg.mondriaan",
        "pad C afgesloten: Veilig Thuis stelt voor de afscherming op te heffen; wacht op akkoord",
        asks_about_treatment(
            VEILIG_THUIS,
            ConsentPath.C,
            Client("Sylvia Coenen", dt.date(1991, 8, 12)),
            ("B.C.", dt.date(2019, 6, 1)),
            "Hoe verloopt de behandeling van moeder?",
            "Melding van de politie na een incident thuis.",
            Severity.ABUSE_SUSPICION,
        ),
        steps=(
            *provided(ZORG, weighing=HOLD_WEIGHING),
            GiveFeedback(
                VEILIG_THUIS,
                what_was_done="Gebruikt voor het veiligheidsplan met school.",
                what_follows="Zorgoverleg met de GI over twee weken.",
            ),
            Acknowledge(VEILIG_THUIS),
            ProposeRelease(
                VEILIG_THUIS,
                "Vader is uit huis en heeft een contactverbod; bespreken geeft geen "
                "risico meer voor moeder of B.",
            ),
        ),
        namespace=FOLLOWUP_NAMESPACE,
    ),
    RequestCase(
        "vervolg-c-opgeheven",
        "zorg.mondriaan",
        "pad C: afscherming gezamenlijk opgeheven; taak 'ouder informeren' open (R37)",
        asks_about_treatment(
            HEERLEN,
            ConsentPath.C,
            Client("Marco Vliegen", dt.date(1982, 4, 21)),
            ("S.V.", dt.date(2015, 9, 9)),
            "Hoe verloopt de behandeling van vader?",
            "Ernstige zorgen over agressie van vader.",
            Severity.ABUSE_SUSPICION,
        ),
        steps=(
            *provided(ZORG, weighing=HOLD_WEIGHING),
            GiveFeedback(
                HEERLEN,
                what_was_done="Besproken in het veiligheidsoverleg.",
                what_follows="Gezinsbegeleiding gestart.",
            ),
            Acknowledge(HEERLEN),
            ProposeRelease(ZORG, "De crisis is voorbij; vader werkt mee aan de behandeling."),
            # "Ouder informeren" is now open for zorg.mondriaan.
            AgreeRelease(HEERLEN, "Eens, het gezin is in rustiger vaarwater."),
        ),
        namespace=FOLLOWUP_NAMESPACE,
    ),
    RequestCase(
        "vervolg-b-ander-doel",
        "zorg.mondriaan / jeugd.heerlen",
        "pad B beantwoord: goedgekeurd voor het dossier; ander doel voorgelegd (R28)",
        asks_about_treatment(
            HEERLEN,
            ConsentPath.B,
            Client("Esther Kleikers", dt.date(1989, 12, 2)),
            ("J.K.", dt.date(2016, 1, 15)),
            "Hoe verloopt de behandeling van moeder?",
            "School meldt dat J. vaak te laat en zonder ontbijt komt.",
        ),
        steps=(
            *provided(ZORG, parent_agreed=True),
            CompleteDuty(HEERLEN, DutyKind.TELL_PARENT_CONTACT, note="Verteld tijdens het huisbezoek."),
            ApproveFiling(ZORG, "De tekst mag zo in het dossier."),
            SubmitSecondaryUse(
                HEERLEN,
                SecondaryPurpose.JUVENILE_COURT,
                "Opnemen in het verzoek tot een ondertoezichtstelling.",
                text="Volgens de behandelaar volgt moeder wekelijks therapie.",
            ),
        ),
        namespace=FOLLOWUP_NAMESPACE,
    ),
    RequestCase(
        "vervolg-b-bezwaar",
        "teamleider.heerlen / teamleider.mondriaan",
        "ander doel verstuurd ondanks bezwaar; taak overgeslagen (afwijkingen, R5)",
        asks_about_treatment(
            HEERLEN,
            ConsentPath.B,
            Client("Ingrid Pelzer", dt.date(1987, 7, 7)),
            ("T.P.", dt.date(2012, 2, 2)),
            "Hoe verloopt de behandeling van moeder?",
            "T. verzuimt veel en zegt dat moeder overdag slaapt.",
        ),
        steps=(
            *provided(ZORG, parent_agreed=True),
            SubmitSecondaryUse(HEERLEN, SecondaryPurpose.RVDK, "Meesturen met de melding aan de Raad."),
            ReplySecondaryUse(
                ZORG, agree=False, comments="Bezwaar: de informatie is van vóór de medicatiewijziging."
            ),
            MarkSecondaryUseSent(HEERLEN, "De Raad vraagt het volledige beeld; het bezwaar is vermeld."),
            SkipDuty(
                ZORG, DutyKind.PARENT_FEEDBACK, "Moeder is uit zorg gegaan; er is geen volgend contact."
            ),
        ),
        namespace=FOLLOWUP_NAMESPACE,
    ),
    RequestCase(
        "vervolg-b-veilig-thuis",
        "jeugd.kerkrade",
        "geweigerd; Veilig Thuis ingeschakeld (R2)",
        asks_about_treatment(
            KERKRADE,
            ConsentPath.B,
            Client("Roy Bemelmans", dt.date(1986, 3, 30)),
            ("D.B.", dt.date(2014, 10, 10)),
            "Hoe verloopt de behandeling van vader?",
            "D. heeft blauwe plekken; vader zegt dat D. gevallen is.",
            Severity.ABUSE_SUSPICION,
        ),
        steps=(
            Take(ZORG2),
            ConsultParent(ZORG2, agrees=False, note="Vader wil niet dat er informatie wordt gedeeld."),
            ConsultInternally(ZORG2, "Na overleg: niet verstrekken; de vraag gaat niet over de behandeling."),
            Decide(
                ZORG2,
                Decision.NOT_PROVIDE,
                "De gevraagde informatie draagt niet bij aan de veiligheid van D.",
            ),
            ConfirmRefusal(TEAMLEIDER),
            RecordVeiligThuis(
                KERKRADE,
                safety_concerns=True,
                reference="VT-DEMO-0001",
                note="Advies gevraagd; Veilig Thuis neemt de melding in onderzoek.",
            ),
            CompleteDuty(KERKRADE, DutyKind.REFUSAL_FOLLOW_UP, note="Veilig Thuis ingeschakeld."),
        ),
        namespace=FOLLOWUP_NAMESPACE,
    ),
)

#: The follow-up cases that file an information request (each keyed by its slug).
FOLLOWUP_REQUEST_SLUGS: tuple[str, ...] = tuple(case.slug for case in FOLLOWUP_CASES)


# -- Kindchecks (L4) and the reverse direction (R3), keyed by the demo client's name ------------

KINDCHECK_CASES: tuple[KindcheckCase, ...] = (
    KindcheckCase(
        "kindcheck-geen-kinderen",
        "zorg.mondriaan",
        "Kindcheck: geen kinderen",
        Kindcheck(ZORG, Client("Henk Jeurissen", dt.date(1970, 2, 2)), cares_for_minors=False),
    ),
    KindcheckCase(
        "kindcheck-geen-zorgen",
        "zorg2.mondriaan",
        "Kindcheck: geen zorgen",
        Kindcheck(
            ZORG2,
            Client("Anouk Wolfs", dt.date(1993, 5, 5)),
            cares_for_minors=True,
            children_ages=(2, 6),
            safety_concerns=False,
            days_ago=3,
        ),
    ),
    KindcheckCase(
        "kindcheck-vraag-jeugdhulp",
        "zorg.mondriaan / jeugd.heerlen",
        "Kindcheck met zorgen; vraag aan het wijkteam open (R3)",
        Kindcheck(
            ZORG,
            Client("Nicole Franssen", dt.date(1988, 11, 11)),
            cares_for_minors=True,
            children_ages=(9,),
            safety_concerns=True,
            concerns_note="Cliënte drinkt weer; de zoon is vaak alleen thuis.",
        ),
        steps=(
            ChooseNextSteps(ZORG, (KindcheckNextStep.COLLEAGUE, KindcheckNextStep.REVERSE_QUESTION)),
            AskYouthCare(
                ZORG,
                to="Wijkteam Heerlen",
                child="L.F.",
                child_age_days=9 * 365 + 40,
                phone_contact_with="Sanne Vermeulen, wijkteam Heerlen",
                asks_interventions=True,
                asks_kopp_kvo=True,
                consent_parents=True,
                consent_note="Moeder gaf mondeling toestemming in het gesprek van vandaag.",
            ),
        ),
    ),
    KindcheckCase(
        "kindcheck-beantwoord",
        "zorg2.mondriaan",
        "Kindcheck met zorgen; XONAR beantwoordde de vraag (R3, L2: 14 jaar)",
        Kindcheck(
            ZORG2,
            Client("Bram Ortmans", dt.date(1980, 8, 8)),
            cares_for_minors=True,
            children_ages=(14,),
            safety_concerns=True,
            concerns_note="Vader is opgenomen; zijn dochter woont bij hem.",
            days_ago=6,
        ),
        steps=(
            ChooseNextSteps(ZORG2, (KindcheckNextStep.REVERSE_QUESTION,)),
            AskYouthCare(
                ZORG2,
                to="XONAR",
                child="E.O.",
                child_age_days=14 * 365 + 100,
                phone_contact_with="Femke Pluijmen, XONAR",
                asks_interventions=False,
                asks_kopp_kvo=True,
                consent_parents=True,
                consent_child=True,
                consent_note="E. (14) en beide ouders gaven schriftelijk toestemming.",
            ),
            YouthCareAnswers(
                XONAR, kopp_kvo="Ja: de KOPP-groep voor jongeren van 12–16 jaar start in maart."
            ),
        ),
    ),
    KindcheckCase(
        "kindcheck-geen-stap",
        "teamleider.mondriaan",
        "Kindcheck met zorgen, gemotiveerd geen vervolgstap (afwijking, R5)",
        Kindcheck(
            ZORG,
            Client("Wendy Habets", dt.date(1995, 1, 1)),
            cares_for_minors=False,
            is_pregnant=True,
            safety_concerns=True,
            concerns_note="Partner is gewelddadig; cliënte is zwanger.",
        ),
        steps=(
            ChooseNextSteps(
                ZORG, (KindcheckNextStep.NONE,), note="Veilig Thuis is al betrokken via de verloskundige."
            ),
        ),
    ),
    KindcheckCase(
        "kindcheck-open",
        "zorg2.mondriaan",
        "Kindcheck met zorgen, nog geen vervolgstap",
        Kindcheck(
            ZORG2,
            Client("Luc Pfeiffer", dt.date(1979, 6, 6)),
            cares_for_minors=True,
            children_ages=(4, 11),
            safety_concerns=True,
            concerns_note="Wisselende verhalen over wie voor de kinderen zorgt.",
        ),
    ),
)


def load_followup_demo(organisations: dict[str, Organisation]) -> list[FollowupDemoRow]:
    """Make every follow-up case that does not exist yet, each in its own transaction."""
    rows = [
        FollowupDemoRow(row.case.slug, row.case.login, row.case.note, row.created, row.skipped)
        for row in play_request_cases(organisations, FOLLOWUP_CASES)
    ]
    return rows + list(play_kindcheck_cases(organisations, KINDCHECK_CASES))
