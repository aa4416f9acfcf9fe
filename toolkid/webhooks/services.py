"""Writes about webhook endpoints and deliveries, by the platform's functional administrator
(Platformbeheer) or the system. Each takes ``actor=`` and records its audit event in the same
transaction. Payloads hold ids and codes: not the URL, never a secret."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record
from audit.models import AuditAction
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.errors import Incomplete
from toolkid.models import Organisation
from toolkid.services import require_platform_admin
from toolkid.webhooks import events, signing
from toolkid.webhooks.delivery import UnsafeUrl, check_url
from toolkid.webhooks.events import request_delivery_run
from toolkid.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint

#: How long the old secret keeps signing after a rotation (both signatures are sent), so the
#: receiving system can switch to the new one without missing an event.
ROTATION_OVERLAP = dt.timedelta(hours=24)


def _checked(url: str, event_types: list[str]) -> list[str]:
    errors: dict[str, str] = {}
    try:
        check_url(url)
    except UnsafeUrl as exc:
        errors["url"] = str(exc)
    known = events.registered()
    chosen = sorted(set(event_types))
    if not chosen:
        errors["event_types"] = _("Kies ten minste één gebeurtenis.")
    elif any(t not in known for t in chosen):
        errors["event_types"] = _("Onbekende gebeurtenis gekozen.")
    if errors:
        raise Incomplete(errors)
    return chosen


@transaction.atomic
def endpoint_register(
    *, actor: Actor, organisation: Organisation, url: str, event_types: list[str], description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """Register an endpoint for ``organisation``. Returns it with its secret, which the caller
    shows once: it is never listed again."""
    require_platform_admin(actor)
    chosen = _checked(url, event_types)
    secret = signing.new_secret()
    endpoint = WebhookEndpoint.objects.create(
        organisation=organisation, url=url, event_types=chosen, description=description.strip(),
        secret=secret, created_by=actor.user,
    )
    record(
        actor=actor, event=ToolkidAuditCode.WEBHOOK_ENDPOINT_REGISTERED, action=AuditAction.CREATE,
        obj=endpoint, payload={"organisation_id": organisation.pk, "event_types": chosen},
    )
    return endpoint, secret


@transaction.atomic
def endpoint_deactivate(*, actor: Actor, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Stop sending to ``endpoint``. Deliveries still waiting are given up when their turn
    comes; the rows stay for the record."""
    require_platform_admin(actor)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    if endpoint.is_active:
        endpoint.is_active = False
        endpoint.save(update_fields=["is_active"])
        record(
            actor=actor, event=ToolkidAuditCode.WEBHOOK_ENDPOINT_DEACTIVATED, action=AuditAction.UPDATE,
            obj=endpoint, payload={"organisation_id": endpoint.organisation_id},
        )
    return endpoint


@transaction.atomic
def endpoint_secret_rotate(
    *, actor: Actor, endpoint: WebhookEndpoint, overlap: dt.timedelta = ROTATION_OVERLAP
) -> tuple[WebhookEndpoint, str]:
    """A new secret for ``endpoint``; the old one signs alongside it for ``overlap``. Returns
    the new secret, shown once."""
    require_platform_admin(actor)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    secret = signing.new_secret()
    endpoint.previous_secret = endpoint.secret
    endpoint.previous_secret_expires_at = timezone.now() + overlap
    endpoint.secret = secret
    endpoint.save(update_fields=["secret", "previous_secret", "previous_secret_expires_at"])
    record(
        actor=actor, event=ToolkidAuditCode.WEBHOOK_SECRET_ROTATED, action=AuditAction.UPDATE,
        obj=endpoint, payload={"organisation_id": endpoint.organisation_id,
                               "overlap_seconds": int(overlap.total_seconds())},
    )
    return endpoint, secret


@transaction.atomic
def delivery_resend(*, actor: Actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send ``delivery`` again: the same body and CloudEvents id, due now. The attempt count is
    kept (it is the row's history); a row given up gets one attempt before it is given up again
    unless that attempt succeeds."""
    require_platform_admin(actor)
    row = WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
    row.status = DeliveryStatus.PENDING
    row.next_attempt_at = timezone.now()
    row.claimed_at = None
    row.save(update_fields=["status", "next_attempt_at", "claimed_at"])
    record(
        actor=actor, event=ToolkidAuditCode.WEBHOOK_DELIVERY_RESENT, action=AuditAction.UPDATE,
        obj=row, payload={"endpoint_id": row.endpoint_id, "event_id": str(row.event_id),
                          "attempts": row.attempts},
    )
    request_delivery_run()
    return row
