"""Reads for the requesting side's lists (the outgoing requests), each logged as one SEARCH event
(L5, R41); who sees what is decided in ``requests/core/access.py``."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from requests.core.access import REQUESTER_ROLES, deny_list, is_acting, list_queryset, record_list
from requests.core.audit_codes import RequestAuditCode
from requests.core.events import RequestEventKind
from requests.core.models import InformationRequest, RequestEvent
from requests.core.workflow import RequestStatus as S
from toolkid.actors import Actor


def empty_drafts() -> QuerySet[InformationRequest]:
    """Drafts nobody typed anything in: started (a click on "Nieuw informatieverzoek") but never
    saved. They are not listed, and the nightly task removes them
    (``requests.filing.draft.empty_drafts_remove``)."""
    return InformationRequest.objects.filter(status=S.DRAFT).exclude(_typed())


def _typed() -> Exists:
    return Exists(RequestEvent.objects.filter(request=OuterRef("pk"), kind=RequestEventKind.DRAFT_UPDATED))


def outgoing_for(actor: Actor) -> QuerySet[InformationRequest]:
    """The requesting organisation's requests (drafts: only the actor's own, and only once
    something was typed in them), newest first. Show each row's state with :func:`status_for`
    (R11)."""
    if not (is_acting(actor) and actor.has_role(*REQUESTER_ROLES)):
        raise deny_list(actor, RequestAuditCode.OUTGOING_LISTED, {})
    org = actor.organisation
    qs = InformationRequest.objects.filter(
        Q(requesting_organisation=org) & (~Q(status=S.DRAFT) | (Q(requester=actor.user) & _typed()))
    )
    record_list(actor, RequestAuditCode.OUTGOING_LISTED, {})
    return list_queryset(qs).order_by("-created_at", "-pk")
