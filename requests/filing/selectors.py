"""Reads for the requesting side's lists (the outgoing requests), each logged as one SEARCH event
(L5, R41); who sees what is decided in ``requests/core/access.py``."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from requests.core.access import REQUESTER_ROLES, deny_list, is_acting, list_queryset, record_list
from requests.core.audit_codes import RequestAuditCode
from requests.core.models import InformationRequest
from requests.core.workflow import RequestStatus as S
from toolkid.actors import Actor


def outgoing_for(actor: Actor) -> QuerySet[InformationRequest]:
    """The requesting organisation's requests (drafts: only the actor's own), newest first.
    Show each row's state with :func:`status_for` (R11)."""
    if not (is_acting(actor) and actor.has_role(*REQUESTER_ROLES)):
        raise deny_list(actor, RequestAuditCode.OUTGOING_LISTED, {})
    org = actor.organisation
    qs = InformationRequest.objects.filter(
        Q(requesting_organisation=org) & (~Q(status=S.DRAFT) | Q(requester=actor.user))
    )
    record_list(actor, RequestAuditCode.OUTGOING_LISTED, {})
    return list_queryset(qs).order_by("-created_at", "-pk")
