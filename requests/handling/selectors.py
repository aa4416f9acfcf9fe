"""Reads for the providing side's lists: the inbox, the refusals waiting for a second person (R11)
and the legal advisors' queue (R8, R31), each logged as one SEARCH event (L5, R41)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from requests.core import access, basis, policy
from requests.core.access import (
    PROVIDER_ROLES,
    deny_list,
    is_acting,
    list_queryset,
    record_list,
)
from requests.core.audit_codes import RequestAuditCode
from requests.core.listing import due_window_q, search_kind, search_q
from requests.core.models import (
    INBOX_ASSIGNED_LAST,
    INBOX_DUE_ON,
    ConsentPath,
    InformationRequest,
    LegalAdvice,
    LegalAdviceStatus,
)
from requests.core.workflow import OPEN_FOR_PROVIDER, VISIBLE_TO_PROVIDER
from requests.core.workflow import RequestStatus as S
from toolkid.actors import Actor
from toolkid.models import Organisation, Role, User

#: States in the provider's work queue: theirs to act on, including a contested refusal (R8).
INBOX_STATES: tuple[str, ...] = (*OPEN_FOR_PROVIDER, S.CONTESTED)
#: The inbox's order, unique (toolkid/pagination.py): unassigned first, then by due date.
INBOX_ORDER = ("assigned_last", "due_on", "pk")
#: The refusals' and the legal queue's order.
REFUSALS_ORDER = ("decided_on", "pk")
LEGAL_QUEUE_ORDER = ("open_last", "asked_at", "pk")


def inbox_for(
    actor: Actor,
    *,
    status: str | None = None,
    path: str | None = None,
    clinician: User | int | None = None,
    due_before: date | None = None,
    due_window: str | None = None,
    organisation: Organisation | int | None = None,
    search: dict[str, Any] | None = None,
) -> QuerySet[InformationRequest]:
    """The receiving organisation's work queue: unassigned requests first, then by due date
    (``INBOX_ORDER``; page it with ``toolkid.pagination.paginate``).

    Without ``status``: everything the provider has to act on (``INBOX_STATES``). ``status``
    narrows to one visible state, ``path`` to a consent path, ``clinician`` to the assigned
    clinician, ``due_before`` to requests due on or before that day, ``due_window`` to overdue,
    today or this week, ``organisation`` to one requesting organisation, ``search`` to the kept
    terms of ``requests.core.listing.RequestSearchForm``.
    """
    filters = {"status": status, "path": path, "clinician": clinician, "due_before": due_before,
               "due_window": due_window, "organisation": organisation, "search": search_kind(search)}
    if not (is_acting(actor) and actor.has_role(*PROVIDER_ROLES)):
        raise deny_list(actor, RequestAuditCode.INBOX_LISTED, filters)
    qs = InformationRequest.objects.filter(receiving_organisation=actor.organisation)
    if status:
        if status not in VISIBLE_TO_PROVIDER:
            raise ValueError(f"not a state the provider sees: {status!r}")
        qs = qs.filter(status=status)
    else:
        qs = qs.filter(status__in=INBOX_STATES)
    if path:
        if path not in ConsentPath.values:
            raise ValueError(f"unknown consent path {path!r}")
        qs = qs.filter(consent_path=path)
    if clinician is not None:
        qs = qs.filter(assigned_clinician=clinician)
    if due_before is not None:
        qs = qs.filter(due_date__lte=due_before)
    if due_window:
        qs = qs.filter(due_window_q(due_window, timezone.localdate()))
    if organisation is not None:
        qs = qs.filter(requesting_organisation=organisation)
    if search:
        # After the organisation filter: a name finds only parents on this organisation's requests.
        qs = qs.filter(search_q(search))
    record_list(actor, RequestAuditCode.INBOX_LISTED, filters)
    # The expressions of the index ``requests_inbox_order_idx``, which serves the order.
    qs = qs.annotate(assigned_last=INBOX_ASSIGNED_LAST, due_on=INBOX_DUE_ON)
    return list_queryset(qs).order_by(*INBOX_ORDER)


def refusals_to_confirm(actor: Actor) -> QuerySet[InformationRequest]:
    """R11: refusals of the actor's organisation waiting for a second person, oldest first.
    The actor's own decisions are left out: nobody confirms their own "no"."""
    if not access.sees_refusals_to_confirm(actor):
        raise deny_list(actor, RequestAuditCode.REFUSALS_LISTED, {})
    qs = (
        InformationRequest.objects.filter(receiving_organisation=actor.organisation, status=S.REFUSAL_PENDING)
        .exclude(decided_by=actor.user)
        .select_related("decided_by")
        .prefetch_related(policy.open_refusal_advice_prefetch())
        .annotate(decided_on=Coalesce("decided_at", "created_at"))
    )
    record_list(actor, RequestAuditCode.REFUSALS_LISTED, {})
    return list_queryset(qs).order_by(*REFUSALS_ORDER)


def legal_queue(actor: Actor, *, include_given: bool = False) -> QuerySet[LegalAdvice]:
    """The legal advisor's referrals (R31 doubt, R8 contested refusals) of the actor's
    organisation: open ones first-come first-served; ``include_given`` adds answered ones."""
    if not (is_acting(actor) and actor.has_role(Role.JURIDISCH_ADVISEUR)):
        raise deny_list(actor, RequestAuditCode.LEGAL_QUEUE_LISTED, {"include_given": include_given})
    qs = LegalAdvice.objects.filter(request__receiving_organisation=actor.organisation).filter(
        request__status__in=VISIBLE_TO_PROVIDER
    )
    if not include_given:
        qs = qs.filter(status=LegalAdviceStatus.OPEN)
    record_list(actor, RequestAuditCode.LEGAL_QUEUE_LISTED, {"include_given": include_given})
    qs = qs.annotate(open_last=Case(
        When(status=LegalAdviceStatus.OPEN, then=Value(0)), default=Value(1), output_field=IntegerField()
    ))
    return qs.select_related(
        "request",
        "request__parent",
        "request__requesting_organisation",
        "request__assigned_clinician",
        "asked_by",
        "advisor",
    ).order_by(*LEGAL_QUEUE_ORDER)


def answer_basis(req: InformationRequest) -> basis.AnswerBasis | None:
    """R31b, R39: provided against the parent's wish: that the parent did not agree, the
    internal consultation (with whom, when) and the motivation for providing anyway; None
    when the information was not provided that way. Reads only the request (already logged)."""
    return basis.answer_basis(req)
