"""Writes of the OIDC login: who the provider's person is in toolKID (link or create), and which
roles the provider's groups give them. Each takes ``actor=`` and writes its audit event in the
same transaction (L5)."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.events import record
from audit.models import AuditAction
from toolkid.actors import Actor
from toolkid.audit_codes import ToolkidAuditCode
from toolkid.models import Membership, User
from toolkid.oidc.models import ExternalIdentity, IdentityProvider, RoleMapping
from toolkid.services import require_platform_admin

#: The Dutch message per refusal the person can do something about (the view shows it).
REFUSALS = {
    "no_user": _(
        "Er is in toolKID nog geen gebruiker voor dit organisatie-account. Vraag de beheerder van "
        "uw organisatie om u toe te voegen."
    ),
    "inactive": _("Dit account is gedeactiveerd. Neem contact op met de beheerder van uw organisatie."),
    "ambiguous": _(
        "Dit organisatie-account past bij meer dan één gebruiker in toolKID. Vraag de beheerder "
        "van uw organisatie om dit op te lossen."
    ),
    "no_group": _(
        "U bent bij uw organisatie ingelogd, maar uw account zit in geen groep die toegang geeft "
        "tot toolKID. Vraag de beheerder van uw organisatie om u aan de juiste groep toe te voegen."
    ),
}


class OidcRefused(Exception):
    """The provider vouched for someone toolKID will not let in; ``reason`` is a key of
    :data:`REFUSALS` (and the audit payload's reason)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
        self.message = REFUSALS[reason]


def _email_verified(claims: dict) -> bool:
    # Some providers send the JSON string "true"; anything else is not a confirmation.
    return claims.get("email_verified") in (True, "true")


def _verified_email(claims: dict) -> str:
    email = claims.get("email")
    if isinstance(email, str) and "@" in email and _email_verified(claims):
        return email.strip()[:254]
    return ""


def _linkable(provider: IdentityProvider, user: User, email: str) -> bool:
    """Whether this provider may vouch for this pre-created user. Not when the address is
    outside the provider's own domains, nor for a platform administrator or someone who
    works for another organisation: one organisation's provider must never open another
    organisation's (or the platform's) access."""
    domains = provider.domain_list()
    if domains and email.rsplit("@", 1)[1].lower() not in domains:
        return False
    if user.is_functional_admin:
        return False
    return not Membership.objects.filter(user=user, is_active=True).exclude(
        organisation=provider.organisation
    ).exists()


def _new_username(email: str, sub: str, provider: IdentityProvider) -> str:
    if email and not User.objects.filter(username__iexact=email).exists():
        return email[:150]
    digest = hashlib.sha256(f"{provider.pk}:{sub}".encode()).hexdigest()[:16]
    return f"oidc-{provider.pk}-{digest}"


def _create_user(provider: IdentityProvider, claims: dict, email: str) -> User:
    user = User(
        username=_new_username(email, claims["sub"], provider),
        email=email,
        first_name=str(claims.get("given_name") or "")[:150],
        last_name=str(claims.get("family_name") or "")[:150],
    )
    # No password: this person logs in through their organisation only.
    user.set_unusable_password()
    user.save()
    return user


def _actor(user: User, provider: IdentityProvider, ip_address: str | None) -> Actor:
    return Actor(user=user, organisation=provider.organisation, ip_address=ip_address)


@transaction.atomic
def identity_resolve(*, provider: IdentityProvider, claims: dict, ip_address: str | None) -> User:
    """The toolKID user for a validated ID token: the linked one for (provider, sub); on a
    first login the pre-created user with the same, provider-confirmed e-mail address
    (``email_verified``); or a new user when the provider has ``jit_users``. Raises
    :class:`OidcRefused` otherwise. The actor is the person the provider vouched for."""
    identity = (
        ExternalIdentity.objects.select_for_update().select_related("user")
        .filter(provider=provider, sub=claims["sub"]).first()
    )
    if identity is not None:
        if not identity.user.is_active:
            raise OidcRefused("inactive")
        identity.last_login_at = timezone.now()
        identity.save(update_fields=["last_login_at"])
        return identity.user
    email = _verified_email(claims)
    candidates = list(User.objects.filter(email__iexact=email)[:2]) if email else []
    if len(candidates) > 1:
        raise OidcRefused("ambiguous")
    if candidates:
        user = candidates[0]
        if not user.is_active:
            raise OidcRefused("inactive")
        if not _linkable(provider, user, email):
            raise OidcRefused("no_user")
        event = ToolkidAuditCode.OIDC_IDENTITY_LINKED
    elif provider.jit_users:
        user = _create_user(provider, claims, email)
        event = ToolkidAuditCode.OIDC_USER_CREATED
    else:
        raise OidcRefused("no_user")
    identity = ExternalIdentity.objects.create(
        provider=provider, sub=claims["sub"], user=user, last_login_at=timezone.now()
    )
    record(
        actor=_actor(user, provider, ip_address),
        event=event,
        action=AuditAction.CREATE,
        obj=identity,
        payload={"provider_id": provider.pk, "user_id": user.pk, "by_email": bool(candidates)},
    )
    return user


@transaction.atomic
def identity_provider_save(*, actor: Actor, provider: IdentityProvider) -> IdentityProvider:
    """Platformbeheer saves an organisation's provider (never the secret in the audit trail)."""
    require_platform_admin(actor)
    created = provider.pk is None
    provider.issuer = provider.issuer_url
    provider.save()
    record(
        actor=actor,
        event=ToolkidAuditCode.IDENTITY_PROVIDER_SAVED,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=provider,
        payload={"organisation_id": provider.organisation_id, "active": provider.is_active,
                 "jit_users": provider.jit_users},
    )
    return provider


@transaction.atomic
def identity_provider_delete(*, actor: Actor, provider: IdentityProvider) -> None:
    require_platform_admin(actor)
    record(
        actor=actor,
        event=ToolkidAuditCode.IDENTITY_PROVIDER_DELETED,
        action=AuditAction.DELETE,
        obj=provider,
        payload={"organisation_id": provider.organisation_id},
    )
    provider.delete()


@transaction.atomic
def role_mapping_save(*, actor: Actor, mapping: RoleMapping) -> RoleMapping:
    """A group → role row: from the next login on, that group gives that role."""
    require_platform_admin(actor)
    created = mapping.pk is None
    mapping.save()
    record(
        actor=actor,
        event=ToolkidAuditCode.ROLE_MAPPING_SAVED,
        action=AuditAction.CREATE if created else AuditAction.UPDATE,
        obj=mapping.provider,
        payload={"mapping_id": mapping.pk, "role": mapping.role},
    )
    return mapping


@transaction.atomic
def role_mapping_delete(*, actor: Actor, mapping: RoleMapping) -> None:
    require_platform_admin(actor)
    record(
        actor=actor,
        event=ToolkidAuditCode.ROLE_MAPPING_DELETED,
        action=AuditAction.DELETE,
        obj=mapping.provider,
        payload={"mapping_id": mapping.pk, "role": mapping.role},
    )
    mapping.delete()
