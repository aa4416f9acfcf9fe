"""Reads of Kindchecks (L4): only the clinician's own organisation sees them; the overview counts
per period for the teamleider. Each read and list logged (L5, R41)."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import QuerySet
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
    qs = Kindcheck.objects.filter(organisation=actor.organisation).select_related("clinician")
    if start:
        qs = qs.filter(checked_on__gte=start)
    if end:
        qs = qs.filter(checked_on__lte=end)
    rows = list(qs)
    outcomes = Counter(row.outcome for row in rows)
    steps = Counter(step for row in rows if row.safety_concerns for step in row.next_steps)
    clinicians: dict[str, list[int]] = {}
    for row in rows:
        name = row.clinician.get_full_name() or row.clinician.get_username()
        counts = clinicians.setdefault(name, [0, 0])
        counts[0] += 1
        counts[1] += int(row.safety_concerns)
    access.record_list(actor, RequestAuditCode.KINDCHECK_OVERVIEW_LISTED, filters)
    return KindcheckOverview(
        start=start,
        end=end,
        total=len(rows),
        outcomes=[(o.value, o.label, outcomes.get(o, 0)) for o in KindcheckOutcome],
        next_steps=[(s.value, s.label, steps.get(s.value, 0)) for s in KindcheckNextStep],
        per_clinician=sorted(((n, c[0], c[1]) for n, c in clinicians.items()), key=lambda r: r[0]),
    )
