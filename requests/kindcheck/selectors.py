"""Reads of Kindchecks (L4): only the clinician's own organisation sees them; the overview counts
per period for the teamleider. Each read and list logged (L5, R41)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.http import Http404
from django.utils.translation import gettext as _

from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.kindcheck.models import Kindcheck, KindcheckNextStep, KindcheckOutcome
from toolkid.actors import Actor
from toolkid.models import Role


def kindcheck_not_found() -> Http404:
    return Http404(_("Deze Kindcheck bestaat niet of u hebt er geen toegang toe."))


def kindcheck_is_visible_to(actor: Actor, kindcheck: Kindcheck) -> bool:
    return bool(
        access.is_acting(actor)
        and kindcheck.organisation_id == actor.organisation.pk
        and actor.has_role(Role.ZORGVERLENER)
    )


def kindcheck_get_for(*, actor: Actor, public_id: uuid.UUID | str, purpose: str) -> Kindcheck:
    key = access.as_uuid(public_id)
    found = (
        Kindcheck.objects.select_related("parent", "clinician", "organisation").filter(public_id=key).first()
        if key
        else None
    )
    return access.checked_read(
        actor,
        Kindcheck,
        found,
        visible=kindcheck_is_visible_to,
        event=RequestAuditCode.KINDCHECK_READ,
        requested=public_id,
        purpose=purpose,
        not_found=kindcheck_not_found,
        parent_ref=lambda check: check.parent.audit_ref,
    )


#: The Kindcheck list's order, newest first, unique (toolkid/pagination.py).
KINDCHECK_ORDER = ("-checked_on", "-pk")


def kindchecks_for(actor: Actor) -> QuerySet[Kindcheck]:
    """The organisation's Kindchecks, newest first (zorgverlener; ``KINDCHECK_ORDER``)."""
    if not (access.is_acting(actor) and actor.has_role(Role.ZORGVERLENER)):
        raise access.deny_list(actor, RequestAuditCode.KINDCHECKS_LISTED, {})
    access.record_list(actor, RequestAuditCode.KINDCHECKS_LISTED, {})
    return Kindcheck.objects.filter(organisation=actor.organisation).select_related("parent", "clinician")


@dataclass(frozen=True)
class KindcheckOverview:
    """Counts for the teamleider: how many Kindchecks, with what outcome (no client data)."""

    start: date | None
    end: date | None
    total: int
    outcomes: list[tuple[str, Any, int]]  # (code, label, count), in the outcome order
    next_steps: list[tuple[str, Any, int]]
    per_clinician: list[tuple[str, int, int]]  # (name, total, with concerns)


def kindcheck_overview(
    actor: Actor, *, start: date | None = None, end: date | None = None
) -> KindcheckOverview:
    """L4: the teamleider sees how many Kindchecks were done and with what outcome."""
    filters = {"start": start.isoformat() if start else None, "end": end.isoformat() if end else None}
    if not (access.is_acting(actor) and actor.has_role(Role.TEAMLEIDER)):
        raise access.deny_list(actor, RequestAuditCode.KINDCHECK_OVERVIEW_LISTED, filters)
    qs = Kindcheck.objects.filter(organisation=actor.organisation)
    if start:
        qs = qs.filter(checked_on__gte=start)
    if end:
        qs = qs.filter(checked_on__lte=end)
    per_clinician = list(_counted_per_clinician(qs))
    outcomes = Counter({o: sum(row[f"outcome_{o}"] for row in per_clinician) for o in KindcheckOutcome})
    steps = Counter({
        s.value: sum(row[f"step_{s.value}"] for row in per_clinician) for s in KindcheckNextStep
    })
    clinicians: dict[str, list[int]] = {}
    for row in per_clinician:
        name = f"{row['clinician__first_name']} {row['clinician__last_name']}".strip()
        counts = clinicians.setdefault(name or row["clinician__username"], [0, 0])
        counts[0] += row["total"]
        counts[1] += row["concerns"]
    access.record_list(actor, RequestAuditCode.KINDCHECK_OVERVIEW_LISTED, filters)
    return KindcheckOverview(
        start=start,
        end=end,
        total=sum(row["total"] for row in per_clinician),
        outcomes=[(o.value, o.label, outcomes.get(o, 0)) for o in KindcheckOutcome],
        next_steps=[(s.value, s.label, steps.get(s.value, 0)) for s in KindcheckNextStep],
        per_clinician=sorted(((n, c[0], c[1]) for n, c in clinicians.items()), key=lambda r: r[0]),
    )


def _outcome() -> Case:
    """:attr:`Kindcheck.outcome` in SQL, in the same order of tests."""
    return Case(
        When(cares_for_minors=False, is_pregnant=False, then=Value(KindcheckOutcome.NO_CHILDREN)),
        When(safety_concerns=False, then=Value(KindcheckOutcome.NO_CONCERNS)),
        When(next_steps=[], then=Value(KindcheckOutcome.CONCERNS_OPEN)),
        When(next_steps=[KindcheckNextStep.NONE], then=Value(KindcheckOutcome.CONCERNS_NO_STEP)),
        default=Value(KindcheckOutcome.CONCERNS_FOLLOWED),
    )


def _counted_per_clinician(qs: QuerySet[Kindcheck]) -> QuerySet:
    """One GROUP BY query: per clinician, the Kindchecks, those with concerns, each outcome and
    each next step chosen with concerns — the overview adds up a row per clinician, never a row
    per Kindcheck. A step is found as its quoted code in the JSON list's text: the list holds
    codes only, and a JSON ``contains`` lookup does not exist on SQLite."""
    counts: dict[str, Count] = {
        f"outcome_{o}": Count("pk", filter=Q(outcome=o.value)) for o in KindcheckOutcome
    }
    counts.update({
        f"step_{s.value}": Count("pk", filter=Q(safety_concerns=True, next_steps__icontains=f'"{s.value}"'))
        for s in KindcheckNextStep
    })
    return (
        qs.annotate(outcome=_outcome())
        .values("clinician_id", "clinician__first_name", "clinician__last_name", "clinician__username")
        .order_by("clinician_id")
        .annotate(total=Count("pk"), concerns=Count("pk", filter=Q(safety_concerns=True)), **counts)
    )
