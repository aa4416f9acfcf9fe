"""FHIR R4 plumbing for the read-only FHIR view (docs/adr/0007 §8): the media type, errors as
``OperationOutcome``, the searchset ``Bundle``, and the base view every FHIR resource builds on.

The resources themselves live with their apps (``requests/fhir/``, ``consent/fhir.py``,
``audit/fhir.py``); ``toolkid/fhir_urls.py`` includes them by string, so the kernel imports no
domain app. A FHIR view is an API view: the same key or verified session, the same person per
call, throttles and audit trail as ``/api/v1/``; only the shape of the body differs. Resources
are plain dicts built by our code; the tests validate them with ``fhir.resources.R4B``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from toolkid.api.models import Scope
from toolkid.api.problems import TYPES
from toolkid.api.problems import _classify as classify
from toolkid.api.views import API_VERSION, ApiView
from toolkid.errors import DomainError

#: What every FHIR answer says it is (FHIR R4 §3.1.0.1.7 "fhirVersion" parameter).
CONTENT_TYPE = "application/fhir+json; fhirVersion=4.0"
#: Our own code systems, until the project owns a canonical URL (ADR 0007, open question 1).
LOCAL = "urn:toolkid:fhir:"
#: The Dutch national citizen number's naming system (Nictiz).
BSN_SYSTEM = "http://fhir.nl/fhir/NamingSystem/bsn"
#: The contained Patient every resource about a parent refers to.
PATIENT_ID = "ouder"

#: Our Problem Details types → FHIR's IssueType (http://hl7.org/fhir/issue-type).
ISSUE_TYPES: dict[str, str] = {
    "niet-gevonden": "not-found",
    "geen-toegang": "forbidden",
    "niet-ingelogd": "login",
    "te-veel-verzoeken": "throttled",
    "ongeldig-verzoek": "invalid",
    "ongeldige-cursor": "invalid",
    "methode-niet-toegestaan": "not-supported",
    "niet-aanvaardbaar": "not-supported",
    "mediatype-niet-ondersteund": "not-supported",
    "ongeldige-stap": "business-rule",
    "regel": "business-rule",
    "onvolledig": "required",
    "conflict": "conflict",
    "verouderd": "conflict",
    "serverfout": "exception",
}


class FhirJsonRenderer(JSONRenderer):
    media_type = CONTENT_TYPE
    format = "fhir"
    charset = None  # JSON is UTF-8 by definition; FHIR's media type takes no charset either


class AlwaysFhirJson(BaseContentNegotiation):
    """FHIR clients ask for ``application/fhir+json``, ``application/json`` or ``*/*``; all get
    FHIR JSON (the one format we serve: no XML, no RDF)."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


def operation_outcome(slug: str, detail: str, fields: dict | None = None) -> dict[str, Any]:
    """One error as FHIR says it: the issue type for machines, our type and Dutch text for people;
    a wrong parameter adds one issue per parameter (``diagnostics`` names it)."""
    code = ISSUE_TYPES.get(slug, "processing")
    issues = [{
        "severity": "error",
        "code": code,
        "details": {
            "coding": [{"system": "urn:toolkid:probleem", "code": slug, "display": str(TYPES[slug][1])}],
            "text": detail,
        },
    }]
    for name, messages in (fields or {}).items():
        text = " ".join(str(m) for m in messages) if isinstance(messages, list) else str(messages)
        issues.append({"severity": "error", "code": code, "details": {"text": text}, "diagnostics": name})
    return {"resourceType": "OperationOutcome", "issue": issues}


def handler(exc: Exception, context: dict) -> Response | None:
    """The API's classification of refusals (``toolkid.api.problems``), answered as an
    ``OperationOutcome`` instead of Problem Details: a FHIR client expects FHIR's own error shape.
    Absent and invisible answer the same 404, as in the API."""
    if not isinstance(exc, Http404 | DjangoPermissionDenied | DomainError | exceptions.APIException):
        return None  # a real bug: Django's 500 handling and logging
    slug, detail, extensions = classify(exc)
    response = Response(operation_outcome(slug, detail, extensions.get("fouten")), status=TYPES[slug][0])
    response["Content-Language"] = "nl"
    if slug == "niet-ingelogd":
        response["WWW-Authenticate"] = getattr(exc, "auth_header", None) or 'Bearer realm="toolKID"'
    if isinstance(exc, exceptions.Throttled) and exc.wait:
        response["Retry-After"] = str(int(exc.wait) + 1)
    return response


class FhirSchema(SpectacularAutoSchema):
    """In the OpenAPI description the FHIR operations answer errors as ``OperationOutcome``."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in ("400", "401", "403", "404", "429"):
            slug = next(s for s, (status, _t) in TYPES.items() if str(status) == code)
            responses.setdefault(code, {
                "content": {CONTENT_TYPE: {"schema": {"type": "object", "description": "OperationOutcome"}}},
                "description": str(TYPES[slug][1]),
            })
        return responses


class FhirView(ApiView):
    """Base of every FHIR resource view: read-only, scope ``fhir:lezen`` besides the resource's
    own, FHIR JSON, ``OperationOutcome`` errors."""

    required_scopes: tuple[str, ...] = (Scope.FHIR_READ,)
    renderer_classes = (FhirJsonRenderer,)
    content_negotiation_class = AlwaysFhirJson
    http_method_names = ["get", "head", "options"]
    schema = FhirSchema()

    def get_exception_handler(self):
        return handler


# --- building blocks for resources ----------------------------------------------------------


def instant(value: dt.datetime | None) -> str | None:
    """A FHIR ``instant``/``dateTime`` (with its zone), or None."""
    return value.isoformat() if value is not None else None


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def coding(system: str, code: str, display: Any = None) -> dict[str, str]:
    found = {"system": system, "code": str(code)}
    if display:
        found["display"] = str(display)
    return found


def concept(system: str, code: str, display: Any = None, *, text: Any = None) -> dict[str, Any]:
    found: dict[str, Any] = {"coding": [coding(system, code, display)]}
    if text:
        found["text"] = str(text)
    return found


def organisation_ref(organisation) -> dict[str, str]:
    """An organisation by name: it has no public identifier to give (its pk is not one)."""
    return {"type": "Organization", "display": organisation.name}


def contained_patient(*, name: str, birth_date: dt.date | None, bsn: str = "") -> dict[str, Any]:
    """The parent as a contained ``Patient``: only what the holding record holds, nothing looked
    up elsewhere; the BSN only when it was recorded."""
    patient: dict[str, Any] = {"resourceType": "Patient", "id": PATIENT_ID}
    if bsn:
        patient["identifier"] = [{"system": BSN_SYSTEM, "value": bsn}]
    patient["name"] = [{"text": name}]
    if birth_date is not None:
        patient["birthDate"] = day(birth_date)
    return patient


def drop_empty(resource: dict[str, Any]) -> dict[str, Any]:
    """FHIR forbids empty elements (ele-1): leave out what has no value."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}


def searchset(request, resources: list[dict[str, Any]], *, total: int | None = None,
              next_url: str | None = None) -> dict[str, Any]:
    """A ``Bundle`` of type searchset around ``resources`` (each with ``resourceType`` and ``id``);
    ``total`` only when known (it is optional in FHIR)."""
    links = [{"relation": "self", "url": request.build_absolute_uri()}]
    if next_url:
        links.append({"relation": "next", "url": request.build_absolute_uri(next_url)})
    bundle: dict[str, Any] = {
        "resourceType": "Bundle",
        "type": "searchset",
        "link": links,
    }
    if total is not None:
        bundle["total"] = total
    if resources:  # an empty array is no valid FHIR element (ele-1)
        bundle["entry"] = [
            {
                "fullUrl": request.build_absolute_uri(f"/fhir/{item['resourceType']}/{item['id']}"),
                "resource": item,
                "search": {"mode": "match"},
            }
            for item in resources
        ]
    return bundle


# --- what this server does ------------------------------------------------------------------


def capability_statement(request) -> dict[str, Any]:
    """FHIR's ``metadata``: the three resources, read-only, and how to authenticate. Static: the
    resource modules are the apps' (the kernel names them, it does not import them)."""
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-03",
        "kind": "instance",
        "software": {"name": "toolKID", "version": API_VERSION},
        "implementation": {
            "description": str(_("toolKID: FHIR-weergave van informatieverzoeken (alleen lezen)")),
            "url": request.build_absolute_uri("/fhir"),
        },
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json"],
        "rest": [{
            "mode": "server",
            "security": {"description": str(_(
                "Sleutel van het gekoppelde systeem als Bearer-token en de medewerker in de header "
                "Toolkid-Gebruiker; bevoegdheid fhir:lezen (AuditEvent ook audit:lezen)."
            ))},
            "resource": [
                {"type": "Task", "interaction": [{"code": "read"}]},
                {"type": "Consent", "interaction": [{"code": "read"}]},
                {
                    "type": "AuditEvent",
                    "interaction": [{"code": "search-type"}],
                    "searchParam": [{"name": "entity", "type": "reference"}],
                },
            ],
        }],
    }


class Metadata(FhirView):
    """``GET /fhir/metadata``: public like the OpenAPI document (no personal data), so a vendor
    can read it before it has a key."""

    authentication_classes = ()
    permission_classes = (AllowAny,)
    required_scopes = ()

    @extend_schema(
        operation_id="fhir_metadata", summary="Wat de FHIR-weergave kan (CapabilityStatement)",
        tags=["FHIR"], auth=[],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 CapabilityStatement")},
    )
    def get(self, request):
        return Response(capability_statement(request))


class UnknownResource(FhirView):
    """Any other path under ``/fhir/``: a 404 ``OperationOutcome`` (after the same authentication),
    not the HTML error page."""

    @extend_schema(exclude=True)
    def get(self, request, rest: str = ""):
        raise Http404
