"""Demo information requests: one in every state and on every path (issue 3), so a newcomer can
log in as a demo user and click through each.

Every case is made through the real services (``requests.services``, ``consent.services``) with
the demo users of :mod:`toolkid.management.demo` as the actors, so the requests carry the same
events, audit trail, permissions and due dates as real ones. The one exception is the overdue
case: see :func:`backdate_submission_for_demo`.

Idempotent: each case is keyed by a fixed ``submit_token`` (a uuid5 of its slug). A case whose
token exists is left as it is — also when a developer has clicked it further — and a second run
creates nothing. (A draft has no token of its own until it is sent; the demo draft gets its key
written directly, see :func:`_mark_draft`. Once someone sends it through the form it gets the
form's token, and the next ``load_demo`` makes a fresh demo draft.)

All people are invented. The only BSNs are the documented test numbers 111222333 and 123456782;
the other demo parents have none (the BSN is optional).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from audit.events import record
from audit.models import AuditAction
from consent.models import ConsentDeclaration, ConsentGiver
from consent.services import consent_create, consent_revoke
from requests import services
from requests.models import (
    ConsentPath,
    Decision,
    InformationRequest,
    LegalFramework,
    ParentConsultationOutcome,
    RequestEvent,
    Severity,
)
from requests.workflow import RequestStatus
from toolkid.actors import Actor
from toolkid.models import Membership, Organisation, User
from toolkid.working_calendar import explain_due_date

S = RequestStatus

#: The namespace of the cases' keys; never change it (the keys are what makes a rerun a no-op).
DEMO_NAMESPACE = uuid.UUID("7d0c2f4e-5b1a-4c39-9a57-2f1c0e8b6d13")

#: The adult-care organisation every demo request goes to.
PROVIDER = "Mondriaan"

ALL_CONFIRMED = {
    "confirmed_factual": True,
    "confirmed_no_parenting_judgement": True,
    "confirmed_weighed_criteria": True,
    "confirmed_recorded_in_file": True,
}

#: R30, in the words of a youth-care worker.
PATH_B = {
    "b_risk_of_serious_harm": "Zonder zicht op het verloop van de behandeling kunnen we niet inschatten "
    "of de kinderen thuis veilig zijn; school meldt dat ze vaak hongerig en moe zijn.",
    "b_only_source": "Alleen de behandelaar kent het verloop van de behandeling en de medicatietrouw.",
    "b_prevents_harm": "Met de informatie kunnen we tijdig een veiligheidsplan en hulp thuis inzetten.",
    "b_specific_information": "We vragen alleen naar het verloop van de behandeling sinds januari en "
    "hoe de ouder met stress omgaat.",
    "b_why_still_necessary": "De ouder weigert, maar de signalen van school en huisarts zijn ernstig "
    "en nemen toe.",
    "b_will_inform_parent": True,
}

#: R32, R33
PATH_C = {
    "c_why_not_asked": "De partner van de ouder is bij eerdere vragen agressief geworden tegen de "
    "ouder en de kinderen; vragen zou hen nu in gevaar brengen.",
    "c_why_necessary": "Er is een ernstig vermoeden van huiselijk geweld; we moeten de veiligheid "
    "van de kinderen deze week inschatten.",
}


class DemoSkip(Exception):
    """A case cannot be made now (e.g. a demo user's membership was ended by hand)."""


@dataclass(frozen=True)
class DemoCase:
    slug: str
    path: str  # for the table: "A", "B", "C", "B (OTS)"
    login: str  # who to log in as to see (or take) the next step
    note: str  # what there is to see, in Dutch
    build: Callable[[DemoContext, DemoCase], InformationRequest]

    @property
    def key(self) -> uuid.UUID:
        return uuid.uuid5(DEMO_NAMESPACE, self.slug)


@dataclass
class DemoContext:
    """The organisations and users load_demo made, and small helpers to act as them."""

    organisations: dict[str, Organisation]
    today: dt.date = field(default_factory=timezone.localdate)

    def actor(self, username: str, organisation: str) -> Actor:
        """The demo user acting for ``organisation``, with the roles held there (as the
        middleware builds it)."""
        org = self.organisations[organisation]
        user = User.objects.filter(username=username, is_active=True).first()
        roles = frozenset(
            Membership.objects.filter(user=user, organisation=org, is_active=True).values_list(
                "role", flat=True
            )
        )
        if user is None or not roles:
            raise DemoSkip(f"{username} werkt niet (meer) bij {organisation}")
        return Actor(user=user, organisation=org, roles=roles)

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    @property
    def provider(self) -> Organisation:
        return self.organisations[PROVIDER]

    # -- filing -------------------------------------------------------------------------

    def file(
        self,
        case: DemoCase,
        requester: Actor,
        *,
        path: str,
        parent: dict[str, Any],
        children: list[tuple[str, dt.date]],
        questions: dict[str, str],
        reason: str,
        severity: str = Severity.WELLBEING_DOUBT,
        has_ots: bool = False,
        framework: tuple[str, str] | None = None,
        consent_by: tuple[str, str] = (ConsentGiver.PARENT, ""),
        phone_days_ago: int = 2,
        consent_days_ago: int = 5,
        submit: bool = True,
    ) -> InformationRequest:
        """File a complete request through the services (a draft, its fields, the consent
        declaration with a generated PDF on path A) and send it with the case's key."""
        fields: dict[str, Any] = {
            "receiving_organisation": self.provider,
            "phone_contact_date": self.days_ago(phone_days_ago),
            "phone_contact_with": "Maud Ramakers, behandelaar volwassenen-GGZ",
            "has_ots": has_ots,
            "severity": severity,
            "reason": reason,
            "no_parenting_judgement_confirmed": True,
            "consent_path": path,
            "draft_step": "controleren",
        }
        if framework is not None:
            fields["legal_framework"], fields["framework_change_reason"] = framework
        if path == ConsentPath.B:
            fields.update(PATH_B)
        elif path == ConsentPath.C:
            fields.update(PATH_C)
        req = services.request_draft_create(actor=requester)
        req = services.request_draft_update(
            actor=requester,
            request=req,
            fields=fields,
            parent=parent,
            children=[{"name_or_initials": name, "date_of_birth": born} for name, born in children],
            topics=[{"topic": letter, "question": text} for letter, text in questions.items()],
        )
        if path == ConsentPath.A:
            declaration = self.consent(
                requester, req, topics=sorted(questions), given_by=consent_by, days_ago=consent_days_ago
            )
            req = services.request_draft_update(
                actor=requester, request=req, fields={"consent_declaration": declaration}
            )
        if not submit:
            return req
        return services.request_submit(actor=requester, request=req, submit_token=case.key)

    def consent(
        self,
        requester: Actor,
        req: InformationRequest,
        *,
        topics: list[str],
        given_by: tuple[str, str] = (ConsentGiver.PARENT, ""),
        days_ago: int = 5,
    ) -> ConsentDeclaration:
        """R24, R29: the signed declaration, stored through the consent service with a small
        generated PDF (a real PDF, so the download and the content check work as for an upload)."""
        giver, representative = given_by
        given_on = self.days_ago(days_ago)
        parent = req.parent
        pdf = demo_consent_pdf(
            [
                "Toestemmingsverklaring - DEMO, fictieve gegevens",
                "",
                f"Ouder: {parent.name} (geboren {parent.date_of_birth:%d-%m-%Y})",
                f"Gegeven door: {representative or parent.name}",
                f"Aan: {self.provider.name}",
                f"Namens: {requester.organisation.name}",
                f"Onderwerpen: {', '.join(topics)}",
                "Doel: de veiligheid van de kinderen inschatten.",
                f"Datum: {given_on:%d-%m-%Y}",
                "",
                "Dit document is gemaakt door load_demo en heeft geen rechtskracht.",
            ]
        )
        return consent_create(
            actor=requester,
            parent=parent,
            recipient=self.provider,
            given_by=giver,
            representative_name=representative,
            topics=topics,
            purpose="De veiligheid van de kinderen inschatten.",
            given_on=given_on,
            valid_until=self.today + dt.timedelta(days=180),
            document=ContentFile(pdf, name="verklaring.pdf"),
        )

    # -- handling -----------------------------------------------------------------------

    def consult_parent(self, clinician: Actor, req: InformationRequest, *, agrees: bool, note: str):
        return services.request_record_parent_consultation(
            actor=clinician,
            request=req,
            date=self.days_ago(1),
            outcome=ParentConsultationOutcome.AGREES if agrees else ParentConsultationOutcome.DISAGREES,
            note=note,
        )

    def consult_internally(self, clinician: Actor, req: InformationRequest, conclusion: str):
        return services.request_record_internal_consultation(
            actor=clinician,
            request=req,
            with_whom="Geneesheer-directeur en teamleider volwassenen-GGZ",
            date=self.days_ago(1),
            conclusion=conclusion,
        )

    def answer(self, clinician: Actor, req: InformationRequest, *, send: bool = True):
        """R15–R18 per requested topic; sent with the checklist (R19–R21, R25, R31/R36)."""
        topics = {t.topic: ANSWERS[t.topic] for t in req.topics.all()}
        if not send:
            return services.request_save_answer(actor=clinician, request=req, topics=topics)
        return services.request_send_answer(
            actor=clinician, request=req, topics=topics, confirmations=ALL_CONFIRMED
        )


#: The answer per topic (R15 own observations, R16 others' with source, R17 both sides, R18).
ANSWERS: dict[str, dict[str, str]] = {
    letter: {
        "own_observations": own,
        "others_observations": others,
        "others_sources": source,
        "strengthening_facts": strengthening,
        "weakening_facts": weakening,
        "explanation": explanation,
    }
    for letter, (own, others, source, strengthening, weakening, explanation) in {
        "a": (
            "In de gesprekken sinds maart is de ouder vlak en weinig bereikbaar; over de kinderen "
            "praat de ouder zelden uit zichzelf.",
            "De partner vertelt dat de ouder 's middags vaak slaapt.",
            "Partner, in het gezinsgesprek van 12 mei.",
            "Twee afspraken vergeten in april.",
            "Sinds de medicatie is aangepast, komt de ouder alle afspraken na.",
            "Een depressie kan de emotionele beschikbaarheid tijdelijk verminderen; dat herstelt "
            "meestal met de behandeling.",
        ),
        "b": (
            "Somberheid, slaapproblemen en concentratieproblemen; de ouder houdt het huishouden "
            "met hulp van de eigen moeder op orde.",
            "",
            "",
            "Weinig energie aan het eind van de dag.",
            "Goede zelfzorg en een duidelijke dagstructuur met werk in de ochtend.",
            "",
        ),
        "c": (
            "De ouder volgt sinds februari wekelijks cognitieve gedragstherapie; de opkomst is "
            "sinds april volledig.",
            "",
            "",
            "",
            "De behandeling verloopt volgens plan.",
            "",
        ),
        "d": (
            "De ouder benoemt de eigen klachten en zoekt zelf hulp bij terugval.",
            "",
            "",
            "",
            "Goed ziektebesef.",
            "",
        ),
        "e": (
            "De ouder heeft steun van de eigen moeder en een vriendin in de buurt.",
            "",
            "",
            "",
            "Een stabiel netwerk dat helpt met de kinderen.",
            "",
        ),
        "f": (
            "Bij spanning trekt de ouder zich terug; de ouder oefent met een signaleringsplan.",
            "Volgens de partner wordt de ouder dan prikkelbaar.",
            "Partner, telefonisch op 3 juni.",
            "Prikkelbaarheid bij spanning.",
            "Het signaleringsplan wordt gebruikt.",
            "",
        ),
    }.items()
}


# --------------------------------------------------------------------------------------------
# Demo-only writes outside the services (each says why)
# --------------------------------------------------------------------------------------------


def backdate_submission_for_demo(req: InformationRequest, *, submitted_on: dt.date) -> InformationRequest:
    """DEMO DATA ONLY: make a just-submitted request look as if it was sent on ``submitted_on``,
    so the inbox shows an overdue request the moment the demo is loaded.

    The services always use today's date, and time_machine is a development dependency that
    ``load_demo`` must not need at run time. So the request is first filed normally, then its
    ``submitted_at``, ``due_date`` and ``due_explanation`` are recomputed for the earlier day with
    the receiving organisation's own calendar (``explain_due_date``) and written with a queryset
    ``update()``, which bypasses the services on purpose. Its own timeline rows are moved to that
    moment too, so the request's page tells one story. The audit trail keeps the truth: the
    real events stay as they happened, plus one ``demo.request_backdated`` event that says what
    was changed. Never use this for anything but demo data.
    """
    explanation = explain_due_date(req.receiving_organisation, submitted_on)
    moment = timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(9, 30)))
    InformationRequest.objects.filter(pk=req.pk).update(
        submitted_at=moment,
        due_date=explanation.due,
        due_explanation=explanation.to_dict(),
        created_at=moment,
    )
    RequestEvent.objects.filter(request=req).update(occurred_at=moment)
    record(
        actor=Actor.system("load_demo"),
        event="demo.request_backdated",
        action=AuditAction.UPDATE,
        obj=req,
        parent_ref=req.audit_ref,
        payload={"submitted_on": submitted_on.isoformat(), "due_date": explanation.due.isoformat()},
    )
    return InformationRequest.objects.get(pk=req.pk)


def _mark_draft(req: InformationRequest, key: uuid.UUID) -> InformationRequest:
    """DEMO DATA ONLY: a draft gets its ``submit_token`` only when it is sent, so the demo draft
    gets its case key written directly, to be found again by the next run. Sending it through
    the form later replaces the token (the form brings its own), as for any draft."""
    InformationRequest.objects.filter(pk=req.pk, status=S.DRAFT).update(submit_token=key)
    return InformationRequest.objects.get(pk=req.pk)


# --------------------------------------------------------------------------------------------
# The cases
# --------------------------------------------------------------------------------------------

HEERLEN = ("jeugd.heerlen", "Wijkteam Heerlen")
KERKRADE = ("jeugd.kerkrade", "Wijkteam Kerkrade")
XONAR = ("jeugd.xonar", "XONAR")
MONDRIAAN_JEUGD = ("jeugd.mondriaan", "Mondriaan Jeugd")
BJZ = ("gezinsvoogd.bjz", "Bureau Jeugdzorg Limburg")
RAAD = ("raad.limburg", "Raad voor de Kinderbescherming Limburg")
VEILIG_THUIS = ("vt.zuidlimburg", "Veilig Thuis Zuid-Limburg")
FLEX_LANDGRAAF = ("flex.parkstad", "Wijkteam Landgraaf")
FLEX_BRUNSSUM = ("flex.parkstad", "Wijkteam Brunssum")
ZORG = ("zorg.mondriaan", PROVIDER)
ZORG2 = ("zorg2.mondriaan", PROVIDER)
TEAMLEIDER = ("teamleider.mondriaan", PROVIDER)
JURIST = ("jurist.mondriaan", PROVIDER)


def _draft(c: DemoContext, case: DemoCase) -> InformationRequest:
    jeugd = c.actor(*HEERLEN)
    req = services.request_draft_create(actor=jeugd)
    req = services.request_draft_update(
        actor=jeugd,
        request=req,
        fields={
            "receiving_organisation": c.provider,
            "phone_contact_date": c.days_ago(1),
            "phone_contact_with": "Maud Ramakers, behandelaar volwassenen-GGZ",
            # Left at the fourth step (ernst en reden): the form resumes there.
            "draft_step": "ernst-en-reden",
        },
        parent={"name": "Ingrid Bosten", "date_of_birth": dt.date(1990, 3, 14)},
        children=[{"name_or_initials": "L.B.", "date_of_birth": dt.date(2017, 6, 2)}],
    )
    return _mark_draft(req, case.key)


def _submitted(c: DemoContext, case: DemoCase) -> InformationRequest:
    return c.file(
        case,
        c.actor(*KERKRADE),
        path=ConsentPath.A,
        parent={"name": "Ramon Kurvers", "date_of_birth": dt.date(1984, 11, 23)},
        children=[("J.K.", dt.date(2014, 1, 9)), ("S.K.", dt.date(2019, 8, 30))],
        questions={
            "c": "Hoe verloopt de behandeling van vader sinds de opname in januari?",
            "e": "Welk eigen netwerk heeft vader om hem te helpen met de kinderen?",
        },
        reason="De kinderen komen sinds de opname van vader vaak te laat op school.",
    )


def _returned(c: DemoContext, case: DemoCase) -> InformationRequest:
    req = c.file(
        case,
        c.actor(*XONAR),
        path=ConsentPath.A,
        parent={"name": "Nadia Sijben", "date_of_birth": dt.date(1992, 5, 17)},
        children=[("M.S.", dt.date(2018, 2, 11))],
        questions={"b": "Kunt u ons het volledige behandeldossier van moeder sturen?"},
        reason="Moeder lijkt de zorg voor M. niet aan te kunnen; de peuterspeelzaal maakt zich zorgen.",
    )
    return services.request_return_for_reformulation(
        actor=c.actor(*ZORG),
        request=req,
        suggestion="Een volledig dossier kunnen we niet geven. Vraag gericht naar de klachten en "
        "belemmeringen die de zorg voor M. raken (onderwerp b), en naar hoe moeder met stress "
        "omgaat (onderwerp f).",
    )


def _b_in_progress(c: DemoContext, case: DemoCase) -> InformationRequest:
    zorg = c.actor(*ZORG)
    req = c.file(
        case,
        c.actor(*HEERLEN),
        path=ConsentPath.B,
        parent={"name": "Mark Vaessen", "date_of_birth": dt.date(1981, 7, 4)},
        children=[("D.V.", dt.date(2012, 10, 15))],
        questions={
            "a": "Welke gevolgen heeft de verslaving voor de emotionele beschikbaarheid voor D.?",
            "f": "Hoe gaat vader om met stress, en wat gebeurt er bij terugval?",
        },
        reason="D. vertelt op school dat vader 's avonds vaak dronken is en schreeuwt.",
        severity=Severity.ABUSE_SUSPICION,
    )
    req = services.request_take(actor=zorg, request=req)
    return c.consult_parent(
        zorg,
        req,
        agrees=False,
        note="Vader wil niet dat er informatie wordt gedeeld; besproken in het behandelgesprek.",
    )


def _answering(c: DemoContext, case: DemoCase) -> InformationRequest:
    zorg = c.actor(*ZORG)
    req = c.file(
        case,
        c.actor(*MONDRIAAN_JEUGD),
        path=ConsentPath.A,
        parent={"name": "Esther Lardinois", "date_of_birth": dt.date(1987, 9, 8)},
        children=[("T.L.", dt.date(2010, 4, 21))],
        questions={
            "a": "Welke gevolgen heeft de depressie van moeder voor de emotionele beschikbaarheid voor T.?",
            "d": "Heeft moeder ziektebesef en -inzicht?",
        },
        reason="T. (jeugd-GGZ) is somber en zegt dat hij thuis voor moeder moet zorgen.",
    )
    req = services.request_take(actor=zorg, request=req)
    req = services.request_decide(
        actor=zorg,
        request=req,
        decision=Decision.PROVIDE,
        motivation="Moeder gaf schriftelijk toestemming voor a en d (R29).",
    )
    # A concept answer for topic a; d still has to be written.
    return services.request_save_answer(actor=zorg, request=req, topics={"a": ANSWERS["a"]})


def _answered_a(
    c: DemoContext,
    case: DemoCase,
    *,
    acknowledge: bool = False,
    requester: tuple[str, str] = HEERLEN,
    parent: dict[str, Any] | None = None,
    consent_by: tuple[str, str] = (ConsentGiver.PARENT, ""),
    children: list[tuple[str, dt.date]] | None = None,
) -> InformationRequest:
    zorg = c.actor(*ZORG2)
    jeugd = c.actor(*requester)
    req = c.file(
        case,
        jeugd,
        path=ConsentPath.A,
        parent=parent
        or {"name": "Sandra Wetzels", "date_of_birth": dt.date(1989, 12, 1), "bsn": "111222333"},
        children=children or [("N.W.", dt.date(2016, 9, 1)), ("T.W.", dt.date(2019, 2, 14))],
        questions={
            "b": "Welke klachten en belemmeringen ziet u bij de ouder, en wat gaat goed?",
            "c": "Hoe verloopt de behandeling; komt de ouder de afspraken na?",
        },
        reason="School meldt dat het oudste kind vaak alleen thuis is en er moe uitziet.",
        consent_by=consent_by,
    )
    req = services.request_take(actor=zorg, request=req)
    req = services.request_decide(
        actor=zorg,
        request=req,
        decision=Decision.PROVIDE,
        motivation="Er is schriftelijke toestemming voor de gevraagde onderwerpen (R29).",
    )
    req = c.answer(zorg, req)
    if acknowledge:
        req = services.request_acknowledge(actor=jeugd, request=req)
    return req


def _answered(c: DemoContext, case: DemoCase) -> InformationRequest:
    return _answered_a(c, case)


def _closed(c: DemoContext, case: DemoCase) -> InformationRequest:
    # L2: an incapacitated parent; the curator gave consent.
    return _answered_a(
        c,
        case,
        acknowledge=True,
        requester=KERKRADE,
        parent={
            "name": "Peter Meessen",
            "date_of_birth": dt.date(1979, 4, 30),
            "is_incapacitated": True,
            "representative_name": "Mr. A. Ploumen (curator)",
            "representative_kind": "curator_mentor",
        },
        consent_by=(ConsentGiver.CURATOR_MENTOR, "Mr. A. Ploumen (curator)"),
        children=[("L.M.", dt.date(2013, 11, 11))],
    )


def _b_refusal(
    c: DemoContext,
    case: DemoCase,
    requester: tuple[str, str],
    *,
    parent: dict[str, Any],
    clinician: tuple[str, str] = ZORG2,
    legal_advice: bool = False,
) -> InformationRequest:
    """Path B outcome c up to the decision not to provide (R31c), waiting for a second person."""
    zorg = c.actor(*clinician)
    req = c.file(
        case,
        c.actor(*requester),
        path=ConsentPath.B,
        parent=parent,
        children=[("R.", dt.date(2015, 3, 3))],
        questions={
            "c": "Hoe verloopt de behandeling van moeder sinds januari?",
            "f": "Hoe gaat moeder om met stress?",
        },
        reason="R. heeft blauwe plekken waar moeder geen uitleg voor heeft.",
        severity=Severity.ABUSE_SUSPICION,
    )
    req = services.request_take(actor=zorg, request=req)
    req = c.consult_parent(
        zorg, req, agrees=False, note="Moeder is boos over het verzoek en wil niets laten delen."
    )
    req = c.consult_internally(
        zorg,
        req,
        "De gevraagde informatie zegt weinig over de blauwe plekken; de jeugdhulp "
        "kan dit beter via de huisarts en school nagaan. Niet verstrekken.",
    )
    if legal_advice:
        advice = services.request_ask_legal_advice(
            actor=zorg,
            request=req,
            question="Mogen wij hier weigeren, gezien het vermoeden van mishandeling (R31)?",
        )
        services.legal_advice_give(
            actor=c.actor(*JURIST),
            advice=advice,
            text="Weigeren is verdedigbaar: de informatie is niet noodzakelijk om de veiligheid "
            "in te schatten en er is een andere weg. Wijs de aanvrager op Veilig Thuis (R2).",
        )
    return services.request_decide(
        actor=zorg,
        request=req,
        decision=Decision.NOT_PROVIDE,
        motivation="Na intern overleg: de informatie is niet noodzakelijk voor de veiligheid van R. "
        "en kan op een andere manier worden verkregen (R21, R31c).",
    )


def _refusal_pending(c: DemoContext, case: DemoCase) -> InformationRequest:
    return _b_refusal(
        c,
        case,
        FLEX_LANDGRAAF,
        legal_advice=True,
        parent={"name": "Chantal Pelzer", "date_of_birth": dt.date(1991, 1, 19)},
    )


def _refused(c: DemoContext, case: DemoCase) -> InformationRequest:
    req = _b_refusal(c, case, XONAR, parent={"name": "Monique Custers", "date_of_birth": dt.date(1986, 6, 6)})
    return services.request_confirm_refusal(
        actor=c.actor(*TEAMLEIDER), request=req, note="Terecht nee, goed gemotiveerd."
    )


def _contested(c: DemoContext, case: DemoCase) -> InformationRequest:
    req = _b_refusal(
        c,
        case,
        RAAD,
        clinician=ZORG,
        parent={"name": "Brenda Dautzenberg", "date_of_birth": dt.date(1983, 8, 12)},
    )
    req = services.request_confirm_refusal(actor=c.actor(*TEAMLEIDER), request=req)
    services.request_contest_refusal(
        actor=c.actor(*RAAD),
        request=req,
        reason="Voor het raadsonderzoek is het verloop van de behandeling wel nodig; er is geen "
        "andere bron (art. 1:240 BW).",
    )
    return InformationRequest.objects.get(pk=req.pk)


def _c_provided(c: DemoContext, case: DemoCase) -> InformationRequest:
    zorg = c.actor(*ZORG)
    req = c.file(
        case,
        c.actor(*VEILIG_THUIS),
        path=ConsentPath.C,
        parent={"name": "Kevin Schiffelers", "date_of_birth": dt.date(1988, 2, 25)},
        children=[("A.S.", dt.date(2020, 11, 5))],
        questions={
            "a": "Welke gevolgen heeft de psychose van vader voor de veiligheid van A.?",
            "f": "Hoe gaat vader om met stress?",
        },
        reason="Buren melden geschreeuw en een kind dat 's nachts huilt; vader is bekend bij de GGZ.",
        severity=Severity.ABUSE_SUSPICION,
    )
    req = services.request_take(actor=zorg, request=req)
    req = services.request_decide(
        actor=zorg,
        request=req,
        decision=Decision.PROVIDE,
        motivation="Het acute risico voor A. rechtvaardigt verstrekken zonder toestemming.",
        weighing="Zwaarwegend: ernstig vermoeden van huiselijk geweld, een kind van vier, en vader "
        "is niet stabiel. Vragen om toestemming zou het gevaar vergroten (R34).",
    )
    return c.answer(zorg, req)


def _c_refused(c: DemoContext, case: DemoCase) -> InformationRequest:
    zorg = c.actor(*ZORG2)
    req = c.file(
        case,
        c.actor(*KERKRADE),
        path=ConsentPath.C,
        parent={"name": "Patrick Mordang", "date_of_birth": dt.date(1985, 10, 10)},
        children=[("E.M.", dt.date(2013, 7, 7))],
        questions={"d": "Heeft vader ziektebesef en -inzicht?"},
        reason="E. vertelt dat vader de deur op slot doet en niemand binnenlaat.",
        severity=Severity.ABUSE_SUSPICION,
        framework=(
            LegalFramework.CONFLICT_OF_DUTIES,
            "Er is geen wettelijke grondslag voor het wijkteam; zwijgen kan ernstige schade "
            "voor E. opleveren (conflict van plichten).",
        ),
    )
    req = services.request_take(actor=zorg, request=req)
    req = services.request_decide(
        actor=zorg,
        request=req,
        decision=Decision.NOT_PROVIDE,
        motivation="Ziektebesef zegt niets over de veiligheid van E.; dit rechtvaardigt geen "
        "doorbreking van het beroepsgeheim.",
        weighing="Geen zwaarwegende omstandigheden die verstrekken zonder toestemming "
        "rechtvaardigen voor deze vraag (R34).",
    )
    return services.request_confirm_refusal(actor=c.actor(*JURIST), request=req)


def _ots_answered(c: DemoContext, case: DemoCase) -> InformationRequest:
    zorg = c.actor(*ZORG)
    req = c.file(
        case,
        c.actor(*BJZ),
        path=ConsentPath.B,
        has_ots=True,
        parent={"name": "Yvonne Hendriks", "date_of_birth": dt.date(1990, 5, 5), "bsn": "123456782"},
        children=[("F.H.", dt.date(2011, 12, 24)), ("G.H.", dt.date(2015, 4, 1))],
        questions={
            "a": "Welke gevolgen heeft de bipolaire stoornis van moeder voor haar beschikbaarheid "
            "voor F. en G.?",
            "c": "Hoe verloopt de behandeling, en is moeder medicatietrouw?",
        },
        reason="F. en G. staan onder toezicht; voor het plan van aanpak is nodig te weten hoe "
        "stabiel moeder is.",
    )
    req = services.request_take(actor=zorg, request=req)
    req = c.consult_parent(zorg, req, agrees=False, note="Moeder wil niet dat de gezinsvoogd dit weet.")
    req = c.consult_internally(
        zorg,
        req,
        "Onder de OTS moet informatie die nodig is voor de uitvoering worden gegeven "
        "(R4, Jeugdwet art. 7.3.11 lid 4). Verstrekken tegen de wens van moeder.",
    )
    req = services.request_decide(
        actor=zorg,
        request=req,
        decision=Decision.PROVIDE,
        motivation="Nodig voor de uitvoering van de OTS; verstrekt tegen de wens van moeder na "
        "intern overleg (R31b, R4).",
    )
    return c.answer(zorg, req)


def _withdrawn(c: DemoContext, case: DemoCase) -> InformationRequest:
    jeugd = c.actor(*MONDRIAAN_JEUGD)
    req = c.file(
        case,
        jeugd,
        path=ConsentPath.B,
        parent={"name": "Ron Janssen", "date_of_birth": dt.date(1980, 12, 12)},
        children=[("B.J.", dt.date(2012, 5, 18))],
        questions={"e": "Welk eigen netwerk heeft vader?"},
        reason="B. is in behandeling bij de jeugd-GGZ; vader lijkt overbelast.",
    )
    return services.request_withdraw(
        actor=jeugd, request=req, reason="Het gezin is verhuisd naar Maastricht; de hulp is overgedragen."
    )


def _revoked(c: DemoContext, case: DemoCase) -> InformationRequest:
    zorg = c.actor(*ZORG)
    jeugd = c.actor(*HEERLEN)
    req = c.file(
        case,
        jeugd,
        path=ConsentPath.A,
        parent={"name": "Anouk Vrijens", "date_of_birth": dt.date(1993, 9, 29)},
        children=[("Z.V.", dt.date(2021, 1, 15))],
        questions={
            "a": "Welke gevolgen heeft de angststoornis van moeder voor de beschikbaarheid voor Z.?",
            "e": "Welk eigen netwerk heeft moeder?",
        },
        reason="Het consultatiebureau ziet dat Z. achterblijft in de ontwikkeling.",
    )
    req = services.request_take(actor=zorg, request=req)
    req = services.request_decide(
        actor=zorg,
        request=req,
        decision=Decision.PROVIDE,
        motivation="Moeder gaf schriftelijk toestemming (R29).",
    )
    req = c.answer(zorg, req, send=False)
    consent_revoke(
        actor=jeugd,
        declaration=req.consent_declaration,
        revoked_on=c.today,
        note="Moeder trekt haar toestemming in na een gesprek met haar partner.",
    )
    return InformationRequest.objects.get(pk=req.pk)


def _overdue(c: DemoContext, case: DemoCase) -> InformationRequest:
    submitted_on = c.days_ago(15)
    req = c.file(
        case,
        c.actor(*XONAR),
        path=ConsentPath.A,
        parent={"name": "Jolanda Bemelmans", "date_of_birth": dt.date(1985, 4, 4)},
        children=[("V.B.", dt.date(2009, 9, 9))],
        questions={"f": "Hoe gaat moeder om met stress, nu de scheiding loopt?"},
        reason="V. verzuimt veel van school sinds de scheiding van de ouders.",
        phone_days_ago=16,
        consent_days_ago=17,
    )
    return backdate_submission_for_demo(req, submitted_on=submitted_on)


def _b_agreed_closed(c: DemoContext, case: DemoCase) -> InformationRequest:
    zorg = c.actor(*ZORG2)
    jeugd = c.actor(*FLEX_BRUNSSUM)
    req = c.file(
        case,
        jeugd,
        path=ConsentPath.B,
        parent={"name": "Wendy Gielen", "date_of_birth": dt.date(1994, 2, 2)},
        children=[("P.G.", dt.date(2019, 3, 3))],
        questions={"d": "Heeft moeder ziektebesef en -inzicht?"},
        reason="De kinderopvang ziet dat P. steeds vaker niet wordt opgehaald.",
    )
    req = services.request_take(actor=zorg, request=req)
    req = c.consult_parent(
        zorg, req, agrees=True, note="Na uitleg is moeder akkoord dat wij dit ene onderwerp delen."
    )
    req = services.request_decide(
        actor=zorg,
        request=req,
        decision=Decision.PROVIDE,
        motivation="Moeder is na overleg akkoord (R31a).",
    )
    req = c.answer(zorg, req)
    return services.request_acknowledge(actor=jeugd, request=req)


#: In the order of the table. ``login`` names who sees (or takes) the next step.
CASES: tuple[DemoCase, ...] = (
    DemoCase("concept", "A", "jeugd.heerlen", "concept, halverwege het formulier", _draft),
    DemoCase(
        "ingediend",
        "A",
        "teamleider.mondriaan / zorg.mondriaan",
        "ingediend, nog niet toegewezen",
        _submitted,
    ),
    DemoCase("te-laat", "A", "zorg.mondriaan", "ingediend, termijn verstreken (te laat)", _overdue),
    DemoCase("teruggestuurd", "A", "jeugd.xonar", "teruggestuurd ter herformulering (R7)", _returned),
    DemoCase(
        "pad-b-in-behandeling",
        "B",
        "zorg.mondriaan",
        "overleg met ouder vastgelegd: niet akkoord; nu intern overleg",
        _b_in_progress,
    ),
    DemoCase("pad-a-antwoord", "A", "zorg.mondriaan", "antwoord in voorbereiding (concept)", _answering),
    DemoCase("pad-a-beantwoord", "A", "jeugd.heerlen", "beantwoord, wacht op 'gelezen'", _answered),
    DemoCase(
        "pad-a-afgesloten",
        "A",
        "jeugd.kerkrade",
        "afgesloten; ouder wilsonbekwaam, curator gaf toestemming",
        _closed,
    ),
    DemoCase(
        "pad-b-akkoord",
        "B",
        "flex.parkstad (Wijkteam Brunssum)",
        "ouder akkoord na overleg (R31a), afgesloten",
        _b_agreed_closed,
    ),
    DemoCase(
        "pad-b-weigering",
        "B",
        "teamleider.mondriaan / jurist.mondriaan",
        "weigering wacht op tweede persoon (R11); advies gegeven",
        _refusal_pending,
    ),
    DemoCase("pad-b-geweigerd", "B", "jeugd.xonar", "weigering bevestigd, met Veilig Thuis (R2)", _refused),
    DemoCase("bezwaar", "B", "jurist.mondriaan", "bezwaar van de Raad; advies gevraagd (R8)", _contested),
    DemoCase("pad-c-verstrekt", "C", "vt.zuidlimburg", "verstrekt zonder toestemming (R34)", _c_provided),
    DemoCase("pad-c-geweigerd", "C", "jeugd.kerkrade", "niet verstrekt, conflict van plichten", _c_refused),
    DemoCase(
        "ots",
        "B (OTS)",
        "gezinsvoogd.bjz",
        "OTS: verstrekt tegen de wens van de ouder (R4, R31b)",
        _ots_answered,
    ),
    DemoCase("ingetrokken", "B", "jeugd.mondriaan", "ingetrokken door de aanvrager", _withdrawn),
    DemoCase(
        "toestemming-ingetrokken",
        "A",
        "jeugd.heerlen / zorg.mondriaan",
        "toestemming ingetrokken: antwoord geblokkeerd (R29)",
        _revoked,
    ),
)


@dataclass(frozen=True)
class DemoRow:
    case: DemoCase
    request: InformationRequest | None
    created: bool
    skipped: str = ""


def load_demo_requests(organisations: dict[str, Organisation]) -> Iterator[DemoRow]:
    """Make every case that does not exist yet, each in its own transaction."""
    context = DemoContext(organisations)
    for case in CASES:
        existing = InformationRequest.objects.filter(submit_token=case.key).first()
        if existing is not None:
            yield DemoRow(case, existing, created=False)
            continue
        try:
            with transaction.atomic():
                req = case.build(context, case)
        except DemoSkip as exc:
            yield DemoRow(case, None, created=False, skipped=str(exc))
            continue
        yield DemoRow(case, InformationRequest.objects.get(pk=req.pk), created=True)


# --------------------------------------------------------------------------------------------
# A consent declaration as a (tiny, valid) PDF
# --------------------------------------------------------------------------------------------


def _pdf_text(text: str) -> bytes:
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252", errors="replace")


def demo_consent_pdf(lines: list[str]) -> bytes:
    """A one-page A4 PDF with ``lines`` in Helvetica, written by hand (no renderer needed):
    header, five objects, a cross-reference table with the real byte offsets, trailer."""
    content = b"BT /F1 12 Tf 72 770 Td 16 TL\n"
    for line in lines:
        content += b"(" + _pdf_text(line) + b") Tj T*\n"
    content += b"ET\n"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)
