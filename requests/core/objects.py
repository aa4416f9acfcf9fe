"""Plumbing for the rows that live beside a request or a parent: follow-up rows, the Kindcheck,
the reverse question. The same shape as ``requests/core/plumbing.py`` (which handles the request
itself): denials logged after the rollback, versions saved with their author, state machine
moves in Dutch, R5 deviations recorded with their audit event, the adult client found or made."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from audit.events import record
from audit.models import AuditAction
from requests.core.audit_codes import RequestAuditCode
from requests.core.bsn import is_valid_bsn, normalise_bsn
from requests.core.deviations import Deviation
from requests.core.models import InformationRequest, Parent
from requests.core.plumbing import (
    as_date,
    clean_text,
    limited_text,
    local_today,
)
from requests.core.policy import object_not_now
from toolkid.actors import Actor
from toolkid.errors import IllegalMove
from toolkid.limits import NAME


def save_version(actor: Actor, obj: Any) -> None:
    """Save a follow-up row; django-simple-history records who made this version."""
    obj._history_user = actor.user
    obj.save()


def move_object(actor: Actor, obj: Any, transition_name: str) -> tuple[str, str]:
    before = obj.status
    try:
        getattr(obj, transition_name)()
    except TransitionNotAllowed:
        refused = object_not_now(obj)
        raise IllegalMove(refused.reason, code=refused.code) from None
    return str(before), str(obj.status)


def require_object_can(actor: Actor, obj: Any, transition_name: str) -> None:
    """The state before the rules: "not now" is said before "incomplete"."""
    if not can_proceed(getattr(obj, transition_name)):
        move_object(actor, obj, transition_name)  # raises IllegalMove with the current state


def parse_date(
    value: object, key: str, errors: dict[str, str], *, required: bool = True, label: str | None = None
) -> dt.date | None:
    try:
        day = as_date(value)
    except (TypeError, ValueError):
        errors[key] = _("Ongeldige datum.")
        return None
    if day is None:
        if required:
            errors[key] = label or _("Vul de datum in.")
        return None
    if day > local_today():
        errors[key] = _("De datum ligt in de toekomst.")
    return day


def record_deviation(
    actor: Actor,
    *,
    kind: str,
    motivation: str,
    request: InformationRequest | None = None,
    kindcheck: models.Model | None = None,
    question: models.Model | None = None,
    data: dict[str, Any] | None = None,
) -> Deviation:
    """R5: a recorded motivation for departing from the agreements, in the caller's transaction."""
    row = Deviation.objects.create(
        organisation=actor.organisation,
        recorded_by=actor.user,
        kind=kind,
        motivation=motivation.strip(),
        request=request,
        kindcheck=kindcheck,
        reverse_question=question,
        data=dict(data or {}),
    )
    parent_ref = ""
    if request is not None:
        parent_ref = request.audit_ref
    elif kindcheck is not None:
        parent_ref = kindcheck.parent.audit_ref
    elif question is not None:
        parent_ref = question.audit_ref
    record(
        actor=actor,
        event=RequestAuditCode.DEVIATION_RECORDED,
        action=AuditAction.CREATE,
        obj=row,
        parent_ref=parent_ref,
        payload={
            "kind": kind,
            "request_id": request.pk if request else None,
            "kindcheck_id": kindcheck.pk if kindcheck else None,
            "reverse_question_id": question.pk if question else None,
            **(data or {}),
        },
    )
    return row


def client_errors(actor: Actor, data: Parent | dict[str, Any]) -> dict[str, str]:
    """What is wrong with the adult client as given (nothing is written)."""
    errors: dict[str, str] = {}
    if isinstance(data, Parent):
        if data.organisation_id != actor.organisation.pk:
            errors["parent_name"] = _("Onbekende cliënt.")
        return errors
    if not limited_text(data.get("name"), "parent_name", errors, NAME):
        errors["parent_name"] = _("Vul de naam van de cliënt in.")
    try:
        born = as_date(data.get("date_of_birth"))
    except (TypeError, ValueError):
        errors["parent_date_of_birth"] = _("Ongeldige datum.")
        born = None
    if born is None:
        errors.setdefault("parent_date_of_birth", _("Vul de geboortedatum van de cliënt in."))
    elif born > local_today():
        errors["parent_date_of_birth"] = _("De geboortedatum ligt in de toekomst.")
    bsn = normalise_bsn(str(data.get("bsn") or "")) if data.get("bsn") else ""
    if bsn and not is_valid_bsn(bsn):
        errors["parent_bsn"] = _("Dit is geen geldig BSN (negen cijfers, elfproef).")
    return errors


def client_for(actor: Actor, data: Parent | dict[str, Any]) -> Parent:
    """The adult client, owned by the actor's organisation: the one given, or one made (a BSN
    that matches a client of the organisation links that record). Check
    :func:`client_errors` first."""
    if isinstance(data, Parent):
        return data
    org = actor.organisation
    bsn = normalise_bsn(str(data.get("bsn") or "")) if data.get("bsn") else ""
    if bsn:
        existing = Parent.objects.filter(organisation=org, bsn=bsn).first()
        if existing is not None:
            return existing
    client = Parent(
        organisation=org,
        name=clean_text(data.get("name")),
        date_of_birth=as_date(data.get("date_of_birth")),
        bsn=bsn,
    )
    save_version(actor, client)
    return client
