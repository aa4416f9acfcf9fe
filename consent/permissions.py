"""Who may do what with a consent declaration. The one place that decides; services, selectors,
views and templates all ask here.

- The **holding organisation** (the requester side that recorded the declaration): its
  jeugdhulpverleners and teamleiders see, download and revoke. Creating is the
  jeugdhulpverlener's task (R12, R24: they had the conversation with the parent).
- The **recipient organisation** (adult care): its zorgverleners and teamleiders see and
  download a declaration only when it travels with a request they received that is no longer a
  draft (R29). Before that, nothing has been sent to them.
- Nobody else: not a beheerder (users and audit, never case content), not the functional
  administrator, not a third organisation.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from toolkid.actors import Actor
from toolkid.models import Role

if TYPE_CHECKING:
    from consent.models import ConsentDeclaration
    from requests.core.models import Parent

HOLDER_ROLES = (Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)
RECIPIENT_ROLES = (Role.ZORGVERLENER, Role.TEAMLEIDER)
CREATOR_ROLES = (Role.JEUGDHULPVERLENER,)
REVOKER_ROLES = (Role.JEUGDHULPVERLENER, Role.TEAMLEIDER)


def _acts_for(actor: Actor, organisation_id: int | None) -> bool:
    return (
        not actor.is_system
        and actor.organisation is not None
        and actor.organisation.is_active
        and actor.organisation.pk == organisation_id
    )


def may_create_for(actor: Actor, parent: Parent | None = None) -> bool:
    """A jeugdhulpverlener of a requester organisation, for a parent of that organisation."""
    if actor.is_system or actor.organisation is None or not actor.organisation.is_requester:
        return False
    if not actor.organisation.is_active or not actor.has_role(*CREATOR_ROLES):
        return False
    return parent is None or parent.organisation_id == actor.organisation.pk


def is_holder(actor: Actor, declaration: ConsentDeclaration) -> bool:
    return _acts_for(actor, declaration.organisation_id) and actor.has_role(*HOLDER_ROLES)


def is_recipient_with_request(actor: Actor, declaration: ConsentDeclaration) -> bool:
    """R29: the declaration reached the recipient with a request (not a draft) they received."""
    from requests.core.workflow import RequestStatus

    if not (_acts_for(actor, declaration.recipient_id) and actor.has_role(*RECIPIENT_ROLES)):
        return False
    return (
        declaration.requests.filter(receiving_organisation_id=actor.organisation.pk)
        .exclude(status=RequestStatus.DRAFT)
        .exists()
    )


def may_view(actor: Actor, declaration: ConsentDeclaration) -> bool:
    return is_holder(actor, declaration) or is_recipient_with_request(actor, declaration)


def may_revoke(actor: Actor, declaration: ConsentDeclaration) -> bool:
    """Recording a withdrawal is the holding organisation's act (R12: they talk with the parent)."""
    return _acts_for(actor, declaration.organisation_id) and actor.has_role(*REVOKER_ROLES)
