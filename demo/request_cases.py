"""Demo information requests: one in every state and on every path, so a newcomer can
log in as a demo user and click through each.

Each case below is data: who files what, on which consent path, and which steps follow by whom.
:mod:`demo.runner` plays them through the real services (``requests.filing.services``,
``requests.handling.services``, ``consent.services``) as the demo users of :mod:`demo.accounts`,
so the requests carry the same events, audit trail, permissions and due dates as real ones. The
one exception is the overdue case: see :class:`demo.steps.Backdate`.

Idempotent: each case is keyed by a fixed ``submit_token`` (a uuid5 of its slug). A case whose
token exists is left as it is — also when a developer has clicked it further — and a second run
creates nothing. (A draft has no token of its own until it is sent; the demo draft gets its key
written directly, see :func:`demo.direct_writes.mark_draft`. Once someone sends it through the
form it gets the form's token, and the next ``load_demo`` makes a fresh demo draft.)

All people are invented. The only BSNs are the documented test numbers 111222333 and 123456782;
the other demo parents have none (the BSN is optional).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

from django.db import transaction
from django.utils import timezone

from consent.models import ConsentGiver
from demo.accounts import (
    BJZ,
    FLEX_BRUNSSUM,
    FLEX_LANDGRAAF,
    HEERLEN,
    JURIST,
    KERKRADE,
    MONDRIAAN_JEUGD,
    RAAD,
    TEAMLEIDER,
    VEILIG_THUIS,
    XONAR,
    ZORG,
    ZORG2,
    Who,
)
from demo.direct_writes import keep_due_today_for_demo
from demo.filing import Client, Draft, Filing
from demo.runner import DemoRow, RequestCase, Step, play_request_cases
from demo.steps import (
    Acknowledge,
    AskLegalAdvice,
    Backdate,
    ConfirmRefusal,
    ConsultInternally,
    ConsultParent,
    ContestRefusal,
    Decide,
    DueToday,
    GiveLegalAdvice,
    ReturnForReformulation,
    RevokeConsent,
    SaveAnswer,
    SendAnswer,
    Take,
    Withdraw,
)
from requests.models import ConsentPath, Decision, LegalFramework, Severity
from toolkid.models import Organisation

A, B, C = ConsentPath.A, ConsentPath.B, ConsentPath.C
PROVIDE, NOT_PROVIDE = Decision.PROVIDE, Decision.NOT_PROVIDE


# --------------------------------------------------------------------------------------------
# Shared by more than one case
# --------------------------------------------------------------------------------------------

#: Path A, answered by zorg2.mondriaan ("pad-a-beantwoord"; "pad-a-afgesloten" varies it).
ANSWERED_ON_PATH_A = Filing(
    by=HEERLEN,
    path=A,
    parent=Client("Sandra Wetzels", dt.date(1989, 12, 1), bsn="111222333"),
    children=(("N.W.", dt.date(2016, 9, 1)), ("T.W.", dt.date(2019, 2, 14))),
    questions={
        "b": "Welke klachten en belemmeringen ziet u bij de ouder, en wat gaat goed?",
        "c": "Hoe verloopt de behandeling; komt de ouder de afspraken na?",
    },
    reason="School meldt dat het oudste kind vaak alleen thuis is en er moe uitziet.",
)


ANSWER_ON_PATH_A: tuple[Step, ...] = (
    Take(ZORG2),
    Decide(ZORG2, PROVIDE, "Er is schriftelijke toestemming voor de gevraagde onderwerpen (R29)."),
    SendAnswer(ZORG2),
)


#: Path B outcome c (R31c): the parent disagrees and the clinician will not provide. Three cases
#: file it, each for another requester and parent.
REFUSAL_ON_PATH_B = Filing(
    by=XONAR,
    path=B,
    parent=Client("Monique Custers", dt.date(1986, 6, 6)),
    children=(("R.", dt.date(2015, 3, 3)),),
    questions={
        "c": "Hoe verloopt de behandeling van moeder sinds januari?",
        "f": "Hoe gaat moeder om met stress?",
    },
    reason="R. heeft blauwe plekken waar moeder geen uitleg voor heeft.",
    severity=Severity.ABUSE_SUSPICION,
)


def refused_on_path_b(clinician: Who, *, legal_advice: bool = False) -> tuple[Step, ...]:
    """Up to the decision not to provide (R31c), which waits for a second person (R11)."""
    advice = (
        AskLegalAdvice(clinician, "Mogen wij hier weigeren, gezien het vermoeden van mishandeling (R31)?"),
        GiveLegalAdvice(
            JURIST,
            "Weigeren is verdedigbaar: de informatie is niet noodzakelijk om de veiligheid "
            "in te schatten en er is een andere weg. Wijs de aanvrager op Veilig Thuis (R2).",
        ),
    )
    return (
        Take(clinician),
        ConsultParent(
            clinician, agrees=False, note="Moeder is boos over het verzoek en wil niets laten delen."
        ),
        ConsultInternally(
            clinician,
            "De gevraagde informatie zegt weinig over de blauwe plekken; de jeugdhulp "
            "kan dit beter via de huisarts en school nagaan. Niet verstrekken.",
        ),
        *(advice if legal_advice else ()),
        Decide(
            clinician,
            NOT_PROVIDE,
            "Na intern overleg: de informatie is niet noodzakelijk voor de veiligheid van R. "
            "en kan op een andere manier worden verkregen (R21, R31c).",
        ),
    )


# --------------------------------------------------------------------------------------------
# The cases, in the order of the table. ``login`` names who sees (or takes) the next step.
# --------------------------------------------------------------------------------------------

CASES: tuple[RequestCase, ...] = (
    RequestCase(
        "concept",
        "jeugd.heerlen",
        "concept, halverwege het formulier",
        # Left at the fourth step (ernst en reden): the form resumes there.
        Draft(
            by=HEERLEN,
            parent=Client("Ingrid Bosten", dt.date(1990, 3, 14)),
            children=(("L.B.", dt.date(2017, 6, 2)),),
            draft_step="ernst-en-reden",
        ),
    ),
    RequestCase(
        "ingediend",
        "teamleider.mondriaan / zorg.mondriaan",
        "ingediend, nog niet toegewezen",
        Filing(
            by=KERKRADE,
            path=A,
            parent=Client("Ramon Kurvers", dt.date(1984, 11, 23)),
            children=(("J.K.", dt.date(2014, 1, 9)), ("S.K.", dt.date(2019, 8, 30))),
            questions={
                "c": "Hoe verloopt de behandeling van vader sinds de opname in januari?",
                "e": "Welk eigen netwerk heeft vader om hem te helpen met de kinderen?",
            },
            reason="De kinderen komen sinds de opname van vader vaak te laat op school.",
        ),
    ),
    RequestCase(
        "te-laat",
        "zorg.mondriaan",
        "ingediend, termijn verstreken (te laat)",
        Filing(
            by=XONAR,
            path=A,
            parent=Client("Jolanda Bemelmans", dt.date(1985, 4, 4)),
            children=(("V.B.", dt.date(2009, 9, 9)),),
            questions={"f": "Hoe gaat moeder om met stress, nu de scheiding loopt?"},
            reason="V. verzuimt veel van school sinds de scheiding van de ouders.",
            phone_days_ago=16,
            consent_days_ago=17,
        ),
        steps=(Backdate(days_ago=15),),
    ),
    RequestCase(
        "teruggestuurd",
        "jeugd.xonar",
        "teruggestuurd ter herformulering (R7)",
        Filing(
            by=XONAR,
            path=A,
            parent=Client("Nadia Sijben", dt.date(1992, 5, 17)),
            children=(("M.S.", dt.date(2018, 2, 11)),),
            questions={"b": "Kunt u ons het volledige behandeldossier van moeder sturen?"},
            reason="Moeder lijkt de zorg voor M. niet aan te kunnen; de peuterspeelzaal maakt zich zorgen.",
        ),
        steps=(
            ReturnForReformulation(
                ZORG,
                "Een volledig dossier kunnen we niet geven. Vraag gericht naar de klachten en "
                "belemmeringen die de zorg voor M. raken (onderwerp b), en naar hoe moeder met stress "
                "omgaat (onderwerp f).",
            ),
        ),
    ),
    RequestCase(
        "pad-b-in-behandeling",
        "zorg.mondriaan",
        "overleg met ouder vastgelegd: niet akkoord; nu intern overleg",
        Filing(
            by=HEERLEN,
            path=B,
            parent=Client("Mark Vaessen", dt.date(1981, 7, 4)),
            children=(("D.V.", dt.date(2012, 10, 15)),),
            questions={
                "a": "Welke gevolgen heeft de verslaving voor de emotionele beschikbaarheid voor D.?",
                "f": "Hoe gaat vader om met stress, en wat gebeurt er bij terugval?",
            },
            reason="D. vertelt op school dat vader 's avonds vaak dronken is en schreeuwt.",
            severity=Severity.ABUSE_SUSPICION,
        ),
        steps=(
            Take(ZORG),
            ConsultParent(
                ZORG,
                agrees=False,
                note="Vader wil niet dat er informatie wordt gedeeld; besproken in het behandelgesprek.",
            ),
        ),
    ),
    RequestCase(
        "pad-a-antwoord",
        "zorg.mondriaan",
        "antwoord in voorbereiding (concept)",
        Filing(
            by=MONDRIAAN_JEUGD,
            path=A,
            parent=Client("Esther Lardinois", dt.date(1987, 9, 8)),
            children=(("T.L.", dt.date(2010, 4, 21)),),
            questions={
                "a": "Welke gevolgen heeft de depressie van moeder voor de emotionele beschikbaarheid "
                "voor T.?",
                "d": "Heeft moeder ziektebesef en -inzicht?",
            },
            reason="T. (jeugd-GGZ) is somber en zegt dat hij thuis voor moeder moet zorgen.",
        ),
        steps=(
            Take(ZORG),
            Decide(ZORG, PROVIDE, "Moeder gaf schriftelijk toestemming voor a en d (R29)."),
            # A concept answer for topic a; d still has to be written.
            SaveAnswer(ZORG, topics=("a",)),
        ),
    ),
    RequestCase(
        "pad-a-beantwoord",
        "jeugd.heerlen",
        "beantwoord, wacht op 'gelezen'",
        ANSWERED_ON_PATH_A,
        steps=ANSWER_ON_PATH_A,
    ),
    RequestCase(
        "pad-a-afgesloten",
        "jeugd.kerkrade",
        "afgesloten; ouder wilsonbekwaam, curator gaf toestemming",
        # L2: an incapacitated parent; the curator gave consent.
        replace(
            ANSWERED_ON_PATH_A,
            by=KERKRADE,
            parent=Client("Peter Meessen", dt.date(1979, 4, 30), curator="Mr. A. Ploumen (curator)"),
            children=(("L.M.", dt.date(2013, 11, 11)),),
            consent_by=(ConsentGiver.CURATOR_MENTOR, "Mr. A. Ploumen (curator)"),
        ),
        steps=(*ANSWER_ON_PATH_A, Acknowledge(KERKRADE)),
    ),
    RequestCase(
        "pad-b-akkoord",
        "flex.parkstad (Wijkteam Brunssum)",
        "ouder akkoord na overleg (R31a), afgesloten",
        Filing(
            by=FLEX_BRUNSSUM,
            path=B,
            parent=Client("Wendy Gielen", dt.date(1994, 2, 2)),
            children=(("P.G.", dt.date(2019, 3, 3)),),
            questions={"d": "Heeft moeder ziektebesef en -inzicht?"},
            reason="De kinderopvang ziet dat P. steeds vaker niet wordt opgehaald.",
        ),
        steps=(
            Take(ZORG2),
            ConsultParent(
                ZORG2, agrees=True, note="Na uitleg is moeder akkoord dat wij dit ene onderwerp delen."
            ),
            Decide(ZORG2, PROVIDE, "Moeder is na overleg akkoord (R31a)."),
            SendAnswer(ZORG2),
            Acknowledge(FLEX_BRUNSSUM),
        ),
    ),
    RequestCase(
        "pad-b-weigering",
        "teamleider.mondriaan / jurist.mondriaan",
        "weigering wacht op tweede persoon (R11); advies gegeven",
        replace(
            REFUSAL_ON_PATH_B, by=FLEX_LANDGRAAF, parent=Client("Chantal Pelzer", dt.date(1991, 1, 19))
        ),
        steps=refused_on_path_b(ZORG2, legal_advice=True),
    ),
    RequestCase(
        "pad-b-geweigerd",
        "jeugd.xonar",
        "weigering bevestigd, met Veilig Thuis (R2)",
        REFUSAL_ON_PATH_B,
        steps=(
            *refused_on_path_b(ZORG2),
            ConfirmRefusal(TEAMLEIDER, note="Terecht nee, goed gemotiveerd."),
        ),
    ),
    RequestCase(
        "bezwaar",
        "jurist.mondriaan",
        "bezwaar van de Raad; advies gevraagd (R8)",
        replace(REFUSAL_ON_PATH_B, by=RAAD, parent=Client("Brenda Dautzenberg", dt.date(1983, 8, 12))),
        steps=(
            *refused_on_path_b(ZORG),
            ConfirmRefusal(TEAMLEIDER),
            ContestRefusal(
                RAAD,
                "Voor het raadsonderzoek is het verloop van de behandeling wel nodig; er is geen "
                "andere bron (art. 1:240 BW).",
            ),
        ),
    ),
    RequestCase(
        "pad-c-verstrekt",
        "vt.zuidlimburg",
        "verstrekt zonder toestemming (R34)",
        Filing(
            by=VEILIG_THUIS,
            path=C,
            parent=Client("Kevin Schiffelers", dt.date(1988, 2, 25)),
            children=(("A.S.", dt.date(2020, 11, 5)),),
            questions={
                "a": "Welke gevolgen heeft de psychose van vader voor de veiligheid van A.?",
                "f": "Hoe gaat vader om met stress?",
            },
            reason="Buren melden geschreeuw en een kind dat 's nachts huilt; vader is bekend bij de GGZ.",
            severity=Severity.ABUSE_SUSPICION,
        ),
        steps=(
            Take(ZORG),
            Decide(
                ZORG,
                PROVIDE,
                "Het acute risico voor A. rechtvaardigt verstrekken zonder toestemming.",
                weighing="Zwaarwegend: ernstig vermoeden van huiselijk geweld, een kind van vier, en vader "
                "is niet stabiel. Vragen om toestemming zou het gevaar vergroten (R34).",
            ),
            SendAnswer(ZORG),
        ),
    ),
    RequestCase(
        "pad-c-geweigerd",
        "jeugd.kerkrade",
        "niet verstrekt, conflict van plichten",
        Filing(
            by=KERKRADE,
            path=C,
            parent=Client("Patrick Mordang", dt.date(1985, 10, 10)),
            children=(("E.M.", dt.date(2013, 7, 7)),),
            questions={"d": "Heeft vader ziektebesef en -inzicht?"},
            reason="E. vertelt dat vader de deur op slot doet en niemand binnenlaat.",
            severity=Severity.ABUSE_SUSPICION,
            framework=(
                LegalFramework.CONFLICT_OF_DUTIES,
                "Er is geen wettelijke grondslag voor het wijkteam; zwijgen kan ernstige schade "
                "voor E. opleveren (conflict van plichten).",
            ),
        ),
        steps=(
            Take(ZORG2),
            Decide(
                ZORG2,
                NOT_PROVIDE,
                "Ziektebesef zegt niets over de veiligheid van E.; dit rechtvaardigt geen "
                "doorbreking van het beroepsgeheim.",
                weighing="Geen zwaarwegende omstandigheden die verstrekken zonder toestemming "
                "rechtvaardigen voor deze vraag (R34).",
            ),
            ConfirmRefusal(JURIST),
        ),
    ),
    RequestCase(
        "ots",
        "gezinsvoogd.bjz",
        "OTS: verstrekt tegen de wens van de ouder (R4, R31b)",
        Filing(
            by=BJZ,
            path=B,
            has_ots=True,
            parent=Client("Yvonne Hendriks", dt.date(1990, 5, 5), bsn="123456782"),
            children=(("F.H.", dt.date(2011, 12, 24)), ("G.H.", dt.date(2015, 4, 1))),
            questions={
                "a": "Welke gevolgen heeft de bipolaire stoornis van moeder voor haar beschikbaarheid "
                "voor F. en G.?",
                "c": "Hoe verloopt de behandeling, en is moeder medicatietrouw?",
            },
            reason="F. en G. staan onder toezicht; voor het plan van aanpak is nodig te weten hoe "
            "stabiel moeder is.",
        ),
        steps=(
            Take(ZORG),
            ConsultParent(ZORG, agrees=False, note="Moeder wil niet dat de gezinsvoogd dit weet."),
            ConsultInternally(
                ZORG,
                "Onder de OTS moet informatie die nodig is voor de uitvoering worden gegeven "
                "(R4, Jeugdwet art. 7.3.11 lid 4). Verstrekken tegen de wens van moeder.",
            ),
            Decide(
                ZORG,
                PROVIDE,
                "Nodig voor de uitvoering van de OTS; verstrekt tegen de wens van moeder na "
                "intern overleg (R31b, R4).",
            ),
            SendAnswer(ZORG),
        ),
    ),
    RequestCase(
        "ingetrokken",
        "jeugd.mondriaan",
        "ingetrokken door de aanvrager",
        Filing(
            by=MONDRIAAN_JEUGD,
            path=B,
            parent=Client("Ron Janssen", dt.date(1980, 12, 12)),
            children=(("B.J.", dt.date(2012, 5, 18)),),
            questions={"e": "Welk eigen netwerk heeft vader?"},
            reason="B. is in behandeling bij de jeugd-GGZ; vader lijkt overbelast.",
        ),
        steps=(
            Withdraw(MONDRIAAN_JEUGD, "Het gezin is verhuisd naar Maastricht; de hulp is overgedragen."),
        ),
    ),
    RequestCase(
        "toestemming-ingetrokken",
        "jeugd.heerlen / zorg.mondriaan",
        "toestemming ingetrokken: antwoord geblokkeerd (R29)",
        Filing(
            by=HEERLEN,
            path=A,
            parent=Client("Anouk Vrijens", dt.date(1993, 9, 29)),
            children=(("Z.V.", dt.date(2021, 1, 15)),),
            questions={
                "a": "Welke gevolgen heeft de angststoornis van moeder voor de beschikbaarheid voor Z.?",
                "e": "Welk eigen netwerk heeft moeder?",
            },
            reason="Het consultatiebureau ziet dat Z. achterblijft in de ontwikkeling.",
        ),
        steps=(
            Take(ZORG),
            Decide(ZORG, PROVIDE, "Moeder gaf schriftelijk toestemming (R29)."),
            SaveAnswer(ZORG),
            RevokeConsent(HEERLEN, "Moeder trekt haar toestemming in na een gesprek met haar partner."),
        ),
    ),
    RequestCase(
        "vandaag",
        "zorg.mondriaan",
        "in behandeling, uiterlijk vandaag te beantwoorden (blijft bij elke load_demo vandaag)",
        Filing(
            by=MONDRIAAN_JEUGD,
            path=A,
            parent=Client("Linda Bessems", dt.date(1988, 8, 18)),
            children=(("K.B.", dt.date(2016, 6, 6)),),
            questions={"e": "Welk eigen netwerk heeft moeder om haar te helpen met K.?"},
            reason="K. wordt vaak door wisselende buren van school gehaald; moeder is uitgeput.",
            phone_days_ago=9,
            consent_days_ago=10,
        ),
        steps=(Take(ZORG), DueToday()),
    ),
)


#: Cases that are due today whenever the demo is loaded (Vandaag shows them as due today).
DUE_TODAY_SLUGS = frozenset({"vandaag"})


def load_demo_requests(organisations: dict[str, Organisation]) -> Iterator[DemoRow]:
    """Make every case that does not exist yet, each in its own transaction; a "due today" case
    made on an earlier day is made due today again."""
    for row in play_request_cases(organisations, CASES):
        if row.case.slug in DUE_TODAY_SLUGS and row.request is not None and not row.created:
            with transaction.atomic():
                row = replace(row, request=keep_due_today_for_demo(row.request, timezone.localdate()))
        yield row
