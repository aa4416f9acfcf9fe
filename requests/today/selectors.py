"""Reads for *Vandaag*: per side one query for all the counts and one bounded query per block
for its first rows, whatever the number of requests (no query per row).

Visibility is the list pages' own: the acting organisation only (``requests.core.access``),
the provider side sees sent requests, the requester side its own organisation's. These
selectors do not log; :mod:`requests.today.blocks` logs what the page shows (L5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from requests.core.access import is_acting
from requests.core.models import InformationRequest, LegalAdvice, LegalAdviceStatus
from requests.core.workflow import OPEN_FOR_PROVIDER, VISIBLE_TO_PROVIDER
from requests.core.workflow import RequestStatus as S
from requests.followup import selectors as followup_selectors
from requests.followup.models import Duty
from requests.handling.selectors import INBOX_STATES
from requests.reverse import selectors as reverse_selectors
from requests.reverse.models import ReverseQuestion
from toolkid.actors import Actor
from toolkid.models import Role

#: How many rows a block lists; the rest is one link away (the list page).
FIRST_ROWS = 8

#: What the requester has to read: an answer, or a refusal confirmed by a second person (R11).
TO_READ_STATES: tuple[str, ...] = (S.ANSWERED, S.REFUSED)


@dataclass(frozen=True)
class Slice:
    """A block's rows: the count and the first :data:`FIRST_ROWS`."""

    count: int
    rows: list


def _rows(qs: QuerySet, condition: Q, count: int, order: tuple[str, ...]) -> Slice:
    if not count:
        return Slice(0, [])
    rows = list(
        qs.filter(condition)
        .select_related("parent", "receiving_organisation", "requesting_organisation")
        .order_by(*order)[:FIRST_ROWS]
    )
    return Slice(count, rows)


def provider_conditions(actor: Actor, today: dt.date) -> dict[str, Q]:
    """The provider's blocks as conditions on the organisation's incoming requests. A
    clinician's due and overdue requests are theirs or nobody's yet; a teamleider's the
    whole organisation's."""
    open_ = Q(status__in=OPEN_FOR_PROVIDER)
    whole_team = actor.has_role(Role.TEAMLEIDER)
    scope = Q() if whole_team else (Q(assigned_clinician=actor.user) | Q(assigned_clinician__isnull=True))
    conditions: dict[str, Q] = {
        "overdue": open_ & Q(due_date__lt=today) & scope,
        "unassigned": open_ & Q(assigned_clinician__isnull=True),
    }
    if actor.has_role(Role.ZORGVERLENER):
        conditions["due_today"] = open_ & Q(due_date=today) & scope
        conditions["mine"] = Q(status__in=INBOX_STATES, assigned_clinician=actor.user)
    if whole_team:
        # R11: nobody confirms their own "no".
        conditions["refusals"] = Q(status=S.REFUSAL_PENDING) & ~Q(decided_by=actor.user)
    return conditions


def provider_today(actor: Actor, today: dt.date) -> dict[str, Slice]:
    """The provider's blocks (zorgverlener, teamleider of an adult-care organisation)."""
    if not (is_acting(actor) and actor.organisation.is_provider
            and actor.has_role(Role.ZORGVERLENER, Role.TEAMLEIDER)):
        return {}
    qs = InformationRequest.objects.filter(receiving_organisation=actor.organisation,
                                           status__in=VISIBLE_TO_PROVIDER)
    conditions = provider_conditions(actor, today)
    # Every block is of requests in the work queue: count over that index range, not over the
    # organisation's whole history (issue 11).
    counts = qs.filter(status__in=INBOX_STATES).aggregate(
        **{key: Count("pk", filter=cond) for key, cond in conditions.items()}
    )
    order = {"refusals": ("decided_at", "pk"), "unassigned": ("submitted_at", "pk")}
    return {
        key: _rows(qs, cond, counts[key], order.get(key, ("due_date", "pk")))
        for key, cond in conditions.items()
    }


def requester_today(actor: Actor) -> dict[str, Slice]:
    """The requester's blocks: answers to read, requests back for reformulation (R7)."""
    if not (is_acting(actor) and actor.organisation.is_requester
            and actor.has_role(Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)):
        return {}
    qs = InformationRequest.objects.filter(requesting_organisation=actor.organisation)
    conditions = {"to_read": Q(status__in=TO_READ_STATES), "returned": Q(status=S.RETURNED)}
    counts = qs.filter(status__in=[*TO_READ_STATES, S.RETURNED]).aggregate(
        **{key: Count("pk", filter=cond) for key, cond in conditions.items()}
    )
    return {
        key: _rows(qs, cond, counts[key], ("-updated_at", "-pk")) for key, cond in conditions.items()
    }


def open_tasks(actor: Actor) -> tuple[list[Duty], list[ReverseQuestion]] | None:
    """The requester's open tasks, as on *Mijn taken*: follow-up duties and questions about
    children waiting for an answer (R3). None for anyone but a youth-care worker."""
    if not (is_acting(actor) and actor.organisation.is_requester and actor.has_role(Role.JEUGDHULPVERLENER)):
        return None
    return followup_selectors.open_duties_for(actor), reverse_selectors.reverse_questions_awaiting(actor)


def open_advice(actor: Actor) -> Slice | None:
    """The legal advisor's open advice questions (R8, R31), oldest first."""
    if not (is_acting(actor) and actor.has_role(Role.JURIDISCH_ADVISEUR)):
        return None
    qs = LegalAdvice.objects.filter(
        request__receiving_organisation=actor.organisation,
        request__status__in=VISIBLE_TO_PROVIDER,
        status=LegalAdviceStatus.OPEN,
    )
    count = qs.count()
    rows = list(qs.select_related("request", "request__parent", "request__receiving_organisation")
                .order_by("asked_at", "pk")[:FIRST_ROWS]) if count else []
    return Slice(count, rows)


def organisation_counts(actor: Actor, today: dt.date) -> dict[str, int]:
    """The beheerder's numbers: no reference, no parent, nothing of a case."""
    if not (is_acting(actor) and actor.has_role(Role.BEHEERDER)):
        return {}
    org = actor.organisation
    if org.is_provider:
        # Every count is of open requests: the (organisation, status) index range, not the
        # organisation's whole history (issue 11).
        qs = InformationRequest.objects.filter(receiving_organisation=org, status__in=OPEN_FOR_PROVIDER)
        return qs.aggregate(
            open=Count("pk"),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            unassigned=Count("pk", filter=Q(assigned_clinician__isnull=True)),
        )
    counted = {*OPEN_FOR_PROVIDER, S.RETURNED, S.CONTESTED, *TO_READ_STATES}
    qs = InformationRequest.objects.filter(requesting_organisation=org, status__in=sorted(counted))
    return qs.aggregate(
        open=Count("pk", filter=Q(status__in=(*OPEN_FOR_PROVIDER, S.RETURNED, S.CONTESTED))),
        to_read=Count("pk", filter=Q(status__in=TO_READ_STATES)),
    )
