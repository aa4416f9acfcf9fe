"""Writes to the working calendar (L1): an organisation's closure days and the decree days of
the Algemene termijnenwet. Each moves the due dates computed after it, so each write keeps its
version (django-simple-history, with the author) and its audit event, in one transaction.

Only the functional administrator (or the system) edits the calendar; the Platformbeheer admin
calls these services instead of saving rows itself.
"""

from __future__ import annotations

from django.db import transaction

from audit.events import record
from audit.models import AuditAction
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.models import ClosureDay, DecreeDay
from toolkid.services import require_platform_admin


def _payload(day: ClosureDay | DecreeDay) -> dict[str, object]:
    # Dates and ids only: the reason is free text and stays out of the audit trail.
    payload: dict[str, object] = {"date": day.date.isoformat()}
    if isinstance(day, ClosureDay):
        payload["organisation_id"] = day.organisation_id
    return payload


@transaction.atomic
def closure_day_save(*, actor: Actor, day: ClosureDay) -> ClosureDay:
    """Add or change a closure day of an organisation."""
    require_platform_admin(actor)
    created = day.pk is None
    day._history_user = actor.user
    day.save()
    record(
        actor=actor,
        event=ToolkidAuditCode.CLOSURE_DAY_SAVED,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=day,
        payload=_payload(day),
    )
    return day


@transaction.atomic
def closure_day_delete(*, actor: Actor, day: ClosureDay) -> None:
    require_platform_admin(actor)
    payload, pk = _payload(day), day.pk
    day._history_user = actor.user
    day.delete()
    record(
        actor=actor,
        event=ToolkidAuditCode.CLOSURE_DAY_DELETED,
        action=AuditAction.DELETE,
        object_type=ClosureDay._meta.label_lower,
        object_id=str(pk),
        payload=payload,
    )


@transaction.atomic
def decree_day_save(*, actor: Actor, day: DecreeDay) -> DecreeDay:
    require_platform_admin(actor)
    created = day.pk is None
    day._history_user = actor.user
    day.save()
    record(
        actor=actor,
        event=ToolkidAuditCode.DECREE_DAY_SAVED,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=day,
        payload=_payload(day),
    )
    return day


@transaction.atomic
def decree_day_delete(*, actor: Actor, day: DecreeDay) -> None:
    require_platform_admin(actor)
    payload, pk = _payload(day), day.pk
    day._history_user = actor.user
    day.delete()
    record(
        actor=actor,
        event=ToolkidAuditCode.DECREE_DAY_DELETED,
        action=AuditAction.DELETE,
        object_type=DecreeDay._meta.label_lower,
        object_id=str(pk),
        payload=payload,
    )
