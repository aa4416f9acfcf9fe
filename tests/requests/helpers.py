"""Plain helpers for the request tests (fixtures live in conftest.py).

Colleagues writing views can import these too: ``from tests.requests.helpers import ...``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from consent.models import ConsentDeclaration, ConsentGiver
from requests.core.workflow import RequestStatus
from requests.handling.answer import request_save_answer
from requests.handling.services import (
    request_decide,
    request_record_internal_consultation,
    request_record_parent_consultation,
    request_take,
)
from requests.models import (
    ConsentPath,
    Decision,
    InformationRequest,
    LegalFramework,
    Parent,
    ParentConsultationOutcome,
    RequestEvent,
    Severity,
)
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.models import Membership, Organisation, User

S = RequestStatus

#: The four confirmations of the answer checklist, all given.
ALL_CONFIRMED: dict[str, bool] = {
    "confirmed_factual": True,
    "confirmed_no_parenting_judgement": True,
    "confirmed_weighed_criteria": True,
    "confirmed_recorded_in_file": True,
}

QUESTIONS = {
    "a": "Welke gevolgen heeft de depressie voor de emotionele beschikbaarheid voor de kinderen?",
    "b": "Welke klachten en belemmeringen ziet u, en wat gaat goed?",
    "c": "Hoe verloopt de behandeling; komt moeder haar afspraken na?",
    "d": "Heeft moeder ziektebesef en -inzicht?",
    "e": "Welk eigen netwerk heeft moeder?",
    "f": "Hoe gaat moeder om met stress?",
}

#: R30: the four explanations plus why consultation is still necessary.
PATH_B_FIELDS: dict[str, Any] = {
    "b_risk_of_serious_harm": "Zonder informatie over de opname schatten we de veiligheid van Noor niet in.",
    "b_only_source": "Alleen de behandelaar weet hoe het verloop van de behandeling is.",
    "b_prevents_harm": "Met de informatie kunnen we tijdig een veiligheidsplan maken.",
    "b_specific_information": "We vragen alleen naar het verloop van de behandeling sinds maart.",
    "b_why_still_necessary": "Moeder weigert, maar de signalen van school zijn ernstig.",
    "b_will_inform_parent": True,
}
#: R32, R33
PATH_C_FIELDS: dict[str, Any] = {
    "c_why_not_asked": "Vader is bij eerdere vragen agressief geworden tegen moeder en de kinderen.",
    "c_why_necessary": "Er is een ernstig vermoeden van huiselijk geweld; we moeten snel handelen.",
}


def actor_for(user: User, organisation: Organisation | None = None, ip: str = "192.0.2.10") -> Actor:
    """The actor as the middleware builds it: the acting organisation and the roles held *there*."""
    memberships = list(Membership.objects.filter(user=user, is_active=True).select_related("organisation"))
    if organisation is None:
        organisations = {m.organisation for m in memberships}
        assert len(organisations) == 1, "the user has several organisations: pass the acting one"
        organisation = organisations.pop()
    roles = frozenset(m.role for m in memberships if m.organisation_id == organisation.pk)
    return Actor(user=user, organisation=organisation, roles=roles, ip_address=ip)


def make_consent(
    *,
    parent: Parent,
    organisation: Organisation,
    recipient: Organisation,
    created_by: User,
    topics: tuple[str, ...] | list[str] = ("a", "b", "c", "d", "e", "f"),
    given_by: str = ConsentGiver.PARENT,
    valid_until: datetime.date | None = None,
    given_on: datetime.date | None = None,
) -> ConsentDeclaration:
    today = timezone.localdate()
    return ConsentDeclaration.objects.create(
        parent=parent,
        organisation=organisation,
        given_by=given_by,
        representative_name="" if given_by == ConsentGiver.PARENT else "M. Jansen",
        topics=list(topics),
        recipient=recipient,
        purpose="De veiligheid van de kinderen inschatten.",
        given_on=given_on or today - datetime.timedelta(days=2),
        valid_until=valid_until or today + datetime.timedelta(days=180),
        created_by=created_by,
    )


def complete_fields(path: str, receiving: Organisation) -> dict[str, Any]:
    """Every request field a complete request of ``path`` needs (besides parent/children/topics)."""
    fields: dict[str, Any] = {
        "receiving_organisation": receiving,
        "phone_contact_date": timezone.localdate() - datetime.timedelta(days=1),
        "phone_contact_with": "Dhr. P. Smeets, behandelaar",
        "severity": Severity.WELLBEING_DOUBT,
        "reason": "School meldt dat Noor vaak alleen thuis is en er moe uitziet.",
        "no_parenting_judgement_confirmed": True,
        "consent_path": path,
        # L3: consent is the ground on path A only; a wijkteam has the conflict of duties left.
        "legal_framework": (
            LegalFramework.VOLUNTARY if path == ConsentPath.A else LegalFramework.CONFLICT_OF_DUTIES
        ),
        "draft_step": "controle",
    }
    if path == ConsentPath.B:
        fields.update(PATH_B_FIELDS)
    elif path == ConsentPath.C:
        fields.update(PATH_C_FIELDS)
    return fields


def parent_data(**overrides: Any) -> dict[str, Any]:
    data = {"name": "Sanne de Vries", "date_of_birth": datetime.date(1988, 4, 2), "bsn": "111222333"}
    data.update(overrides)
    return data


def children_data() -> list[dict[str, Any]]:
    return [
        {"name_or_initials": "N.", "date_of_birth": datetime.date(2016, 9, 1)},
        {"name_or_initials": "T.", "date_of_birth": datetime.date(2019, 2, 14)},
    ]


def fresh(request: InformationRequest) -> InformationRequest:
    return InformationRequest.objects.get(pk=request.pk)


def event_kinds(request: InformationRequest) -> list[str]:
    return list(RequestEvent.objects.filter(request=request).order_by("pk").values_list("kind", flat=True))


def audit_events_for(request: InformationRequest, **filters: Any):
    return AuditEvent.objects.filter(
        object_type="requests.informationrequest", object_id=str(request.pk), **filters
    )


@dataclass(frozen=True)
class Snapshot:
    status: str
    events: int
    audit: int
    updated_at: datetime.datetime


def snapshot(request: InformationRequest) -> Snapshot:
    row = fresh(request)
    return Snapshot(
        status=row.status,
        events=RequestEvent.objects.filter(request=row).count(),
        audit=AuditEvent.objects.count(),
        updated_at=row.updated_at,
    )


def assert_refused(call, request: InformationRequest, key: str, message: str) -> Incomplete:
    """``call()`` raises Incomplete naming ``key`` with ``message`` (Dutch), and nothing changed:
    same state, same number of request events, no audit event."""
    before = snapshot(request)
    with pytest.raises(Incomplete) as caught:
        call()
    assert key in caught.value.errors, caught.value.errors
    assert message in str(caught.value.errors[key]), caught.value.errors[key]
    assert snapshot(request) == before
    return caught.value


# --- moving a request along the workflow -----------------------------------------------------


def take(request: InformationRequest, clinician: Actor) -> InformationRequest:
    return request_take(actor=clinician, request=request)


def consult_parent(request: InformationRequest, clinician: Actor, *, agrees: bool) -> InformationRequest:
    return request_record_parent_consultation(
        actor=clinician,
        request=request,
        date=timezone.localdate(),
        outcome=ParentConsultationOutcome.AGREES if agrees else ParentConsultationOutcome.DISAGREES,
        note="Besproken tijdens het behandelgesprek.",
    )


def consult_internally(request: InformationRequest, clinician: Actor) -> InformationRequest:
    return request_record_internal_consultation(
        actor=clinician,
        request=request,
        with_whom="Geneesheer-directeur",
        date=timezone.localdate(),
        conclusion="Verstrekken is noodzakelijk voor de veiligheid van de kinderen.",
    )


def prepare_decision(request: InformationRequest, clinician: Actor, *, provide: bool) -> InformationRequest:
    """Take the request if needed and record what its path requires before a decision."""
    if request.status == S.SUBMITTED:
        request = take(request, clinician)
    if request.consent_path == ConsentPath.B:
        request = consult_parent(request, clinician, agrees=provide)
        if not provide:
            request = consult_internally(request, clinician)
    return request


def decide(request: InformationRequest, clinician: Actor, *, provide: bool) -> InformationRequest:
    """Everything up to and including the decision, with what each path and framework requires."""
    request = prepare_decision(request, clinician, provide=provide)
    extra: dict[str, str] = {}
    if request.consent_path == ConsentPath.C:
        extra["weighing"] = "Het acute risico voor de kinderen weegt zwaarder dan het beroepsgeheim."
    if not provide and request.legal_framework == LegalFramework.OTS:
        extra["ots_not_needed_motivation"] = (
            "De gevraagde informatie is niet nodig voor de uitvoering van de OTS."
        )
    return request_decide(
        actor=clinician,
        request=request,
        decision=Decision.PROVIDE if provide else Decision.NOT_PROVIDE,
        motivation="Afgewogen na overleg; zie dossier.",
        **extra,
    )


def fill_answer(request: InformationRequest, clinician: Actor) -> InformationRequest:
    topics = {
        t.topic: {
            "own_observations": "Moeder komt haar afspraken na en is in gesprekken betrokken.",
            "strengthening_facts": "Twee keer afspraak afgezegd in april.",
            "weakening_facts": "Sinds mei stabiel.",
        }
        for t in request.topics.all()
    }
    return request_save_answer(actor=clinician, request=request, topics=topics)
