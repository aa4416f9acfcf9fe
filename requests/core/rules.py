"""What a request needs before it may move on: the protocol's checks, in one place.

Each ``missing_for_*`` function returns ``{field_name: Dutch message}``; an empty dict means
nothing is missing. Forms show the messages beside their fields; services raise
``toolkid.errors.Incomplete(errors)`` with the same dict, so the browser and the service can
never disagree about what the protocol requires.

Field names are the model's own where there is one. Related data uses form-style keys:
``parent_name``, ``children-0-date_of_birth``, ``topics-b-question``.

The functions only read (the request, its parent, children, topics, consent declaration, the
clock); they never write. Pass ``today`` in tests to pin the clock.

Besides: :func:`framework_contradiction` (L3: no consent, yet the consent-based framework) and
:data:`JUDGEMENT_PHRASES` with :func:`judgement_warning` (R10: a question asking for a judgement
on parenting), shown in the filing wizard and, through ``requests/templatetags/request_rules.py``,
to the clinician.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from consent.models import ConsentGiver
from requests.core.bsn import is_valid_bsn
from requests.core.models import (
    ConsentPath,
    Decision,
    InformationRequest,
    LegalFramework,
    ParentConsultationOutcome,
    RequestedTopic,
    Topic,
)
from toolkid.models import OrganisationKind, Role

Errors = dict[str, str]

#: R30: the four explanations a path-B request must give, plus why consultation is still needed.
PATH_B_EXPLANATIONS: tuple[str, ...] = (
    "b_risk_of_serious_harm",
    "b_only_source",
    "b_prevents_harm",
    "b_specific_information",
    "b_why_still_necessary",
)
#: R32, R33: what a path-C request must explain.
PATH_C_EXPLANATIONS: tuple[str, ...] = ("c_why_not_asked", "c_why_necessary")

#: The answer's checklist (model field names), each tied to its rule.
ANSWER_CONFIRMATIONS: tuple[str, ...] = (
    "confirmed_factual",  # R25
    "confirmed_no_parenting_judgement",  # R19, R20
    "confirmed_weighed_criteria",  # R21
    "confirmed_recorded_in_file",  # R31, R36
)

#: The six answer fields per topic (R15–R18).
ANSWER_FIELDS: tuple[str, ...] = (
    "own_observations",
    "others_observations",
    "others_sources",
    "strengthening_facts",
    "weakening_facts",
    "explanation",
)
#: R17: per topic, the explicit statement that no facts lessen the concern (a tick, not text).
NO_WEAKENING_FACTS_KNOWN = "no_weakening_facts_known"

#: R24: the paths on which the parent's consent is not the ground (refused, or not asked).
WITHOUT_CONSENT: frozenset[str] = frozenset({ConsentPath.B, ConsentPath.C})

#: L3: a legal ground that belongs to one kind of requesting organisation.
_FRAMEWORK_OWNER_KIND: dict[str, str] = {
    LegalFramework.OTS: OrganisationKind.GI,
    LegalFramework.RVDK: OrganisationKind.RVDK,
    LegalFramework.VEILIG_THUIS: OrganisationKind.VEILIG_THUIS,
}


#: R10, R19, R20: words in a question that ask the clinician for a judgement on parenting (or on
#: a child-protection measure) rather than for facts. Data, not code: extend the list as use
#: shows new phrasings. Matched on whole words after :func:`normalise_question` (lower case, no
#: accents or punctuation), so "Is moeder een GOEDE opvoeder?" matches "goede opvoeder".
JUDGEMENT_PHRASES: tuple[str, ...] = (
    "goede opvoeder", "goede ouder", "goede moeder", "goede vader",
    "slechte opvoeder", "slechte ouder", "slechte moeder", "slechte vader",
    "goed opvoeden", "goed voor de kinderen zorgen", "goed voor het kind zorgen",
    "geschikt als ouder", "geschikt als opvoeder", "geschikt als moeder", "geschikt als vader",
    "geschikt om op te voeden", "geschiktheid", "ongeschikt",
    "opvoedcapaciteiten", "opvoedingscapaciteiten", "opvoedvaardigheden", "opvoedingsvaardigheden",
    "opvoedingsbekwaam", "opvoedbekwaam",
    "in staat om op te voeden", "in staat de kinderen op te voeden", "in staat het kind op te voeden",
    "in staat om voor de kinderen te zorgen", "in staat om voor het kind te zorgen",
    "kan zij opvoeden", "kan hij opvoeden", "kan moeder opvoeden", "kan vader opvoeden",
    "mag het kind thuis blijven", "mogen de kinderen thuis blijven",
    "uithuisplaatsing", "uit huis plaatsen", "uit huis geplaatst worden",
    "ondertoezichtstelling nodig", "kinderbeschermingsmaatregel", "gezag beeindigen", "gezag te beeindigen",
    "is het kind veilig bij", "zijn de kinderen veilig bij", "uw mening over de ouder",
)


def normalise_question(text: str) -> str:
    """Lower case, accents off, punctuation to spaces, whitespace collapsed: the form
    :data:`JUDGEMENT_PHRASES` are matched in."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


def judgement_phrases_in(text: str) -> list[str]:
    """R10: the phrases of :data:`JUDGEMENT_PHRASES` in ``text`` (whole words), in list order."""
    padded = f" {normalise_question(text)} "
    return [phrase for phrase in JUDGEMENT_PHRASES if f" {normalise_question(phrase)} " in padded]


def judgement_message(audience: str = "requester") -> str:
    """R10, R19: what a question asking for a judgement on parenting is told, worded for whoever
    reads it: the requester (ask for facts instead) or the clinician (answer with facts)."""
    if audience == "clinician":
        return _(
            "Deze vraag lijkt te vragen om een oordeel over de ouder als opvoeder. Dat oordeel geeft "
            "u niet: beantwoord de vraag met feiten die u hebt waargenomen, of vraag de aanvrager de "
            "vraag anders te stellen."
        )
    return _(
        "Deze vraag lijkt te vragen om een oordeel over de ouder als opvoeder. Dat oordeel ligt niet "
        "bij de zorgverlener. Vraag liever naar feiten, bijvoorbeeld: ‘Komt moeder de afspraken over "
        "haar behandeling na?’ of ‘Wat hebt u gezien van de zorg voor de kinderen?’"
    )


def judgement_warning(text: str, *, audience: str = "requester") -> str:
    """:func:`judgement_message` when ``text`` holds a phrase of :data:`JUDGEMENT_PHRASES`; else ""."""
    return judgement_message(audience) if judgement_phrases_in(text) else ""


def consent_revoked_message() -> str:
    """Shown wherever a path-A step meets a revoked consent (R29)."""
    return _("De toestemming is ingetrokken; het toestemmingspad moet opnieuw worden bepaald.")


def consent_expired_message() -> str:
    return _("De toestemming is verlopen; het toestemmingspad moet opnieuw worden bepaald.")


def blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _today(today: date | None) -> date:
    return today or timezone.localdate()


# --------------------------------------------------------------------------------------------
# Filing
# --------------------------------------------------------------------------------------------


def suggest_framework(org_kind: str, has_ots: bool, consent_path: str = "") -> LegalFramework:
    """L3: the ground the form suggests from the requesting organisation's kind and the OTS.

    GI with a running OTS → the obligation of Jeugdwet 7.3.11 lid 4; the RvdK → art. 1:240 BW;
    Veilig Thuis → art. 5.2.6 Wmo 2015; everyone else (wijkteam, youth care, a GI without an
    OTS) → the voluntary framework, i.e. consent; but on path B or C (consent refused, or not
    asked) consent is no ground, and such an organisation has only the *conflict van plichten*
    left (L3 iv). Otherwise that exceptional ground is chosen by hand, with a reason.
    """
    if org_kind == OrganisationKind.GI and has_ots:
        return LegalFramework.OTS
    if org_kind == OrganisationKind.RVDK:
        return LegalFramework.RVDK
    if org_kind == OrganisationKind.VEILIG_THUIS:
        return LegalFramework.VEILIG_THUIS
    if consent_path in WITHOUT_CONSENT:
        return LegalFramework.CONFLICT_OF_DUTIES
    return LegalFramework.VOLUNTARY


def framework_contradiction(request: InformationRequest) -> str:
    """L3: the voluntary framework rests on the parent's consent; a request sent without it
    (path B: refused, path C: not asked) needs one of the grounds L3 i–iv. The message, or ""."""
    if request.legal_framework != LegalFramework.VOLUNTARY or request.consent_path not in WITHOUT_CONSENT:
        return ""
    return _(
        "U vraagt om informatie zonder toestemming van de ouder, maar als kader staat ‘vrijwillig "
        "kader (op basis van toestemming)’. Kies het kader dat wel van toepassing is: "
        "ondertoezichtstelling, onderzoek van de Raad voor de Kinderbescherming, Veilig Thuis of "
        "conflict van plichten."
    )


def missing_for_submit(request: InformationRequest, *, today: date | None = None) -> Errors:
    """Everything R6, R10, R14, R22–R24, R30, R32–R33, L2 and L3 require before a request is sent."""
    today = _today(today)
    errors: Errors = {}

    # R6, R22: a written request follows a phone call; record when and with whom.
    if request.phone_contact_date is None:
        errors["phone_contact_date"] = _(
            "Vul de datum van het telefonisch contact in (eerst bellen, dan schrijven)."
        )
    elif request.phone_contact_date > today:
        errors["phone_contact_date"] = _("De datum van het telefonisch contact ligt in de toekomst.")
    if blank(request.phone_contact_with):
        errors["phone_contact_with"] = _("Vul in met wie u telefonisch contact had.")

    errors.update(_missing_parent(request))
    errors.update(_missing_children(request, today))
    errors.update(_missing_receiver(request))
    errors.update(_missing_framework(request))

    # R23: severity and reason.
    if blank(request.severity):
        errors["severity"] = _("Kies de ernst van de situatie.")
    if blank(request.reason):
        errors["reason"] = _("Beschrijf de reden van het verzoek.")

    errors.update(_missing_topics(request))

    # R10, R19: ask within your core task; the judgement on fitness to parent stays with youth care.
    if not request.no_parenting_judgement_confirmed:
        errors["no_parenting_judgement_confirmed"] = _(
            "Bevestig dat u de zorgverlener niet vraagt te oordelen over het ouderschap."
        )

    errors.update(missing_for_consent_path(request, today=today))
    return errors


def _missing_parent(request: InformationRequest) -> Errors:
    errors: Errors = {}
    parent = request.parent
    if parent is None:
        errors["parent_name"] = _("Vul de naam van de ouder in.")
        errors["parent_date_of_birth"] = _("Vul de geboortedatum van de ouder in.")
        return errors
    if blank(parent.name):
        errors["parent_name"] = _("Vul de naam van de ouder in.")
    if parent.date_of_birth is None:
        errors["parent_date_of_birth"] = _("Vul de geboortedatum van de ouder in.")
    if parent.bsn and not is_valid_bsn(parent.bsn):
        errors["parent_bsn"] = _("Dit is geen geldig BSN (negen cijfers, elfproef).")
    # L2: an incapacitated parent is represented, in the law's order of precedence.
    if parent.is_incapacitated:
        if blank(parent.representative_name):
            errors["parent_representative_name"] = _("Vul de naam van de vertegenwoordiger van de ouder in.")
        if blank(parent.representative_kind):
            errors["parent_representative_kind"] = _("Kies wie de ouder vertegenwoordigt.")
    return errors


def _missing_children(request: InformationRequest, today: date) -> Errors:
    errors: Errors = {}
    children = list(request.children.all())
    if not children:
        errors["children"] = _("Voeg ten minste één kind toe.")
    for index, child in enumerate(children):
        if blank(child.name_or_initials):
            errors[f"children-{index}-name_or_initials"] = _("Vul de naam of initialen van het kind in.")
        if child.date_of_birth is None:
            errors[f"children-{index}-date_of_birth"] = _("Vul de geboortedatum van het kind in.")
        elif child.date_of_birth > today:
            errors[f"children-{index}-date_of_birth"] = _(
                "De geboortedatum van het kind ligt in de toekomst."
            )
    return errors


def _missing_receiver(request: InformationRequest) -> Errors:
    errors: Errors = {}
    receiver = request.receiving_organisation
    if receiver is None:
        errors["receiving_organisation"] = _(
            "Kies de organisatie voor volwassenenzorg die u om informatie vraagt."
        )
        return errors
    if receiver.kind != OrganisationKind.VOLWASSENENZORG or not receiver.is_active:
        errors["receiving_organisation"] = _(
            "Informatie wordt gevraagd aan een organisatie voor volwassenenzorg."
        )  # R1
        return errors
    clinician = request.intended_clinician
    if clinician is not None and not (
        clinician.is_active
        and clinician.memberships.filter(
            organisation=receiver, role=Role.ZORGVERLENER, is_active=True
        ).exists()
    ):
        errors["intended_clinician"] = _("Deze zorgverlener werkt niet (meer) bij de gekozen organisatie.")
    return errors


def _missing_framework(request: InformationRequest) -> Errors:
    """L3: which ground applies; when it differs from the suggestion, why."""
    errors: Errors = {}
    framework = request.legal_framework
    if blank(framework):
        errors["legal_framework"] = _("Kies het kader waarbinnen u om informatie vraagt.")
        return errors
    if framework not in LegalFramework.values:
        errors["legal_framework"] = _("Onbekend kader.")
        return errors
    contradiction = framework_contradiction(request)
    if contradiction:
        errors["legal_framework"] = contradiction
        return errors
    owner_kind = _FRAMEWORK_OWNER_KIND.get(framework)
    org_kind = request.requesting_organisation.kind
    if owner_kind is not None and owner_kind != org_kind:
        errors["legal_framework"] = _("Dit kader geldt alleen voor verzoeken van een %(kind)s.") % {
            "kind": OrganisationKind(owner_kind).label
        }
    elif framework == LegalFramework.OTS and not request.has_ots:
        errors["legal_framework"] = _("Het kader ondertoezichtstelling vereist een lopende OTS.")  # R4
    suggested = request.suggested_framework or suggest_framework(
        org_kind, request.has_ots, request.consent_path
    )
    if framework != suggested and blank(request.framework_change_reason):
        errors["framework_change_reason"] = _("U kiest een ander kader dan voorgesteld; licht toe waarom.")
    return errors


def _missing_topics(request: InformationRequest) -> Errors:
    """R14: at least one of the six topics, each with a specific question."""
    errors: Errors = {}
    topics = list(request.topics.all())
    if not topics:
        errors["topics"] = _("Kies ten minste één onderwerp en stel uw vraag.")
    for topic in topics:
        if topic.topic not in Topic.values:
            errors["topics"] = _("Onbekend onderwerp.")
        elif blank(topic.question):
            errors[f"topics-{topic.topic}-question"] = _("Stel uw vraag bij dit onderwerp.")
    return errors


def missing_for_consent_path(request: InformationRequest, *, today: date | None = None) -> Errors:
    """R24 with R29 (A), R30 (B), R32–R33 (C): the chosen path and what it requires.

    Shared by submitting and by re-deciding the path after a revoked consent.
    """
    today = _today(today)
    errors: Errors = {}
    path = request.consent_path
    if blank(path):
        errors["consent_path"] = _("Geef aan wat de situatie rond toestemming van de ouder is.")
    elif path not in ConsentPath.values:
        errors["consent_path"] = _("Onbekend toestemmingspad.")
    elif path == ConsentPath.A:
        errors.update(_missing_consent_declaration(request, today))
    elif path == ConsentPath.B:
        for name in PATH_B_EXPLANATIONS:
            if blank(getattr(request, name)):
                errors[name] = _("Dit is verplicht als de ouder geen toestemming gaf.")  # R30
        if not request.b_will_inform_parent:
            errors["b_will_inform_parent"] = _(
                "Bevestig dat u de ouder bij het volgende contact vertelt "
                "dat er contact was met de zorgverlener."
            )  # R30
    elif path == ConsentPath.C:
        for name in PATH_C_EXPLANATIONS:
            if blank(getattr(request, name)):
                errors[name] = _("Dit is verplicht als geen toestemming is gevraagd.")  # R32, R33
    return errors


def _missing_consent_declaration(request: InformationRequest, today: date) -> Errors:
    """R24, R29: the written consent travels with the request, and must cover it."""
    declaration = request.consent_declaration
    if declaration is None:
        return {"consent_declaration": _("Voeg de toestemmingsverklaring toe.")}  # R24
    if declaration.is_revoked:
        return {"consent_declaration": consent_revoked_message()}
    if declaration.organisation_id != request.requesting_organisation_id:
        return {"consent_declaration": _("Deze toestemmingsverklaring hoort niet bij uw organisatie.")}
    if request.parent_id is None or declaration.parent_id != request.parent_id:
        return {"consent_declaration": _("Deze toestemmingsverklaring gaat over een andere ouder.")}
    if declaration.recipient_id != request.receiving_organisation_id:
        return {
            "consent_declaration": _(
                "De toestemming geldt niet voor de organisatie die u om informatie vraagt."
            )
        }
    if declaration.valid_until < today:
        return {"consent_declaration": _("De toestemming is verlopen.")}
    # L2: for an incapacitated parent, the representative consents.
    if request.parent.is_incapacitated and declaration.given_by == ConsentGiver.PARENT:
        return {
            "consent_declaration": _(
                "De ouder is wilsonbekwaam; de toestemming moet door de vertegenwoordiger zijn gegeven."
            )  # L2
        }
    covered = set(declaration.topics or ())
    uncovered = sorted(t.topic for t in request.topics.all() if t.topic not in covered)
    if uncovered:
        return {
            "consent_declaration": _("De toestemming geldt niet voor onderwerp(en) %(topics)s.")
            % {"topics": ", ".join(uncovered)}
        }
    return {}


# --------------------------------------------------------------------------------------------
# Deciding
# --------------------------------------------------------------------------------------------


def missing_for_decision(
    request: InformationRequest,
    decision: str,
    motivation: str,
    *,
    weighing: str = "",
    ots_not_needed_motivation: str = "",
    today: date | None = None,
) -> Errors:
    """R39 (always a motivation), R31 (path B), R34 (path C), R4 (OTS), R29 (path A consent)."""
    errors: Errors = {}
    if decision not in Decision.values:
        errors["decision"] = _("Kies of u de informatie wel of niet verstrekt.")
        return errors
    # R39: every decision carries a written motivation.
    if blank(motivation):
        errors["decision_motivation"] = _("Motiveer uw besluit.")  # R39
    errors.update(_missing_for_path(request, decision, weighing=weighing, today=today))
    # R4, L3 i: under an OTS the information needed for it must be given; a "no" says why not needed.
    if (
        request.legal_framework == LegalFramework.OTS
        and decision == Decision.NOT_PROVIDE
        and blank(ots_not_needed_motivation)
    ):
        errors["ots_not_needed_motivation"] = _(
            "Bij een ondertoezichtstelling is verstrekken verplicht voor zover nodig voor de OTS; "
            "licht toe waarom de informatie daarvoor niet nodig is."
        )  # R4
    return errors


def _missing_for_path(
    request: InformationRequest, decision: str, *, weighing: str, today: date | None
) -> Errors:
    """What the request's consent path asks before this decision (R29, R31, R34)."""
    path = request.consent_path
    if path == ConsentPath.A and decision == Decision.PROVIDE:
        declaration = request.consent_declaration
        if declaration is None or declaration.is_revoked:
            return {"consent_path": consent_revoked_message()}
        if declaration.valid_until < _today(today):
            return {"consent_path": consent_expired_message()}
    elif path == ConsentPath.B:
        return _missing_consultation(request, decision)
    elif path == ConsentPath.C and blank(weighing):
        # R34: weighty circumstances that justify providing without consent, or not.
        return {
            "weighing": _(
                "Leg de afweging vast of zwaarwegende omstandigheden verstrekken "
                "zonder toestemming rechtvaardigen."
            )  # R34
        }
    return {}


def _missing_consultation(request: InformationRequest, decision: str) -> Errors:
    """Path B: the provider first consults the parent, and internally when the parent disagrees."""
    # R31: the provider first consults the parent.
    if request.parent_consultation_date is None or blank(request.parent_consultation_outcome):
        return {"parent_consultation": _("Leg eerst het overleg met de ouder vast.")}  # R31
    if request.parent_consultation_outcome == ParentConsultationOutcome.AGREES:
        # R31a: the parent agrees → the information is provided.
        if decision != Decision.PROVIDE:
            return {"decision": _("De ouder is akkoord; de informatie wordt dan verstrekt.")}  # R31a
        return {}
    if not (
        request.internal_consultation_date
        and not blank(request.internal_consultation_with)
        and not blank(request.internal_consultation_conclusion)
    ):
        # R31b/c: the parent disagrees → decide only after internal consultation.
        return {
            "internal_consultation": _(
                "De ouder is niet akkoord; leg eerst het intern overleg vast: "
                "met wie, wanneer en de conclusie."
            )  # R31
        }
    return {}


# --------------------------------------------------------------------------------------------
# Answering
# --------------------------------------------------------------------------------------------


def missing_for_answer(request: InformationRequest, *, today: date | None = None) -> Errors:
    """R15–R21, R25, R29, R31/R36: the answer per topic and the clinician's checklist."""
    errors: Errors = {}
    for topic in request.topics.all():
        prefix = f"topics-{topic.topic}"
        # R15, R16: own observations first; others' observations only with their source.
        if blank(topic.own_observations) and blank(topic.others_observations):
            errors[f"{prefix}-own_observations"] = _(
                "Beantwoord de vraag met eigen waarnemingen of waarnemingen van anderen."
            )  # R15
        if not blank(topic.others_observations) and blank(topic.others_sources):
            errors[f"{prefix}-others_sources"] = _("Noem de bron van waarnemingen van anderen.")  # R16
        errors.update(_missing_weakening_facts(topic, prefix))

    messages = {
        "confirmed_factual": _("Bevestig dat u feitelijke informatie geeft, geen interpretaties."),  # R25
        "confirmed_no_parenting_judgement": _(
            "Bevestig dat u geen oordeel geeft over de geschiktheid als ouder "
            "of over een kinderbeschermingsmaatregel."
        ),  # R19, R20
        "confirmed_weighed_criteria": _(
            "Bevestig dat u doelmatigheid, noodzakelijkheid, proportionaliteit "
            "en subsidiariteit hebt gewogen."
        ),  # R21
        "confirmed_recorded_in_file": _(
            "Bevestig dat u het contact en wat u verstrekt vastlegt in het ouderdossier."
        ),  # R31, R36
    }
    for name in ANSWER_CONFIRMATIONS:
        if not getattr(request, name):
            errors[name] = messages[name]

    # R29: on path A the answer rests on a consent that is still valid.
    if request.consent_path == ConsentPath.A:
        declaration = request.consent_declaration
        if declaration is None or declaration.is_revoked:
            errors["consent_path"] = consent_revoked_message()
        elif declaration.valid_until < _today(today):
            errors["consent_path"] = consent_expired_message()
    return errors


def _missing_weakening_facts(topic: RequestedTopic, prefix: str) -> Errors:
    """R17: be complete: facts that lessen the concern, or the explicit statement that none are
    known; not both."""
    known = bool(getattr(topic, NO_WEAKENING_FACTS_KNOWN))
    if blank(topic.weakening_facts) and not known:
        return {f"{prefix}-weakening_facts": _(
            "Noem de feiten die de zorg ontkrachten, of vink aan dat u er geen kent."
        )}
    if not blank(topic.weakening_facts) and known:
        return {f"{prefix}-{NO_WEAKENING_FACTS_KNOWN}": _(
            "U noemt feiten die de zorg ontkrachten: vink dan niet aan dat u er geen kent."
        )}
    return {}


# --------------------------------------------------------------------------------------------
# Closing (R38: path C's feedback before the request closes)
# --------------------------------------------------------------------------------------------


def missing_for_close(request: InformationRequest) -> Errors:
    """R38: on path C the requester reports back to the provider what was done with the
    information and what follows, before the request can be closed. Only when information was
    provided (a refusal provided none); on the other paths the feedback is offered, not
    required. Asked by ``requests.filing.services.request_acknowledge``."""
    if request.consent_path != ConsentPath.C or request.answered_at is None:
        return {}
    if request.feedback.exists():
        return {}
    return {
        "feedback": _(
            "Geef eerst terugkoppeling aan de zorgverlener: wat is er met de informatie gedaan en "
            "wat volgt er. Daarna kunt u het verzoek afsluiten."
        )  # R38
    }
