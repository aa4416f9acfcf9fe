"""Writes about organisations, memberships and users. Each takes ``actor=`` and records an
audit event in the same transaction."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from audit.events import record
from audit.models import AuditAction
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.errors import RuleViolation
from toolkid.models import Membership, Organisation, OrganisationRoleGroup, Role, User

# Object permissions each role's group holds on its own organisation.
ROLE_ORGANISATION_PERMS: dict[str, tuple[str, ...]] = {
    Role.BEHEERDER: ("toolkid.manage_members", "toolkid.view_audit"),
}


def require_platform_admin(actor: Actor) -> None:
    if not (actor.is_system or actor.is_functional_admin):
        raise PermissionDenied


def _require_member_manager(actor: Actor, organisation: Organisation) -> None:
    if actor.is_system or actor.is_functional_admin:
        return
    if actor.organisation != organisation or not actor.user.has_perm(
        "toolkid.manage_members", organisation
    ):
        raise PermissionDenied


def role_group(organisation: Organisation, role: str) -> Group:
    """The auth group of one organisation and role, made on first use."""
    link = (
        OrganisationRoleGroup.objects.select_related("group")
        .filter(organisation=organisation, role=role)
        .first()
    )
    if link:
        return link.group
    group, _ = Group.objects.get_or_create(name=f"org{organisation.pk}:{role}")
    OrganisationRoleGroup.objects.get_or_create(
        organisation=organisation, role=role, defaults={"group": group}
    )
    for perm in ROLE_ORGANISATION_PERMS.get(role, ()):
        assign_perm(perm, group, organisation)
    return group


@transaction.atomic
def organisation_create(*, actor: Actor, name: str, kind: str, municipality: str = "") -> Organisation:
    require_platform_admin(actor)
    organisation = Organisation.objects.create(name=name, kind=kind, municipality=municipality)
    for role in Role.values:
        role_group(organisation, role)
    record(
        actor=actor, event=ToolkidAuditCode.ORGANISATION_CREATED, action=AuditAction.CREATE, obj=organisation
    )
    return organisation


@transaction.atomic
def membership_grant(*, actor: Actor, user: User, organisation: Organisation, role: str) -> Membership:
    """Give ``user`` a role in ``organisation`` (or reactivate it)."""
    _require_member_manager(actor, organisation)
    membership, created = Membership.objects.get_or_create(
        user=user, organisation=organisation, role=role
    )
    if not membership.is_active:
        membership.is_active = True
        membership.save(update_fields=["is_active"])
    user.groups.add(role_group(organisation, role))
    record(
        actor=actor,
        event=ToolkidAuditCode.MEMBERSHIP_GRANTED,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=membership,
        payload={"user_id": user.pk, "organisation_id": organisation.pk, "role": role},
    )
    return membership


@transaction.atomic
def membership_end(*, actor: Actor, membership: Membership) -> Membership:
    _require_member_manager(actor, membership.organisation)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id == getattr(actor.user, "pk", None) and membership.role == Role.BEHEERDER:
        # Otherwise an organisation can lock itself out of its own user management.
        raise RuleViolation(
            _("U kunt uw eigen rol als beheerder niet beëindigen. Vraag een andere beheerder "
              "of de functioneel beheerder."),
            code="own_beheerder_role",
        )
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    membership.user.groups.remove(role_group(membership.organisation, membership.role))
    record(
        actor=actor,
        event=ToolkidAuditCode.MEMBERSHIP_ENDED,
        action=AuditAction.UPDATE,
        obj=membership,
        payload={"user_id": membership.user_id, "organisation_id": membership.organisation_id,
                 "role": membership.role},
    )
    return membership


def _end_sessions_of(user: User) -> int:
    """Delete every live session of ``user``. Sessions are signed blobs, so we decode each
    unexpired one; the table only holds sessions of the last 10 hours."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, actor: Actor, user: User) -> int:
    """Deactivate ``user`` and end their sessions at once. Returns the number ended.

    Django also refuses an inactive user on every request (ModelBackend.get_user), so even a
    session this misses is dead; deleting them makes it immediate and visible.
    """
    if user.pk == getattr(actor.user, "pk", None):
        raise RuleViolation(_("U kunt uw eigen account niet deactiveren."), code="own_account")
    if not (actor.is_system or actor.is_functional_admin):
        organisations = {
            m.organisation for m in user.memberships.filter(is_active=True).select_related("organisation")
        }
        if actor.organisation not in organisations:
            raise PermissionDenied
        _require_member_manager(actor, actor.organisation)
        if organisations - {actor.organisation}:
            # Deactivating is platform-wide: someone who also works for another organisation
            # is not this beheerder's to switch off. End the roles here instead.
            raise RuleViolation(
                _("Dit account kunt u niet deactiveren, omdat de gebruiker ook voor een andere "
                  "organisatie werkt."),
                code="works_elsewhere",
            )
    user.is_active = False
    user.save(update_fields=["is_active"])
    ended = _end_sessions_of(user)
    record(actor=actor, event=ToolkidAuditCode.USER_DEACTIVATED, action=AuditAction.UPDATE, obj=user,
           payload={"user_id": user.pk, "sessions_ended": ended})
    return ended
