"""A consent declaration as a FHIR R4 ``Consent`` (docs/adr/0007 §8).

Read through ``consent_get_for`` (purpose "fhir"): the detail page's permission (the holding
organisation; the recipient once a request carried it, R29), the same 404 for anyone else and
the same audit read, with the connected system as "via". The signed document is never inline:
``sourceAttachment.url`` points at the API's permission-checked download, which logs its own
export.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from consent.models import ConsentDeclaration, ConsentGiver, ConsentStatus
from consent.selectors import ConsentPurpose, consent_get_for
from requests.core.models import Topic
from toolkid.fhir import (
    LOCAL,
    PATIENT_ID,
    FhirView,
    coding,
    concept,
    contained_patient,
    day,
    drop_empty,
    organisation_ref,
)

#: The contained RelatedPerson when a representative consented for the parent (L2).
REPRESENTATIVE_ID = "vertegenwoordiger"

CONSENT_SCOPE = "http://terminology.hl7.org/CodeSystem/consentscope"
LOINC = "http://loinc.org"
ACT_CODE = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
PARTICIPATION_TYPE = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"


def fhir_status(declaration: ConsentDeclaration, today) -> str:
    """Valid within its dates: ``active``; expired or revoked: ``inactive`` (R12, R29)."""
    if declaration.status == ConsentStatus.VALID and not declaration.is_expired_on(today):
        return "active"
    return "inactive"


def document_url(request, declaration: ConsentDeclaration) -> str:
    """The API's download of the signed document: permission-checked and logged as an export
    there, so the FHIR body carries a link and never the document."""
    return request.build_absolute_uri(f"/api/v1/toestemmingen/{declaration.public_id}/document")


def _performer(declaration: ConsentDeclaration) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The parent, or the representative who consented on their behalf (L2)."""
    if declaration.given_by == ConsentGiver.PARENT:
        return {"reference": f"#{PATIENT_ID}", "type": "Patient"}, []
    person = drop_empty({
        "resourceType": "RelatedPerson",
        "id": REPRESENTATIVE_ID,
        "patient": {"reference": f"#{PATIENT_ID}"},
        "relationship": [concept(LOCAL + "vertegenwoordiger", declaration.given_by,
                                 declaration.get_given_by_display())],
        "name": [{"text": declaration.representative_name}] if declaration.representative_name else [],
    })
    return {"reference": f"#{REPRESENTATIVE_ID}", "type": "RelatedPerson"}, [person]


def _attachment(request, declaration: ConsentDeclaration) -> dict[str, Any] | None:
    if not declaration.document:
        return None
    return drop_empty({
        "contentType": declaration.document_content_type,
        "url": document_url(request, declaration),
        "size": declaration.document_size,
        "title": declaration.download_filename,
    })


def _provision(declaration: ConsentDeclaration) -> dict[str, Any]:
    """Permitted: sharing with the one recipient, for the topics a–f (R14), within the dates;
    a revocation ends the period on the day it was recorded. The free-text purpose stays out."""
    labels = dict(Topic.choices)
    end = declaration.revoked_on if declaration.status == ConsentStatus.REVOKED and declaration.revoked_on \
        else declaration.valid_until
    return drop_empty({
        "type": "permit",
        "period": {"start": day(declaration.given_on), "end": day(end)},
        "actor": [{
            "role": {"coding": [coding(PARTICIPATION_TYPE, "IRCP", "information recipient")]},
            "reference": organisation_ref(declaration.recipient),
        }],
        "provision": [
            {"type": "permit", "code": [concept(LOCAL + "onderwerp", topic, labels.get(topic, topic))]}
            for topic in declaration.topics
        ],
    })


def consent_resource(request, declaration: ConsentDeclaration) -> dict[str, Any]:
    parent = declaration.parent
    performer, related = _performer(declaration)
    patient = contained_patient(name=parent.name, birth_date=parent.date_of_birth, bsn=parent.bsn)
    return drop_empty({
        "resourceType": "Consent",
        "id": str(declaration.public_id),
        "contained": [patient, *related],
        "identifier": [{"system": LOCAL + "toestemmingsverklaring", "value": str(declaration.public_id)}],
        "status": fhir_status(declaration, timezone.localdate()),
        "scope": concept(CONSENT_SCOPE, "patient-privacy", "Privacy Consent"),
        "category": [concept(LOINC, "59284-0", "Patient Consent")],
        "patient": {"reference": f"#{PATIENT_ID}", "type": "Patient"},
        "dateTime": day(declaration.given_on),
        "performer": [performer],
        "organization": [organisation_ref(declaration.organisation)],
        "sourceAttachment": _attachment(request, declaration),
        "policyRule": concept(ACT_CODE, "OPTIN", "opt-in"),
        "provision": _provision(declaration),
    })


class ConsentRead(FhirView):
    """``GET /fhir/Consent/<public_id>``: one declaration, to whom its page would show it."""

    @extend_schema(
        operation_id="fhir_consent_read",
        summary="Toestemmingsverklaring als FHIR R4 Consent",
        tags=["FHIR"],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 Consent")},
    )
    def get(self, request, public_id: str):
        declaration = consent_get_for(actor=request.actor, public_id=public_id, purpose=ConsentPurpose.FHIR)
        return Response(consent_resource(request, declaration))


def audit_entity(public_id: str) -> tuple[str, str, str] | None:
    """For ``/fhir/AuditEvent?entity=Consent/<id>``: the declaration's audit columns."""
    try:
        key = uuid.UUID(str(public_id))
    except ValueError:
        return None
    row = ConsentDeclaration.objects.filter(public_id=key).values_list("pk", "parent__public_id").first()
    if row is None:
        return None
    return ConsentDeclaration._meta.label_lower, str(row[0]), f"ouder:{row[1]}"
