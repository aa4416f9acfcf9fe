"""The shapes of the read API's request resources (docs/adr/0007 §1b, §2): Dutch camelCase
names, ``public_id`` UUIDs as ids. Shape only: what a field holds for *this* actor (R11's status,
the provider's own notes, the decision) is decided before a serializer sees it, by the same
``requests.core.access`` functions the page asks (``requests/api/views.py``)."""

from __future__ import annotations

from rest_framework import serializers

from requests.core.models import ConsentPath, Decision, LegalFramework, Severity, Topic
from requests.core.workflow import RequestStatus
from requests.detail.actions import DECISIONS


class Link(serializers.Serializer):
    href = serializers.URLField()


class SummaryLinks(serializers.Serializer):
    self = Link()


class RequestSummary(serializers.Serializer):
    """One row of a list: what the pages' lists show (the parent as initials and birth year)."""

    id = serializers.UUIDField()
    kenmerk = serializers.CharField(allow_null=True, help_text="Null voor een concept.")
    status = serializers.ChoiceField(
        choices=RequestStatus.choices,
        help_text="De status zoals deze gebruiker hem mag zien: de aanvrager ziet een weigering "
                  "die op een tweede persoon wacht als in_behandeling (R11).",
    )
    statusOmschrijving = serializers.CharField()
    toestemmingspad = serializers.ChoiceField(choices=ConsentPath.choices, allow_null=True)
    indienendeOrganisatie = serializers.CharField()
    ontvangendeOrganisatie = serializers.CharField(allow_null=True)
    ouder = serializers.CharField(allow_null=True, help_text="Initialen en geboortejaar.")
    uiterlijkeDatum = serializers.DateField(allow_null=True)
    ingediendOp = serializers.DateTimeField(allow_null=True)
    aangemaaktOp = serializers.DateTimeField()
    _links = SummaryLinks()


class Parent(serializers.Serializer):
    naam = serializers.CharField()
    geboortedatum = serializers.DateField()


class Child(serializers.Serializer):
    naamOfInitialen = serializers.CharField()
    geboortedatum = serializers.DateField()


class TopicAnswer(serializers.Serializer):
    """R15-R18: the answer on one topic, with the names the answer action takes."""

    eigenWaarnemingen = serializers.CharField(allow_blank=True)  # noqa: N815
    waarnemingenAnderen = serializers.CharField(allow_blank=True)  # noqa: N815
    bronnenAnderen = serializers.CharField(allow_blank=True)  # noqa: N815
    versterkendeFeiten = serializers.CharField(allow_blank=True)  # noqa: N815
    verzwakkendeFeiten = serializers.CharField(allow_blank=True)  # noqa: N815
    geenVerzwakkendeFeitenBekend = serializers.BooleanField()  # noqa: N815
    toelichting = serializers.CharField(allow_blank=True)


class Question(serializers.Serializer):
    onderwerp = serializers.ChoiceField(choices=Topic.choices)
    onderwerpOmschrijving = serializers.CharField()
    vraag = serializers.CharField()
    antwoord = TopicAnswer(allow_null=True, help_text="Zodra het antwoord is verstuurd; anders null.")


class DecisionShape(serializers.Serializer):
    besluit = serializers.ChoiceField(choices=Decision.choices)
    motivering = serializers.CharField(allow_blank=True)
    besluitDoor = serializers.CharField(allow_null=True)
    besluitOp = serializers.DateTimeField(allow_null=True)


class ParentConsultation(serializers.Serializer):
    datum = serializers.DateField(allow_null=True)
    uitkomst = serializers.CharField(allow_blank=True)
    toelichting = serializers.CharField(allow_blank=True)


class InternalConsultation(serializers.Serializer):
    met = serializers.CharField(allow_blank=True)
    datum = serializers.DateField(allow_null=True)
    conclusie = serializers.CharField(allow_blank=True)


class ProviderWork(serializers.Serializer):
    """The provider's own work on the request: never shown to the requesting side (R11, R31,
    R34, R8; ``access.PROVIDER_INTERNAL_FIELDS``)."""

    overlegMetOuder = ParentConsultation()
    internOverleg = InternalConsultation()
    afweging = serializers.CharField(allow_blank=True)


class DetailLinks(serializers.Serializer):
    self = Link()
    toestemming = Link(required=False, help_text="Alleen bij een toestemmingsverklaring (pad A).")


class RequestDetail(RequestSummary):
    """One request as its page shows it to this actor."""

    ouder = Parent(allow_null=True)
    kinderen = Child(many=True)
    vragen = Question(many=True)
    kader = serializers.ChoiceField(choices=LegalFramework.choices, allow_null=True)
    ernst = serializers.ChoiceField(choices=Severity.choices, allow_null=True)
    reden = serializers.CharField(allow_blank=True)
    behandelaar = serializers.CharField(allow_null=True)
    besluit = DecisionShape(
        allow_null=True,
        help_text="Voor de aanvrager alleen een bevestigde weigering; anders null (R11).",
    )
    werkZorgverlener = ProviderWork(allow_null=True, help_text="Alleen voor de zorgaanbieder.")
    acties = serializers.ListField(
        child=serializers.ChoiceField(choices=sorted(DECISIONS)),
        help_text="De handelingen die deze gebruiker nu mag doen (dezelfde lijst als op de pagina).",
    )
    _links = DetailLinks()


class TaskRequest(serializers.Serializer):
    id = serializers.UUIDField()
    kenmerk = serializers.CharField(allow_null=True)
    _links = SummaryLinks()


class Task(serializers.Serializer):
    soort = serializers.CharField(help_text="taak, vrijgave, ander_gebruik of vraag_jeugdhulp")
    omschrijving = serializers.CharField()
    sinds = serializers.DateTimeField(allow_null=True)
    verzoek = TaskRequest(allow_null=True)


class TaskPage(serializers.Serializer):
    """*Mijn taken*: the open duties paged (``resultaten``), and what waits for a reply in full."""

    resultaten = Task(many=True)
    volgende = serializers.URLField(allow_null=True)
    vorige = serializers.URLField(allow_null=True)
    wachtOpReactie = Task(many=True, help_text="Vrijgaven, ander gebruik en vragen aan de jeugdhulp.")
