"""``POST /api/v1/verzoeken/{id}/acties/{actie}``: every action of the request's page, through
the same service (docs/adr/0007 §2).

:data:`ACTION_SERVICES` is keyed exactly like ``requests.detail.actions.DECISIONS`` (a test
holds them equal), and ``acties`` in a read lists the same names (``allowed_actions``). Each
entry turns the action's body (its serializer: shape only) into the service call with
``actor=request.actor``. The view asks the policy nothing: the service enforces it
(``PermissionDenied`` → 403, ``IllegalMove`` → 409 with the decision's code, invisible → 404).

``If-Match`` carries the ETag the client read (``W/"<status as it may see it>"``): missing is
428, another state is 412, and the service compares it once more under the row lock, so of
two clinicians acting at once exactly one wins and the other gets 412, nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers

from consent.selectors import consents_for_parent
from requests.api import write_serializers as ws
from requests.api.filing import (
    api_field_names,
    expected_status,
    update_draft,
    written,
)
from requests.core import access, policy
from requests.core.models import ConsentPath, InformationRequest, LegalAdviceStatus
from requests.deadlines import actions as deadline_actions
from requests.deadlines import services as deadline_services
from requests.detail.actions import ACTION_LABELS, DECISIONS
from requests.filing import actions as filing_actions
from requests.filing import services as filing_services
from requests.handling import actions as handling_actions
from requests.handling import answer as answer_services
from requests.handling import services as handling_services
from toolkid.actors import Actor
from toolkid.api.models import Scope
from toolkid.api.problems import PreconditionFailed
from toolkid.api.views import ApiView
from toolkid.errors import Conflict, IllegalMove

Run = Callable[[Actor, InformationRequest, dict[str, Any], str], Any]


@dataclass(frozen=True)
class ApiAction:
    """One action: the body's shape and the service call (actor, request, body, expected state)."""

    serializer: type[serializers.Serializer]
    run: Run


def _text(data: dict[str, Any], name: str) -> str:
    return data.get(name) or ""


def _edit(actor: Actor, req: InformationRequest, data: dict[str, Any], expected: str) -> Any:
    """R7: change what the provider asked to reformulate (the draft's fields), then send again;
    one transaction, so a refused resubmit keeps nothing half-saved."""
    serializer = ws.DraftSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    with transaction.atomic():
        req = update_draft(actor, req, serializer)
        with api_field_names(serializer):
            return filing_services.request_resubmit(actor=actor, request=req)


def _assign(actor: Actor, req: InformationRequest, data: dict[str, Any], expected: str) -> Any:
    # Only the page's choice list (the organisation's own zorgverleners): a name elsewhere is
    # "nobody chosen", so the answer tells nothing about other organisations' users.
    clinician = handling_actions.provider_clinicians(actor).filter(username=data["clinician"]).first()
    return handling_services.request_assign(
        actor=actor, request=req, clinician=clinician, expected_status=expected
    )


def _give_legal_advice(actor: Actor, req: InformationRequest, data: dict[str, Any], expected: str) -> Any:
    """The advice answers the oldest open question (the page shows one form per open question)."""
    advices = access.advices_of(req)
    open_ones = [a for a in advices if a.status == LegalAdviceStatus.OPEN]
    advice = (open_ones or advices or [None])[0]
    if advice is None:
        # Nothing the service could be called with: the policy's own answer, as it would raise it.
        decision = policy.may_give_legal_advice(actor, req)
        raise PermissionDenied(decision.reason) if decision.forbidden else IllegalMove(
            decision.reason, code=decision.code
        )
    return handling_services.legal_advice_give(actor=actor, advice=advice, text=_text(data, "text"))


def _answer(actor: Actor, req: InformationRequest, data: dict[str, Any], expected: str) -> Any:
    """"Concept opslaan", or with ``versturen`` save and send under one row lock (the page's two
    buttons); a send refused for the checklist keeps the saved text (422, code
    ``answer_saved_not_sent``)."""
    topics = {letter: dict(values) for letter, values in (data.get("topics") or {}).items()}
    if data.get("send"):
        return answer_services.request_send_answer(
            actor=actor, request=req, topics=topics or None,
            confirmations=dict(data.get("confirmations") or {}), expected_status=expected,
        )
    return answer_services.request_save_answer(
        actor=actor, request=req, topics=topics, expected_status=expected
    )


def _redecide_consent(actor: Actor, req: InformationRequest, data: dict[str, Any], expected: str) -> Any:
    path = _text(data, "path")
    fields: dict[str, Any] = {}
    if path == ConsentPath.B:
        fields = dict(data.get("padB") or {})
    elif path == ConsentPath.C:
        fields = dict(data.get("padC") or {})
    declaration = None
    if path == ConsentPath.A and data.get("consent_declaration") and req.parent_id:
        # The page's choice list: the organisation's declarations for this parent and provider.
        declaration = consents_for_parent(
            actor, req.parent, recipient=req.receiving_organisation, usable_on=timezone.localdate(),
        ).filter(public_id=data["consent_declaration"]).first()
    return filing_services.request_redecide_consent_path(
        actor=actor, request=req, path=path, fields=fields, consent_declaration=declaration,
        expected_status=expected,
    )


FA, HA, DA = filing_actions, handling_actions, deadline_actions
hs, fs, ds = handling_services, filing_services, deadline_services

#: Every action of the page (``DECISIONS``' keys) → its body and service.
ACTION_SERVICES: dict[str, ApiAction] = {
    HA.TAKE: ApiAction(ws.EmptySerializer, lambda a, r, d, e: hs.request_take(
        actor=a, request=r, expected_status=e)),
    HA.ASSIGN: ApiAction(ws.AssignSerializer, _assign),
    FA.EDIT: ApiAction(ws.DraftSerializer, _edit),
    FA.REDECIDE_CONSENT: ApiAction(ws.RedecideConsentSerializer, _redecide_consent),
    HA.PARENT_CONSULTATION: ApiAction(ws.ParentConsultationSerializer, lambda a, r, d, e: (
        hs.request_record_parent_consultation(
            actor=a, request=r, date=d.get("date"), outcome=_text(d, "outcome"), note=_text(d, "note"),
            expected_status=e))),
    HA.INTERNAL_CONSULTATION: ApiAction(ws.InternalConsultationSerializer, lambda a, r, d, e: (
        hs.request_record_internal_consultation(
            actor=a, request=r, with_whom=_text(d, "with_whom"), date=d.get("date"),
            conclusion=_text(d, "conclusion"), expected_status=e))),
    HA.ASK_LEGAL_ADVICE: ApiAction(ws.AskLegalAdviceSerializer, lambda a, r, d, e: (
        hs.request_ask_legal_advice(actor=a, request=r, question=_text(d, "question"), expected_status=e))),
    HA.GIVE_LEGAL_ADVICE: ApiAction(ws.GiveLegalAdviceSerializer, _give_legal_advice),
    HA.DECIDE: ApiAction(ws.DecideSerializer, lambda a, r, d, e: hs.request_decide(
        actor=a, request=r, decision=_text(d, "decision"), motivation=_text(d, "motivation"),
        weighing=_text(d, "weighing"), ots_not_needed_motivation=_text(d, "ots_not_needed_motivation"),
        expected_status=e)),
    HA.ANSWER: ApiAction(ws.AnswerSerializer, _answer),
    HA.CONFIRM_REFUSAL: ApiAction(ws.ConfirmRefusalSerializer, lambda a, r, d, e: hs.request_confirm_refusal(
        actor=a, request=r, note=_text(d, "note"), without_advice_reason=_text(d, "without_advice_reason"),
        expected_status=e)),
    HA.REJECT_REFUSAL: ApiAction(ws.NoteSerializer, lambda a, r, d, e: hs.request_reject_refusal(
        actor=a, request=r, note=_text(d, "note"), expected_status=e)),
    HA.RECONSIDER: ApiAction(ws.MotivationSerializer, lambda a, r, d, e: hs.request_reconsider(
        actor=a, request=r, motivation=_text(d, "motivation"), expected_status=e)),
    HA.UPHOLD_REFUSAL: ApiAction(ws.MotivationSerializer, lambda a, r, d, e: hs.request_uphold_refusal(
        actor=a, request=r, motivation=_text(d, "motivation"), expected_status=e)),
    FA.CONTEST: ApiAction(ws.ReasonSerializer, lambda a, r, d, e: fs.request_contest_refusal(
        actor=a, request=r, reason=_text(d, "reason"), expected_status=e)),
    FA.ACKNOWLEDGE: ApiAction(ws.EmptySerializer, lambda a, r, d, e: fs.request_acknowledge(
        actor=a, request=r, expected_status=e)),
    HA.RETURN: ApiAction(ws.ReturnSerializer, lambda a, r, d, e: hs.request_return_for_reformulation(
        actor=a, request=r, suggestion=_text(d, "suggestion"), expected_status=e)),
    FA.WITHDRAW: ApiAction(ws.ReasonSerializer, lambda a, r, d, e: fs.request_withdraw(
        actor=a, request=r, reason=_text(d, "reason"), expected_status=e)),
    DA.EXTEND: ApiAction(ws.ExtendSerializer, lambda a, r, d, e: ds.request_extend_deadline(
        actor=a, request=r, new_due_date=d.get("new_due_date"), reason=_text(d, "reason"),
        expected_status=e)),
    DA.CONTEST_EXTENSION: ApiAction(ws.ReasonSerializer, lambda a, r, d, e: ds.request_contest_extension(
        actor=a, request=r, reason=_text(d, "reason"), expected_status=e)),
}


def run_action(request, id, name: str):
    """Find (404 when invisible, logged as the page's read is), check ``If-Match``, validate the
    body's shape, call the service; answer the request as the actor sees it now."""
    spec = ACTION_SERVICES.get(name)
    if spec is None:
        raise Http404
    actor = request.actor
    req = access.request_get_for(actor=actor, pk_or_public_id=id, purpose="api")
    expected = expected_status(request, actor, req)
    serializer = spec.serializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    # The edit action validates its own (draft) body again and keeps the sent keys only.
    data = request.data if spec.serializer is ws.DraftSerializer else serializer.validated_data
    try:
        # No transaction around it: each service is one; a send refused for the checklist keeps
        # the saved text, as on the page (``answer_saved_not_sent``).
        with api_field_names(serializer):
            spec.run(actor, req, data, expected)
    except Conflict as exc:
        # The state moved between the read of the ETag and the row lock: a stale If-Match.
        raise PreconditionFailed() from exc
    req.refresh_from_db()
    return written(request, req)


_IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
    description="De ETag uit GET /verzoeken/{id}, bijvoorbeeld W/\"in_behandeling\".",
)


class ActionView(ApiView):
    """Base of the per-action views below: one path per action, so each has its own body in
    the OpenAPI description."""

    required_scopes = (Scope.REQUESTS_WRITE,)
    action_name = ""

    def act(self, request, id):
        return run_action(request, id, self.action_name)


def _view_for(name: str) -> type[ActionView]:
    spec = ACTION_SERVICES[name]

    @extend_schema(
        operation_id=f"verzoek_actie_{name}",
        summary=str(ACTION_LABELS[name]),
        description=(
            f"Mag alleen wanneer `acties` van het verzoek `{name}` noemt; de dienst beslist "
            "(403 geen-toegang, 409 ongeldige-stap met code)."
        ),
        parameters=[_IF_MATCH],
        request=spec.serializer,
        responses={200: ws.WrittenSerializer},
        tags=["verzoeken"],
    )
    def post(self, request, id):
        return self.act(request, id)

    return type(f"Action_{name}", (ActionView,), {"action_name": name, "post": post})


#: One view per action, in the page's order.
ACTION_VIEWS: dict[str, type[ActionView]] = {name: _view_for(name) for name in DECISIONS}


class UnknownAction(ApiView):
    """Any other name: 404 (the schema lists the real ones)."""

    required_scopes = (Scope.REQUESTS_WRITE,)

    @extend_schema(exclude=True)
    def post(self, request, id, actie):
        raise Http404
