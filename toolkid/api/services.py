"""Issuing, rotating and revoking connected systems' keys (docs/adr/0007 §6). Platformbeheer's
pages call these; each records its audit event in the same transaction and never the key."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.events import record
from audit.models import AuditAction
from toolkid.actors import Actor
from toolkid.api import keys
from toolkid.api.audit_codes import ApiAuditCode
from toolkid.api.models import ConnectedSystem, SystemKey
from toolkid.errors import IllegalMove
from toolkid.services import require_platform_admin

#: How long a rotated key keeps working beside its successor, unless chosen otherwise.
DEFAULT_OVERLAP = timedelta(days=7)


@transaction.atomic
def system_save(*, actor: Actor, system: ConnectedSystem) -> ConnectedSystem:
    """Create or change a connected system. Ticking the two-factor statement records who did."""
    require_platform_admin(actor)
    if system.acts_for_people and system.mfa_statement_at is None:
        system.mfa_statement_by = actor.user
        system.mfa_statement_at = timezone.now()
    if not system.acts_for_people:
        system.mfa_statement_by = None
        system.mfa_statement_at = None
    creating = system.pk is None
    system.save()
    record(
        actor=actor, event=ApiAuditCode.SYSTEM_SAVED,
        action=AuditAction.CREATE if creating else AuditAction.UPDATE, obj=system,
        payload={"roles": sorted(system.roles), "scopes": sorted(system.scopes),
                 "acts_for_people": system.acts_for_people, "active": system.is_active},
    )
    return system


def _issue(actor: Actor, system: ConnectedSystem) -> tuple[SystemKey, str]:
    new = keys.generate()
    key = SystemKey.objects.create(
        system=system, prefix=new.prefix, secret_hash=new.secret_hash, created_by=actor.user
    )
    return key, new.plaintext


@transaction.atomic
def system_key_issue(*, actor: Actor, system: ConnectedSystem) -> tuple[SystemKey, str]:
    """A new key; the plaintext is returned once and stored nowhere."""
    require_platform_admin(actor)
    key, plaintext = _issue(actor, system)
    record(actor=actor, event=ApiAuditCode.KEY_ISSUED, action=AuditAction.CREATE, obj=key,
           payload={"system": system.slug, "prefix": key.prefix})
    return key, plaintext


@transaction.atomic
def system_key_rotate(
    *, actor: Actor, key: SystemKey, overlap: timedelta = DEFAULT_OVERLAP
) -> tuple[SystemKey, str]:
    """A successor key; the old one keeps working for ``overlap`` so the system can switch."""
    require_platform_admin(actor)
    key = SystemKey.objects.select_for_update().get(pk=key.pk)
    if not key.is_usable():
        raise IllegalMove(_("Deze sleutel werkt niet meer; geef een nieuwe sleutel uit."))
    ends = timezone.now() + overlap
    if key.expires_at is None or key.expires_at > ends:
        key.expires_at = ends
        key.save(update_fields=["expires_at"])
    new_key, plaintext = _issue(actor, key.system)
    record(actor=actor, event=ApiAuditCode.KEY_ROTATED, action=AuditAction.UPDATE, obj=new_key,
           payload={"system": key.system.slug, "prefix": new_key.prefix, "replaces": key.prefix,
                    "old_key_until": key.expires_at.isoformat()})
    return new_key, plaintext


@transaction.atomic
def system_key_revoke(*, actor: Actor, key: SystemKey) -> SystemKey:
    """The key stops working at once."""
    require_platform_admin(actor)
    key = SystemKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is not None:
        raise IllegalMove(_("Deze sleutel is al ingetrokken."))
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    record(actor=actor, event=ApiAuditCode.KEY_REVOKED, action=AuditAction.UPDATE, obj=key,
           payload={"system": key.system.slug, "prefix": key.prefix})
    return key

