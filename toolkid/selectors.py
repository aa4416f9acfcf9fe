"""Reads about organisations and memberships."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from toolkid.models import Membership, Organisation, Role, User


def memberships_active_for(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "role")
    )


def roles_by_organisation(user: User) -> dict[Organisation, frozenset[str]]:
    """The organisations a user may act for, each with the roles held there (one query)."""
    grouped: dict[Organisation, set[str]] = defaultdict(set)
    for membership in memberships_active_for(user):
        grouped[membership.organisation].add(membership.role)
    return {org: frozenset(roles) for org, roles in grouped.items()}


def members_with_role(organisation: Organisation, role: Role | str) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True,
        memberships__organisation=organisation,
        memberships__role=role,
        memberships__is_active=True,
    ).distinct()
