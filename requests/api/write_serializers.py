"""The bodies of the write API (docs/adr/0007 §2): shape only. Each field names, in ``source``,
the service argument it feeds, so a validated body is already the service's vocabulary and
:func:`api_key_of` can say which API field a service's ``Incomplete`` key means. No field reads
the database and nothing here judges content: whether a motivation is filled in, a date is in
the future or a BSN passes the elfproef stays with the services (``Incomplete`` → 422 with the
same Dutch messages the pages show). Text lengths too: the services check them against
``toolkid.limits`` (one source).
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from requests.core.models import (
    ConsentPath,
    Decision,
    LegalFramework,
    ParentConsultationOutcome,
    RepresentativeKind,
    Severity,
    Topic,
)
from requests.core.rules import ANSWER_CONFIRMATIONS


def _text(source: str | None = None, **kwargs) -> serializers.CharField:
    # No default: a key that is not sent is not passed on, so a draft keeps what it has.
    options = {"required": False, "allow_blank": True, "trim_whitespace": False}
    if source:
        options["source"] = source
    return serializers.CharField(**options, **kwargs)


def _choice(choices, source: str | None = None, **kwargs) -> serializers.ChoiceField:
    options = {"required": False, "allow_blank": True}
    if source:
        options["source"] = source
    return serializers.ChoiceField(choices=choices, **options, **kwargs)


def _date(source: str | None = None, **kwargs) -> serializers.DateField:
    options = {"required": False, "allow_null": True}
    if source:
        options["source"] = source
    return serializers.DateField(**options, **kwargs)


# --------------------------------------------------------------------------------------------
# Filing: the draft, as the wizard's steps fill it (R6, R22-R24, R29-R33)
# --------------------------------------------------------------------------------------------


class PhoneContactSerializer(serializers.Serializer):
    """R6, R22: spreken gaat voor schrijven. Required on submit, as in the wizard's first step."""

    datum = _date("phone_contact_date", help_text=_("Datum van het telefonisch contact."))
    met = _text("phone_contact_with", help_text=_("Met wie u telefonisch contact had (naam en functie)."))


class ParentSerializer(serializers.Serializer):
    naam = _text("name")
    geboortedatum = _date("date_of_birth")
    bsn = _text()
    wilsonbekwaam = serializers.BooleanField(required=False, source="is_incapacitated")
    vertegenwoordigerNaam = _text("representative_name")  # noqa: N815 (API field names are camelCase)
    vertegenwoordigerSoort = _choice(RepresentativeKind.choices, "representative_kind")  # noqa: N815


class ChildSerializer(serializers.Serializer):
    naamOfInitialen = _text("name_or_initials")  # noqa: N815
    geboortedatum = _date("date_of_birth")


class TopicQuestionSerializer(serializers.Serializer):
    onderwerp = serializers.ChoiceField(choices=Topic.choices, source="topic")
    vraag = _text("question")


class PathBSerializer(serializers.Serializer):
    """R30: what a request without the parent's consent must explain."""

    risicoOpErnstigeSchade = _text("b_risk_of_serious_harm")  # noqa: N815
    enigeBron = _text("b_only_source")  # noqa: N815
    voorkomtSchade = _text("b_prevents_harm")  # noqa: N815
    specifiekeInformatie = _text("b_specific_information")  # noqa: N815
    waaromTochNodig = _text("b_why_still_necessary")  # noqa: N815
    ouderWordtGeinformeerd = serializers.BooleanField(  # noqa: N815
        required=False, source="b_will_inform_parent"
    )


class PathCSerializer(serializers.Serializer):
    """R32, R33: why consent was not asked, and why consulting is necessary."""

    waaromNietGevraagd = _text("c_why_not_asked")  # noqa: N815
    waaromNodig = _text("c_why_necessary")  # noqa: N815


class DraftSerializer(serializers.Serializer):
    """A draft request, whole or in part: only the fields sent are saved (as one wizard step);
    ``kinderen`` and ``vragen``, when sent, replace the lists."""

    telefonischContact = PhoneContactSerializer(required=False)  # noqa: N815
    ouder = ParentSerializer(required=False, source="parent")
    kinderen = ChildSerializer(many=True, required=False, source="children")
    ontvangendeOrganisatie = serializers.CharField(  # noqa: N815
        required=False, allow_null=True, source="receiving_organisation",
        help_text=_("De naam van de organisatie voor volwassenenzorg die u om informatie vraagt."),
    )
    ots = serializers.BooleanField(required=False, source="has_ots")
    wettelijkKader = _choice(LegalFramework.choices, "legal_framework")  # noqa: N815
    redenAnderKader = _text("framework_change_reason")  # noqa: N815
    ernst = _choice(Severity.choices, "severity")
    reden = _text("reason")
    vragen = TopicQuestionSerializer(many=True, required=False, source="topics")
    geenOordeelOverOuderschap = serializers.BooleanField(  # noqa: N815
        required=False, source="no_parenting_judgement_confirmed",
        # R10, R19
        help_text=_("U vraagt niet of de ouder een goede ouder is."),
    )
    toestemmingspad = _choice(ConsentPath.choices, "consent_path")
    toestemmingsverklaring = serializers.UUIDField(  # the declaration's public id
        required=False, allow_null=True, source="consent_declaration"
    )
    padB = PathBSerializer(required=False)  # noqa: N815
    padC = PathCSerializer(required=False)  # noqa: N815


# --------------------------------------------------------------------------------------------
# The actions (keyed like ``requests.detail.actions.DECISIONS``)
# --------------------------------------------------------------------------------------------


class EmptySerializer(serializers.Serializer):
    """An action that needs nothing but the ``If-Match`` header."""


class AssignSerializer(serializers.Serializer):
    zorgverlener = serializers.CharField(
        source="clinician", help_text=_("De gebruikersnaam van een zorgverlener van uw organisatie.")
    )


class ReasonSerializer(serializers.Serializer):
    reden = _text("reason")


class NoteSerializer(serializers.Serializer):
    notitie = _text("note")


class MotivationSerializer(serializers.Serializer):
    motivering = _text("motivation")


class ReturnSerializer(serializers.Serializer):
    suggestie = _text("suggestion", help_text=_("Welke vraag wel kan."))  # R7


class ParentConsultationSerializer(serializers.Serializer):
    datum = _date("date")
    uitkomst = _choice(ParentConsultationOutcome.choices, "outcome")
    notitie = _text("note")


class InternalConsultationSerializer(serializers.Serializer):
    metWie = _text("with_whom")  # noqa: N815
    datum = _date("date")
    conclusie = _text("conclusion")


class AskLegalAdviceSerializer(serializers.Serializer):
    vraag = _text("question")


class GiveLegalAdviceSerializer(serializers.Serializer):
    advies = _text("text", help_text=_(
        "Het advies op de oudste openstaande vraag aan de juridisch adviseur."
    ))


class DecideSerializer(serializers.Serializer):
    besluit = _choice(Decision.choices, "decision")
    motivering = _text("motivation")
    afweging = _text("weighing")
    motiveringOts = _text("ots_not_needed_motivation")  # noqa: N815


class AnswerTopicSerializer(serializers.Serializer):
    """R15-R18: the answer on one requested topic."""

    eigenWaarnemingen = _text("own_observations")  # noqa: N815
    waarnemingenAnderen = _text("others_observations")  # noqa: N815
    bronnenAnderen = _text("others_sources")  # noqa: N815
    versterkendeFeiten = _text("strengthening_facts")  # noqa: N815
    verzwakkendeFeiten = _text("weakening_facts")  # noqa: N815
    toelichting = _text("explanation")
    geenVerzwakkendeFeitenBekend = serializers.BooleanField(  # noqa: N815
        required=False, source="no_weakening_facts_known"
    )


#: The clinician's checklist before sending (R25, R19/R20, R21, R31/R36): API name → field.
CONFIRMATION_NAMES: dict[str, str] = dict(zip(
    ("feitelijk", "geenOordeelOverOuderschap", "criteriaGewogen", "vastgelegdInDossier"),
    ANSWER_CONFIRMATIONS, strict=True,
))


class AnswerConfirmationsSerializer(serializers.Serializer):
    feitelijk = serializers.BooleanField(required=False, source=CONFIRMATION_NAMES["feitelijk"])
    geenOordeelOverOuderschap = serializers.BooleanField(  # noqa: N815
        required=False, source=CONFIRMATION_NAMES["geenOordeelOverOuderschap"]
    )
    criteriaGewogen = serializers.BooleanField(  # noqa: N815
        required=False, source=CONFIRMATION_NAMES["criteriaGewogen"]
    )
    vastgelegdInDossier = serializers.BooleanField(  # noqa: N815
        required=False, source=CONFIRMATION_NAMES["vastgelegdInDossier"]
    )


class AnswerSerializer(serializers.Serializer):
    """Save the answer (a concept), or save and send it (``versturen``) under one row lock."""

    onderwerpen = serializers.DictField(
        child=AnswerTopicSerializer(), required=False, source="topics",
        help_text=_("Per gevraagd onderwerp (a-f) het antwoord."),
    )
    versturen = serializers.BooleanField(required=False, default=False, source="send")
    bevestigingen = AnswerConfirmationsSerializer(required=False, source="confirmations")

    def validate_onderwerpen(self, value):
        unknown = sorted(set(value) - set(Topic.values))
        if unknown:
            raise serializers.ValidationError(
                _("Onbekend onderwerp: %(topics)s.") % {"topics": ", ".join(unknown)}
            )
        return value


class ConfirmRefusalSerializer(serializers.Serializer):
    notitie = _text("note")
    redenZonderAdvies = _text("without_advice_reason")  # noqa: N815


class RedecideConsentSerializer(serializers.Serializer):
    toestemmingspad = _choice(ConsentPath.choices, "path")
    toestemmingsverklaring = serializers.UUIDField(
        required=False, allow_null=True, source="consent_declaration"
    )
    padB = PathBSerializer(required=False)  # noqa: N815
    padC = PathCSerializer(required=False)  # noqa: N815


class ExtendSerializer(serializers.Serializer):
    nieuweUiterlijkeDatum = _date("new_due_date")  # noqa: N815
    reden = _text("reason")


# --------------------------------------------------------------------------------------------
# What a write answers
# --------------------------------------------------------------------------------------------


class WrittenSerializer(serializers.Serializer):
    """The request after a write, as the actor may see it now (the read serializer says more)."""

    id = serializers.UUIDField()
    kenmerk = serializers.CharField(allow_null=True)
    status = serializers.CharField(help_text=_("De status zoals u die mag zien."))  # R11
    statusLabel = serializers.CharField()  # noqa: N815
    acties = serializers.ListField(child=serializers.CharField())
    url = serializers.CharField()


# --------------------------------------------------------------------------------------------
# A service's field names back into the API's
# --------------------------------------------------------------------------------------------

_INDEXED = re.compile(r"^(children|topics)-([^-]+)-(.+)$")


def api_key_of(serializer: serializers.Serializer, key: str) -> str:
    """The API field a service's ``Incomplete`` key means (``parent_name`` → ``ouder.naam``,
    ``children-0-date_of_birth`` → ``kinderen[0].geboortedatum``); unknown keys stay."""
    match = _INDEXED.match(key)
    if match:
        return _indexed_key(serializer, *match.groups())
    for name, field in serializer.fields.items():
        if field.source == key:
            return name
        nested = getattr(field, "child", field)
        if isinstance(nested, serializers.Serializer):
            for inner, inner_field in nested.fields.items():
                if key in (inner_field.source, f"{field.source}_{inner_field.source}"):
                    return f"{name}.{inner}"
    return key


def _indexed_key(serializer: serializers.Serializer, group: str, index: str, rest: str) -> str:
    api_group = {"children": "kinderen", "topics": "vragen"}.get(group, group)
    if group == "topics" and "onderwerpen" in serializer.fields:
        api_group = "onderwerpen"
    field = serializer.fields.get(api_group)
    child = getattr(field, "child", None)
    inner = rest
    if isinstance(child, serializers.Serializer):
        inner = next((n for n, f in child.fields.items() if f.source == rest), rest)
    if group == "topics" and rest == "question":
        inner = "vraag"
    return f"{api_group}[{index}].{inner}"


# Dutch component names in the OpenAPI description (Logius: Dutch names), none shared with the
# read side's.
for _serializer, _name in (
    (PhoneContactSerializer, "TelefonischContact"), (ParentSerializer, "ConceptOuder"),
    (ChildSerializer, "ConceptKind"), (TopicQuestionSerializer, "ConceptVraag"),
    (PathBSerializer, "PadB"), (PathCSerializer, "PadC"), (DraftSerializer, "Concept"),
    (EmptySerializer, "ActieZonderGegevens"), (AssignSerializer, "ActieToewijzen"),
    (ReasonSerializer, "ActieMetReden"), (NoteSerializer, "ActieMetNotitie"),
    (MotivationSerializer, "ActieMetMotivering"), (ReturnSerializer, "ActieTerugsturen"),
    (ParentConsultationSerializer, "ActieOverlegOuder"),
    (InternalConsultationSerializer, "ActieInternOverleg"),
    (AskLegalAdviceSerializer, "ActieJuridischAdviesVragen"),
    (GiveLegalAdviceSerializer, "ActieJuridischAdviesGeven"), (DecideSerializer, "ActieBesluit"),
    (AnswerTopicSerializer, "AntwoordOnderwerp"), (AnswerConfirmationsSerializer, "AntwoordBevestigingen"),
    (AnswerSerializer, "ActieAntwoord"), (ConfirmRefusalSerializer, "ActieWeigeringBevestigen"),
    (RedecideConsentSerializer, "ActieToestemmingspad"), (ExtendSerializer, "ActieVerlengen"),
    (WrittenSerializer, "VerzoekNaWijziging"),
):
    extend_schema_serializer(component_name=_name)(_serializer)
