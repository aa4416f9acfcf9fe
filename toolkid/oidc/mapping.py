"""Claims → memberships: the roles the provider's groups give in its own organisation.

A provider with ``RoleMapping`` rows decides the roles in its organisation on every login; one
without rows leaves them to the beheerder's Gebruikers page (the manual fallback, ADR 0007 §10).
"""

from __future__ import annotations

from django.db import transaction

from audit.events import record
from audit.models import AuditAction
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.models import Membership, User
from toolkid.oidc.models import IdentityProvider
from toolkid.services import membership_end, membership_grant


def mapped_roles(provider: IdentityProvider, claims: dict) -> set[str] | None:
    """The roles the token's groups give in the provider's organisation; ``None`` when the
    provider has no mapping rows (the manual fallback: the beheerder's page decides)."""
    mappings = list(provider.role_mappings.all())
    if not mappings:
        return None
    groups = claims.get(provider.groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    if not isinstance(groups, list):
        groups = []
    held = {group for group in groups if isinstance(group, str)}
    return {mapping.role for mapping in mappings if mapping.group in held}


@transaction.atomic
def memberships_sync(
    *, provider: IdentityProvider, user: User, roles: set[str], ip_address: str | None
) -> dict[str, list[str]]:
    """Set ``user``'s active roles in the provider's organisation to ``roles``: grant what is
    new, end what the groups no longer give (never the previous roles silently). Through the
    members services, so each change has its own audit event and guardian group.

    The actor is the mapping itself (a system actor named after the provider), not the user:
    nobody chose these roles in toolKID, the organisation's directory did."""
    actor = Actor(user=None, system_name=f"oidc:{provider.pk}", ip_address=ip_address)
    organisation = provider.organisation
    current = {
        m.role: m
        for m in Membership.objects.filter(user=user, organisation=organisation, is_active=True)
    }
    granted = sorted(roles - current.keys())
    ended = sorted(current.keys() - roles)
    for role in granted:
        membership_grant(actor=actor, user=user, organisation=organisation, role=role)
    for role in ended:
        membership_end(actor=actor, membership=current[role])
    record(
        actor=actor,
        event=ToolkidAuditCode.OIDC_ROLES_MAPPED,
        action=AuditAction.UPDATE,
        obj=user,
        payload={
            "provider_id": provider.pk,
            "organisation_id": organisation.pk,
            "roles": sorted(roles),
            "granted": granted,
            "ended": ended,
        },
    )
    return {"granted": granted, "ended": ended}
