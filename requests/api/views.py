"""The read API for requests (docs/adr/0007 §3): ``/api/v1/verzoeken`` (one list, the side
chosen with ``rol``), ``/api/v1/verzoeken/{id}`` and ``/api/v1/taken``.

Each asks what the page asks: the lists call the pages' selectors inside ``one_list_write()``
and log the parents shown (one SEARCH and the parents' READs per page, L5); one request is read
with ``request_get_for(purpose="api")``, the page's own READ event. What a field holds for this
actor comes from ``requests.core.access`` (R11: ``status_for``, ``decision_visible_to``,
``is_provider_side``) and the actions from the page's ``allowed_actions``: no second rule here.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions
from rest_framework.response import Response

from requests.api import serializers as s
from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.core.models import ConsentPath, InformationRequest
from requests.core.workflow import VISIBLE_TO_PROVIDER
from requests.detail.actions import allowed_actions
from requests.filing import selectors as filing_selectors
from requests.followup import selectors as followup_selectors
from requests.handling import selectors as handling_selectors
from requests.worklist import selectors as worklist_selectors
from toolkid.api.models import Scope
from toolkid.api.pagination import CURSOR_PARAM, LIMIT_PARAM, KeysetPagination
from toolkid.api.views import ApiView

REQUESTER, PROVIDER = "indiener", "ontvanger"
#: ``status`` per side: the filters the pages' lists offer (the requester never filters on a
#: refusal waiting for a second person: R11).
_STATES = {
    REQUESTER: (filing_selectors.FINISHED_FILTER, filing_selectors.EVERY, *filing_selectors.REQUESTER_STATES),
    PROVIDER: tuple(VISIBLE_TO_PROVIDER),
}


def _name(user) -> str | None:
    return (user.get_full_name() or user.get_username()) if user else None


def _self_link(request, req: InformationRequest) -> dict[str, str]:
    return {"href": request.build_absolute_uri(reverse("api:verzoek", kwargs={"public_id": req.public_id}))}


def summary_of(request, req: InformationRequest) -> dict[str, Any]:
    """A list row, as the pages' lists show it to this actor."""
    status = access.status_for(request.actor, req)
    return {
        "id": req.public_id,
        "kenmerk": req.reference or None,
        "status": status.value,
        "statusOmschrijving": str(status.label),
        "toestemmingspad": req.consent_path or None,
        "indienendeOrganisatie": req.requesting_organisation.name,
        "ontvangendeOrganisatie": req.receiving_organisation.name if req.receiving_organisation_id else None,
        # UI.md: lists show the parent as initials and birth year only.
        "ouder": req.parent.initials_and_year if req.parent_id else None,
        "uiterlijkeDatum": req.due_date,
        "ingediendOp": req.submitted_at,
        "aangemaaktOp": req.created_at,
        "_links": {"self": _self_link(request, req)},
    }


def _filters(request) -> tuple[str, dict[str, Any]]:
    """The side and the selector's filters from the query, checked for shape (a 400, not a 500)."""
    params = request.query_params
    side = params.get("rol", "")
    if side not in (REQUESTER, PROVIDER):
        raise exceptions.ValidationError({"rol": [_("Kies rol=indiener of rol=ontvanger.")]})
    filters: dict[str, Any] = {}
    status = params.get("status", "")
    if status:
        if status not in _STATES[side]:
            raise exceptions.ValidationError({"status": [_("Deze status bestaat niet voor deze lijst.")]})
        filters["status"] = status
    path = params.get("pad", "")
    if path:
        if path not in ConsentPath.values:
            raise exceptions.ValidationError({"pad": [_("Kies pad A, B of C.")]})
        filters["path"] = path
    return side, filters


class RequestList(ApiView):
    required_scopes = (Scope.REQUESTS_READ,)
    pagination_class = KeysetPagination

    @extend_schema(
        operation_id="verzoeken_lijst",
        summary="Verzoeken van uw organisatie: verstuurde (rol=indiener) of binnengekomen (rol=ontvanger)",
        parameters=[
            OpenApiParameter("rol", str, enum=[REQUESTER, PROVIDER], required=True,
                             description="indiener: Mijn verzoeken; ontvanger: Binnengekomen verzoeken."),
            OpenApiParameter("status", str, description=(
                "indiener: leeg (open), afgerond, alle of een status; "
                "ontvanger: leeg (werkvoorraad) of een status.")),
            OpenApiParameter("pad", str, enum=list(ConsentPath.values), description="Toestemmingspad."),
        ],
        responses=s.RequestSummary(many=True),
    )
    def get(self, request):
        side, filters = _filters(request)
        actor = request.actor
        paginator = self.pagination_class()
        with access.one_list_write():
            if side == REQUESTER:
                found = filing_selectors.outgoing_for(actor, **filters)
                keys, code = filing_selectors.OUTGOING_ORDER, RequestAuditCode.OUTGOING_LISTED
            else:
                found = handling_selectors.inbox_for(actor, **filters)
                keys, code = handling_selectors.INBOX_ORDER, RequestAuditCode.INBOX_LISTED
            # A row shows neither children nor questions: not read (as the pages; issue 11).
            rows = paginator.paginate_queryset(found.prefetch_related(None), request, self, keys=keys)
            access.record_parents_shown(actor, code, rows)  # L5: a list is a read
        data = s.RequestSummary([summary_of(request, req) for req in rows], many=True).data
        return paginator.get_paginated_response(data)


def detail_of(request, req: InformationRequest) -> dict[str, Any]:
    """The request as its page shows it to this actor."""
    actor = request.actor
    decision_shown = bool(req.decision) and access.decision_visible_to(actor, req)
    provider = access.is_provider_side(actor, req)
    links = {"self": _self_link(request, req)}
    if req.consent_declaration_id:
        links["toestemming"] = {"href": request.build_absolute_uri(
            reverse("api:toestemming", kwargs={"public_id": req.consent_declaration.public_id}))}
    return {
        **summary_of(request, req),
        "ouder": ({"naam": req.parent.name, "geboortedatum": req.parent.date_of_birth}
                  if req.parent_id else None),
        "kinderen": [{"naamOfInitialen": c.name_or_initials, "geboortedatum": c.date_of_birth}
                     for c in req.children.all()],
        "vragen": [_question(t, answered=req.answered_at is not None) for t in req.topics.all()],
        "kader": req.legal_framework or None,
        "ernst": req.severity or None,
        "reden": req.reason,
        "behandelaar": _name(req.assigned_clinician),
        "besluit": {
            "besluit": req.decision, "motivering": req.decision_motivation,
            "besluitDoor": _name(req.decided_by), "besluitOp": req.decided_at,
        } if decision_shown else None,
        "werkZorgverlener": _provider_work(req) if provider else None,
        "acties": allowed_actions(actor, req),
        "_links": links,
    }


def _question(topic, *, answered: bool) -> dict[str, Any]:
    """A question, and its answer once sent, as the request page shows them (R15-R18)."""
    answer = {
        "eigenWaarnemingen": topic.own_observations,
        "waarnemingenAnderen": topic.others_observations,
        "bronnenAnderen": topic.others_sources,
        "versterkendeFeiten": topic.strengthening_facts,
        "verzwakkendeFeiten": topic.weakening_facts,
        "geenVerzwakkendeFeitenBekend": topic.no_weakening_facts_known,
        "toelichting": topic.explanation,
    }
    return {"onderwerp": topic.topic, "onderwerpOmschrijving": topic.get_topic_display(),
            "vraag": topic.question, "antwoord": answer if answered else None}


def _provider_work(req: InformationRequest) -> dict[str, Any]:
    return {
        "overlegMetOuder": {"datum": req.parent_consultation_date,
                            "uitkomst": req.parent_consultation_outcome,
                            "toelichting": req.parent_consultation_note},
        "internOverleg": {"met": req.internal_consultation_with, "datum": req.internal_consultation_date,
                          "conclusie": req.internal_consultation_conclusion},
        "afweging": req.weighing,
    }


class RequestDetail(ApiView):
    required_scopes = (Scope.REQUESTS_READ,)

    @extend_schema(
        operation_id="verzoek_lezen",
        summary="Eén verzoek, zoals de pagina het deze gebruiker toont",
        responses={200: s.RequestDetail},
        description="De header ETag is de status zoals deze gebruiker hem ziet (R11); stuur hem als "
                    "If-Match mee bij een handeling.",
    )
    def get(self, request, public_id):
        actor = request.actor
        # One read: the policy's answers that need a query are asked once, as on the page.
        with access.reading():
            req = access.request_get_for(
                actor=actor, pk_or_public_id=public_id, purpose="api",
                annotate=access.actor_flags(actor),
            )
            data = s.RequestDetail(detail_of(request, req)).data
            response = Response(data)
            response["ETag"] = f'W/"{access.status_for(actor, req).value}"'
        return response


RELEASE_LABEL = _("Voorstel om de afscherming op te heffen")


def _task(request, kind: str, label: Any, since, req: InformationRequest | None) -> dict[str, Any]:
    return {
        "soort": kind,
        "omschrijving": str(label),
        "sinds": since,
        "verzoek": {"id": req.public_id, "kenmerk": req.reference or None,
                    "_links": {"self": _self_link(request, req)}} if req is not None else None,
    }


class Tasks(ApiView):
    required_scopes = (Scope.TASKS_READ,)

    @extend_schema(
        operation_id="taken",
        summary="Mijn taken",
        parameters=[
            OpenApiParameter(CURSOR_PARAM, OpenApiTypes.STR, description="De cursor uit volgende/vorige."),
            OpenApiParameter(LIMIT_PARAM, OpenApiTypes.INT, description="Aantal taken per pagina (1–100)."),
        ],
        responses={200: s.TaskPage},
    )
    def get(self, request):
        actor = request.actor
        paginator = KeysetPagination()
        with access.one_list_write():
            tasks = worklist_selectors.tasks_for(actor)
            duties = paginator.paginate_queryset(
                tasks.duties, request, self, keys=followup_selectors.DUTY_ORDER)
            access.record_parents_shown(actor, RequestAuditCode.TASKS_LISTED, [
                *duties, *tasks.releases, *tasks.secondary_uses, *tasks.reverse_questions])
        waiting = [
            *(_task(request, "vrijgave", RELEASE_LABEL, r.proposed_at, r.request) for r in tasks.releases),
            *(_task(request, "ander_gebruik", u.get_purpose_display(), u.submitted_at, u.request)
              for u in tasks.secondary_uses),
            *(_task(request, "vraag_jeugdhulp", capfirst(q._meta.verbose_name), q.created_at, None)
              for q in tasks.reverse_questions),
        ]
        response = paginator.get_paginated_response(
            [_task(request, "taak", d.get_kind_display(), d.opened_at, d.request) for d in duties])
        response.data["wachtOpReactie"] = waiting
        response.data = s.TaskPage(response.data).data
        return response
