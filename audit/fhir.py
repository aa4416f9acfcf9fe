"""The audit lines about one object as FHIR R4 ``AuditEvent`` resources (docs/adr/0007 §8):
``GET /fhir/AuditEvent?entity=Task/<public_id>`` (or ``Consent/<public_id>``).

The lines are those the Audit page would show this actor (``audit.selectors.audit_scope``: a
beheerder with ``view_audit`` sees their organisation's lines, the functional administrator
all; anyone else a logged 404), and the search is logged like the page's search
(``audit.searched``, with the connected system as "via"). ``audit`` imports no domain app: the
apps register how a resource id becomes the audit columns of their object
(:func:`register_entity`, called from their ``AppConfig.ready()``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core import signing
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from audit import catalogue
from audit.audit_codes import AuditLogCode
from audit.models import AuditAction, AuditEvent, AuditOutcome
from audit.purposes import Purpose, purpose_label
from audit.selectors import audit_scope, log_audit_access, scoped_events
from toolkid.api.models import Scope
from toolkid.fhir import LOCAL, FhirView, coding, concept, drop_empty, instant, searchset
from toolkid.models import Role

#: resource id → (object_type, object_id, parent_ref) of the object's audit lines, or None.
Resolver = Callable[[str], "tuple[str, str, str] | None"]
_entities: dict[str, Resolver] = {}


def register_entity(resource_type: str, resolve: Resolver) -> None:
    """Let ``?entity=<resource_type>/<id>`` find the lines about an app's object."""
    _entities[resource_type] = resolve


DCM = "http://dicom.nema.org/resources/ontology/DCM"
EVENT_TYPE = "http://terminology.hl7.org/CodeSystem/audit-event-type"
ACT_REASON = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
ENTITY_TYPE = "http://terminology.hl7.org/CodeSystem/audit-entity-type"
SOURCE_TYPE = "http://terminology.hl7.org/CodeSystem/security-source-type"
#: R4's agent has no onBehalfOf; R5's element, carried by FHIR's cross-version extension.
ON_BEHALF_OF = "http://hl7.org/fhir/5.0/StructureDefinition/extension-AuditEvent.agent.onBehalfOf"

#: NEN 7513 action → FHIR's AuditEventAction. A search and a transfer execute a function ("E");
#: an export reads (DICOM counts exports as reads).
ACTIONS: dict[str, str] = {
    AuditAction.CREATE: "C",
    AuditAction.READ: "R",
    AuditAction.UPDATE: "U",
    AuditAction.DELETE: "D",
    AuditAction.EXPORT: "R",
    AuditAction.SEARCH: "E",
    AuditAction.TRANSFER: "E",
    AuditAction.AUTHENTICATE: "E",
}
#: Our purpose of use → HL7 v3 PurposeOfUse (v3-ActReason); our own code travels beside it.
PURPOSES_OF_USE: dict[str, tuple[str, str]] = {
    Purpose.HANDLING: ("COC", "coordination of care"),
    Purpose.FILING: ("COC", "coordination of care"),
    Purpose.REFUSAL_CONFIRMATION: ("HOPERAT", "healthcare operations"),
    Purpose.LEGAL_ADVICE: ("HOPERAT", "healthcare operations"),
    Purpose.DEADLINES: ("HOPERAT", "healthcare operations"),
    Purpose.PARENT_ACCESS: ("PATRQT", "patient requested"),
    Purpose.ACCESS_MANAGEMENT: ("HSYSADMIN", "health system administration"),
    Purpose.SECURITY: ("HSYSADMIN", "health system administration"),
    Purpose.SYSTEM: ("HSYSADMIN", "health system administration"),
    Purpose.AUDIT: ("HSYSADMIN", "health system administration"),
}
#: Lines per page of the searchset; ``_count`` may ask fewer or more, up to the maximum.
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
_CURSOR_SALT = "toolkid.fhir.auditevent"


def _type(event: AuditEvent) -> dict[str, str]:
    if event.action in (AuditAction.READ, AuditAction.EXPORT, AuditAction.SEARCH):
        return coding(DCM, "110110", "Patient Record")
    return coding(EVENT_TYPE, "rest", "RESTful Operation")


def _purpose_of_use(event: AuditEvent) -> list[dict[str, Any]]:
    codings = []
    if event.purpose in PURPOSES_OF_USE:
        codings.append(coding(ACT_REASON, *PURPOSES_OF_USE[event.purpose]))
    codings.append(coding(LOCAL + "doel", event.purpose or Purpose.UNKNOWN, purpose_label(event.purpose)))
    return [{"coding": codings}]


def _roles(event: AuditEvent) -> list[dict[str, Any]]:
    labels = dict(Role.choices)
    return [
        concept(LOCAL + "rol", role, labels.get(role, role))
        for role in event.role.split(",") if role
    ]


def _person(event: AuditEvent) -> dict[str, Any]:
    """The natural person (L5), their roles and organisation, the address and the purpose."""
    name = event.username or _("systeem")
    organisation = event.organisation.name if event.organisation_id else ""
    agent = drop_empty({
        "type": concept(DCM, "110153", "Source Role ID"),
        "role": _roles(event),
        "who": drop_empty({
            "identifier": (
                {"system": LOCAL + "gebruiker", "value": event.username} if event.username else None
            ),
            "display": f"{name} ({organisation})" if organisation else name,
        }),
        "requestor": True,
        "network": {"address": event.ip_address, "type": "2"} if event.ip_address else None,
        "purposeOfUse": _purpose_of_use(event),
    })
    if event.on_behalf_of:
        agent["extension"] = [{"url": ON_BEHALF_OF, "valueReference": {"display": event.on_behalf_of}}]
    return agent


def _via(event: AuditEvent) -> dict[str, Any] | None:
    """The connected system an API or FHIR call came through (the access point, L5)."""
    via = (event.payload or {}).get("via")
    if not via:
        return None
    return {"type": concept(DCM, "110150", "Application"), "who": {"display": str(via)}, "requestor": False}


def audit_event_resource(event: AuditEvent, *, entity: str) -> dict[str, Any]:
    """One line; its id is the line's own hash (64 hex characters: stable and not a counter)."""
    entities: list[dict[str, Any]] = [
        {"what": {"reference": entity}, "type": coding(ENTITY_TYPE, "2", "System Object")}
    ]
    if event.parent_ref:  # opaque, never a name
        entities.append({
            "what": {"identifier": {"system": LOCAL + "ouder", "value": event.parent_ref}},
            "type": coding(ENTITY_TYPE, "1", "Person"),
        })
    return drop_empty({
        "resourceType": "AuditEvent",
        "id": event.hash,
        "type": _type(event),
        "subtype": [coding(LOCAL + "auditcode", event.event, catalogue.label(event.event))],
        "action": ACTIONS.get(event.action, "E"),
        "recorded": instant(event.occurred_at),
        "outcome": "0" if event.outcome == AuditOutcome.ALLOWED else "4",
        "agent": [agent for agent in (_person(event), _via(event)) if agent],
        "source": drop_empty({
            "site": event.site,
            "observer": {"display": event.audit_source or str(Purpose.UNKNOWN.label)},
            "type": [coding(SOURCE_TYPE, "4", "Application Server")],
        }),
        "entity": entities,
    })


def _page_size(value: str | None) -> int:
    if not value:
        return PAGE_SIZE
    if not value.isdigit() or int(value) < 1:
        raise exceptions.ValidationError({"_count": _("Geef een positief geheel getal.")})
    return min(int(value), MAX_PAGE_SIZE)


def _cursor(value: str | None) -> int | None:
    if not value:
        return None
    try:
        return int(signing.loads(value, salt=_CURSOR_SALT))
    except (signing.BadSignature, TypeError, ValueError):
        raise exceptions.ValidationError({"_cursor": _("De cursor klopt niet (meer).")}) from None


def _entity(value: str) -> tuple[str, tuple[str, str, str] | None]:
    resource_type, _sep, resource_id = value.partition("/")
    if resource_type not in _entities or not resource_id:
        raise exceptions.ValidationError({"entity": _("Zoek op entity=Task/<id> of entity=Consent/<id>.")})
    return f"{resource_type}/{resource_id}", _entities[resource_type](resource_id)


class AuditEventSearch(FhirView):
    """``GET /fhir/AuditEvent?entity=Task/<id>``: the audit lines about one object that the
    Audit page would show this person, newest first."""

    required_scopes = (Scope.FHIR_READ, Scope.AUDIT_READ)

    @extend_schema(
        operation_id="fhir_auditevent_search",
        summary="Auditregels over één verzoek of verklaring als FHIR R4 AuditEvent (Bundle)",
        tags=["FHIR"],
        parameters=[
            OpenApiParameter("entity", str, required=True, description="Task/<id> of Consent/<id>"),
            OpenApiParameter("_count", int, required=False, description=f"Ten hoogste {MAX_PAGE_SIZE}"),
            OpenApiParameter("_cursor", str, required=False, description="De volgende pagina"),
        ],
        responses={200: OpenApiResponse(OpenApiTypes.OBJECT, description="FHIR R4 Bundle (searchset)")},
    )
    def get(self, request):
        entity, found = _entity(request.query_params.get("entity", ""))
        size = _page_size(request.query_params.get("_count"))
        after = _cursor(request.query_params.get("_cursor"))
        object_type, object_id, parent_ref = found or ("", "", "")
        actor = request.actor
        scope = audit_scope(
            actor, event=AuditLogCode.SEARCHED, action=AuditAction.SEARCH, parent_ref=parent_ref
        )
        events = AuditEvent.objects.none()
        if found is not None:  # an id that names nothing finds nothing, like one of another organisation
            events = scoped_events(scope).filter(object_type=object_type, object_id=object_id)
            if after is not None:
                events = events.filter(seq__lt=after)
        rows = list(events.select_related("organisation").order_by("-seq")[: size + 1])
        more, rows = len(rows) > size, rows[:size]
        shown = {"rows": len(rows), **({"first_seq": rows[0].seq, "last_seq": rows[-1].seq} if rows else {})}
        log_audit_access(
            actor, event=AuditLogCode.SEARCHED, action=AuditAction.SEARCH, scope=scope,
            filters={"entity": entity, **shown}, parent_ref=parent_ref, extra={"purpose": "fhir"},
        )
        next_url = None
        if more:
            query = request.query_params.copy()
            query["_cursor"] = signing.dumps(rows[-1].seq, salt=_CURSOR_SALT)
            next_url = f"{request.path}?{query.urlencode()}"
        resources = [audit_event_resource(event, entity=entity) for event in rows]
        # The total only when this page is all there is: counting every line costs what the page saves.
        total = len(resources) if not more and after is None else None
        return Response(searchset(request, resources, total=total, next_url=next_url))

