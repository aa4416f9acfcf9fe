"""Reads of the Gebruikers page, always scoped to one organisation."""

from __future__ import annotations

from dataclasses import dataclass, field

from toolkid.models import Membership, Organisation, User


@dataclass
class MemberRow:
    user: User
    active: list[Membership] = field(default_factory=list)
    ended: list[Membership] = field(default_factory=list)


def member_rows(organisation: Organisation) -> tuple[list[MemberRow], list[MemberRow]]:
    """The organisation's people: (current members, former members). Current means at least
    one active role here; a former member only has ended roles."""
    rows: dict[int, MemberRow] = {}
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__username", "role")
    )
    for membership in memberships:
        row = rows.setdefault(membership.user_id, MemberRow(user=membership.user))
        (row.active if membership.is_active else row.ended).append(membership)
    current = [row for row in rows.values() if row.active]
    former = [row for row in rows.values() if not row.active]
    return current, former


def membership_in(organisation: Organisation, pk: int) -> Membership | None:
    return (
        Membership.objects.select_related("user", "organisation")
        .filter(pk=pk, organisation=organisation)
        .first()
    )


def active_member_of(organisation: Organisation, pk: int) -> User | None:
    """A user who currently holds a role in ``organisation``; ``None`` for anyone else."""
    return (
        User.objects.filter(
            pk=pk, memberships__organisation=organisation, memberships__is_active=True
        )
        .distinct()
        .first()
    )


def works_elsewhere(user: User, organisation: Organisation) -> bool:
    """Whether ``user`` holds an active role in another organisation too."""
    return (
        Membership.objects.filter(user=user, is_active=True)
        .exclude(organisation=organisation)
        .exists()
    )
