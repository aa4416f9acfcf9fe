"""An information request as a FHIR R4 ``Task`` (docs/adr/0007 §8).

Read through the page's own access helper (``access.request_get_for``, purpose "fhir"): the
same check, the same 404 for another organisation's request, the same NEN 7513 read event with
the connected system as "via". The status is the one the actor may see (``access.status_for``,
R11): the requester side never learns that a refusal waits for a second person, here neither.
What the Task holds is what the request's page shows that actor, never more: no
provider-internal field (``access.PROVIDER_INTERNAL_FIELDS``) and the decision only when
``access.decision_visible_to``.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from requests.core import access
from requests.core.models import Decision, InformationRequest, Topic
from requests.core.views import who
from requests.core.workflow import RequestStatus
from toolkid.actors import Actor
from toolkid.fhir import (
    LOCAL,
    PATIENT_ID,
    FhirView,
    concept,
    contained_patient,
    day,
    drop_empty,
    instant,
    organisation_ref,
)

S = RequestStatus

#: Our state (as the actor may see it) → FHIR's Task.status. FHIR's machine has no way back from
#: ``rejected``, so a contested refusal is ``in-progress`` again; ``businessStatus`` says why.
#: ``afgesloten`` depends on how the request ended (:func:`fhir_status`).
TASK_STATUS: dict[str, str] = {
    S.DRAFT: "draft",
    S.SUBMITTED: "requested",
    S.RETURNED: "on-hold",  # R7: back with the requester to reformulate; the clock pauses
    S.IN_PROGRESS: "in-progress",
    S.ANSWERING: "in-progress",
    S.REFUSAL_PENDING: "in-progress",  # provider side only (R11)
    S.REFUSED: "rejected",
    S.CONTESTED: "in-progress",  # R8
    S.ANSWERED: "completed",
    S.WITHDRAWN: "cancelled",
}
#: The local practitioner role of the handling clinician, contained for the provider side.
HANDLER_ID = "behandelaar"


def fhir_status(status: RequestStatus, request: InformationRequest) -> str:
    if status == S.CLOSED:
        # Closed after an answer (acknowledged) or after a refusal: the two ends FHIR tells apart.
        return "completed" if request.answered_at is not None else "rejected"
    return TASK_STATUS[status]


def _owner(request: InformationRequest, provider: bool) -> tuple[dict | None, list[dict]]:
    """The receiving organisation; on the provider side the handling clinician within it (a
    contained PractitionerRole), as the provider's page names them."""
    if request.receiving_organisation_id is None:
        return None, []
    organisation = organisation_ref(request.receiving_organisation)
    if not (provider and request.assigned_clinician_id):
        return organisation, []
    role = {
        "resourceType": "PractitionerRole",
        "id": HANDLER_ID,
        "practitioner": {"display": who(request.assigned_clinician)},
        "organization": organisation,
    }
    return {"reference": f"#{HANDLER_ID}", "type": "PractitionerRole"}, [role]


def _inputs(request: InformationRequest) -> list[dict[str, Any]]:
    """The questions per topic (R14), which the request's page shows to both sides."""
    return [
        {
            "type": concept(LOCAL + "onderwerp", topic.topic, Topic(topic.topic).label, text=_("Vraag")),
            "valueString": topic.question,
        }
        for topic in request.topics.all()
        if topic.question
    ]


def _outputs(actor: Actor, request: InformationRequest) -> list[dict[str, Any]]:
    """The decision, only to whom the page shows it (R11: a refusal once confirmed)."""
    if not request.decision or not access.decision_visible_to(actor, request):
        return []
    return [{
        "type": concept(LOCAL + "uitvoer", "besluit", _("Besluit")),
        "valueCodeableConcept": concept(
            LOCAL + "besluit", request.decision, Decision(request.decision).label
        ),
    }]


def task_resource(actor: Actor, request: InformationRequest) -> dict[str, Any]:
    """The request as this actor may see it, as an R4 ``Task``."""
    status = access.status_for(actor, request)
    provider = access.is_provider_side(actor, request)
    owner, contained = _owner(request, provider)
    parent = request.parent if request.parent_id else None
    if parent is not None:
        contained = [contained_patient(name=parent.name, birth_date=parent.date_of_birth, bsn=parent.bsn),
                     *contained]
    identifiers = [{"system": LOCAL + "verzoek", "value": str(request.public_id)}]
    if request.reference:
        identifiers.append({"system": LOCAL + "kenmerk", "value": request.reference})
    patient = {"reference": f"#{PATIENT_ID}", "type": "Patient"} if parent is not None else None
    return drop_empty({
        "resourceType": "Task",
        "id": str(request.public_id),
        "meta": {"lastUpdated": instant(request.updated_at)},
        "contained": contained,
        "identifier": identifiers,
        "status": fhir_status(status, request),
        "statusReason": (
            {"text": _("Herformulering gevraagd")} if status == S.RETURNED else None  # R7
        ),
        "businessStatus": concept(LOCAL + "verzoekstatus", status.value, status.label, text=status.label),
        "intent": "order",
        "code": concept(LOCAL + "taaksoort", "informatieverzoek", _("Informatieverzoek")),
        "focus": patient,
        "for": patient,
        "authoredOn": instant(request.submitted_at),
        "lastModified": instant(request.updated_at),
        "requester": organisation_ref(request.requesting_organisation),
        "owner": owner,
        # R26, L1: the due date in working days, as the page shows it.
        "restriction": {"period": {"end": day(request.due_date)}} if request.due_date else None,
        "input": _inputs(request),
        "output": _outputs(actor, request),
    })


class TaskRead(FhirView):
    """``GET /fhir/Task/<public_id>``: one request, as the page would show it to this person."""

    @extend_schema(
        operation_id="fhir_task_read",
        summary="Informatieverzoek als FHIR R4 Task",
        tags=["FHIR"],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 Task")},
    )
    def get(self, request, public_id: str):
        key = access.as_uuid(public_id)
        if key is None:  # public ids only: a number is not one (no integer pks to enumerate)
            raise access.not_found()
        found = access.request_get_for(actor=request.actor, pk_or_public_id=key, purpose="fhir")
        return Response(task_resource(request.actor, found))


def audit_entity(public_id: str) -> tuple[str, str, str] | None:
    """For ``/fhir/AuditEvent?entity=Task/<id>`` (audit/fhir.py, which imports no domain app):
    the request's audit columns (object type, object id, parent reference). Unchecked on
    purpose: the audit scope decides which lines the reader sees, not case visibility."""
    key = access.as_uuid(public_id)
    if key is None:
        return None
    row = (
        InformationRequest.objects.filter(public_id=key)
        .values_list("pk", "parent__public_id").first()
    )
    if row is None:
        return None
    pk, parent_public_id = row
    parent_ref = f"ouder:{parent_public_id}" if parent_public_id else ""
    return access.OBJECT_TYPE, str(pk), parent_ref
