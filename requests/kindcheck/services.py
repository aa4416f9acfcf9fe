"""The Kindcheck (L4, meldcode step 1): the adult-care clinician records whether the client has
minor children (or is expecting one) and whether there are concerns about their safety, and what
follows (R3; no next step despite concerns only with a motivation, R5)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from audit.events import record
from audit.models import AuditAction
from requests.core.audit_codes import RequestAuditCode
from requests.core.deviations import DeviationKind
from requests.core.models import Parent
from requests.core.objects import client_errors, client_for, record_deviation, save_version
from requests.core.plumbing import (
    as_date,
    clean_text,
    enforce,
    limited_text,
    local_today,
    service,
)
from requests.kindcheck import policy as kindcheck_policy
from requests.kindcheck import rules as kindcheck_rules
from requests.kindcheck import selectors as kindcheck_selectors
from requests.kindcheck.models import Kindcheck, KindcheckNextStep
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.limits import MOTIVATION


@service(RequestAuditCode.KINDCHECK_RECORDED, AuditAction.CREATE)
def kindcheck_record(
    *,
    actor: Actor,
    parent: Parent | dict[str, Any],
    checked_on: dt.date | str | None,
    cares_for_minors: bool | None,
    is_pregnant: bool = False,
    children_ages: Iterable[int] = (),
    safety_concerns: bool | None = None,
    concerns_note: str = "",
) -> Kindcheck:
    """L4, meldcode step 1: does the adult client care for minor children (or is pregnant), how
    old are they, are there concerns about their safety? With concerns, the next steps follow
    (:func:`kindcheck_choose_next_steps`)."""
    enforce(kindcheck_policy.may_record(actor))
    ages = sorted(children_ages)
    try:
        day = as_date(checked_on)
    except (TypeError, ValueError):
        day = None
    errors = _kindcheck_errors(
        actor,
        parent,
        checked_on=day,
        cares_for_minors=cares_for_minors,
        is_pregnant=bool(is_pregnant),
        children_ages=ages,
        safety_concerns=safety_concerns,
        concerns_note=concerns_note,
    )
    if errors:
        raise Incomplete(errors)
    client = client_for(actor, parent)
    check = Kindcheck(
        organisation=actor.organisation,
        clinician=actor.user,
        parent=client,
        checked_on=day,
        cares_for_minors=bool(cares_for_minors),
        is_pregnant=bool(is_pregnant),
        children_ages=ages,
        safety_concerns=bool(safety_concerns),
        concerns_note=clean_text(concerns_note),
    )
    save_version(actor, check)
    _record_kindcheck(actor, check, client)
    return check


def _kindcheck_errors(
    actor: Actor,
    parent: Parent | dict[str, Any],
    *,
    checked_on: dt.date | None,
    cares_for_minors: bool | None,
    is_pregnant: bool,
    children_ages: list[int],
    safety_concerns: bool | None,
    concerns_note: str,
) -> dict[str, str]:
    """The Kindcheck's own rules, then the client's (who it is about), in one dict."""
    errors: dict[str, str] = {}
    limited_text(concerns_note, "concerns_note", errors, MOTIVATION)
    errors.update(
        kindcheck_rules.missing_for_kindcheck(
            checked_on=checked_on,
            cares_for_minors=cares_for_minors,
            is_pregnant=is_pregnant,
            children_ages=children_ages,
            safety_concerns=safety_concerns,
            concerns_note=concerns_note,
            today=local_today(),
        )
    )
    errors.update(client_errors(actor, parent))
    return errors


def _record_kindcheck(actor: Actor, check: Kindcheck, client: Parent) -> None:
    record(
        actor=actor,
        event=RequestAuditCode.KINDCHECK_RECORDED,
        action=AuditAction.CREATE,
        obj=check,
        parent_ref=client.audit_ref,
        # Identifiers only: whether the client has children, is pregnant or worries us stays in
        # the Kindcheck itself (audit payloads hold no health data).
        payload={"kindcheck_id": check.pk},
    )


@service(RequestAuditCode.KINDCHECK_NEXT_STEPS_RECORDED)
def kindcheck_choose_next_steps(
    *, actor: Actor, kindcheck: Kindcheck, steps: Iterable[str], note: str = ""
) -> Kindcheck:
    """L4, meldcode step 2: with concerns, what the clinician does next — consult a colleague,
    consult Veilig Thuis, ask youth care (R3). No step despite concerns departs from the
    agreements and needs a motivation (R5)."""
    locked = Kindcheck.objects.select_for_update().select_related("parent").filter(pk=kindcheck.pk).first()
    if locked is None or not kindcheck_selectors.kindcheck_is_visible_to(actor, locked):
        raise kindcheck_selectors.kindcheck_not_found()
    enforce(kindcheck_policy.may_choose_next_steps(actor, locked))
    chosen = list(dict.fromkeys(steps))
    errors: dict[str, str] = {}
    note = limited_text(note, "note", errors, MOTIVATION)
    for key, message in kindcheck_rules.missing_for_next_steps(steps=chosen, note=note).items():
        errors.setdefault(key, message)
    if errors:
        raise Incomplete(errors)
    locked.next_steps = chosen
    locked.next_steps_note = note
    locked.next_steps_recorded_at = timezone.now()
    locked.next_steps_recorded_by = actor.user
    save_version(actor, locked)
    if chosen == [KindcheckNextStep.NONE]:
        record_deviation(
            actor,
            kind=DeviationKind.KINDCHECK_NO_NEXT_STEP,
            motivation=locked.next_steps_note,
            kindcheck=locked,
        )
    record(
        actor=actor,
        event=RequestAuditCode.KINDCHECK_NEXT_STEPS_RECORDED,
        action=AuditAction.UPDATE,
        obj=locked,
        parent_ref=locked.parent.audit_ref,
        payload={"kindcheck_id": locked.pk, "next_steps": chosen},
    )
    return locked
