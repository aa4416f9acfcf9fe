"""Navigation by role and side. Each entry names the roles that see it and, where it matters,
the side of the exchange the acting organisation is on: a wijkteam's teamleider has no inbox,
an adult-care teamleider files no requests."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from toolkid.actors import Actor
from toolkid.models import Role


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    roles: frozenset[str]
    functional_admin: bool = False
    # "requester" (youth-care side), "provider" (adult care) or "" for both.
    side: str = ""


ALL_ROLES = frozenset(Role.values)
REQUESTER = "requester"
PROVIDER = "provider"


def _on_side(actor: Actor, side: str) -> bool:
    organisation = actor.organisation
    if not side or organisation is None:
        return not side
    return organisation.is_requester if side == REQUESTER else organisation.is_provider

NAV: tuple[NavEntry, ...] = (
    NavEntry("home", _("Vandaag"), ALL_ROLES, functional_admin=True),
    NavEntry("requests:outgoing", _("Mijn verzoeken"), frozenset({Role.JEUGDHULPVERLENER, Role.TEAMLEIDER}),
             side=REQUESTER),
    NavEntry("requests:new", _("Nieuw informatieverzoek"), frozenset({Role.JEUGDHULPVERLENER}),
             side=REQUESTER),
    NavEntry("requests:inbox", _("Binnengekomen verzoeken"), frozenset({Role.ZORGVERLENER, Role.TEAMLEIDER}),
             side=PROVIDER),
    NavEntry("requests:refusals", _("Te bevestigen weigeringen"),
             frozenset({Role.TEAMLEIDER, Role.JURIDISCH_ADVISEUR}), side=PROVIDER),
    NavEntry("requests:legal_queue", _("Adviesvragen"), frozenset({Role.JURIDISCH_ADVISEUR}), side=PROVIDER),
    # Follow-up after the answer — tasks, the Kindcheck (L4), the reverse direction (R3),
    # and the teamleider's Kindcheck counts and deviations (R5).
    NavEntry("requests:tasks", _("Mijn taken"), frozenset({Role.JEUGDHULPVERLENER, Role.ZORGVERLENER})),
    NavEntry("requests:kindcheck_list", _("Kindcheck"), frozenset({Role.ZORGVERLENER}), side=PROVIDER),
    NavEntry("requests:reverse_list", _("Vragen over kinderen"),
             frozenset({Role.ZORGVERLENER, Role.JEUGDHULPVERLENER})),
    NavEntry("requests:kindcheck_overview", _("Kindchecks (overzicht)"), frozenset({Role.TEAMLEIDER}),
             side=PROVIDER),
    NavEntry("requests:deviations", _("Afwijkingen"), frozenset({Role.TEAMLEIDER})),
    # R26: the deadline overview (counts, no case content). The notification centre is not
    # here: the header links to it with its unread count, once on every page (issue 13).
    NavEntry("requests:overview", _("Overzicht termijnen"), frozenset({Role.TEAMLEIDER, Role.BEHEERDER})),
    NavEntry("members", _("Gebruikers"), frozenset({Role.BEHEERDER})),
    NavEntry("audit:log", _("Audit"), frozenset({Role.BEHEERDER}), functional_admin=True),
    NavEntry("admin:index", _("Platformbeheer"), frozenset(), functional_admin=True),
)


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str | Promise
    current: bool


def navigation_for(actor: Actor, *, current_path: str = "") -> list[NavItem]:
    visible: list[tuple[str, NavEntry]] = []
    for entry in NAV:
        by_role = actor.has_role(*entry.roles) and _on_side(actor, entry.side)
        if by_role or (entry.functional_admin and actor.is_functional_admin):
            visible.append((reverse(entry.url_name), entry))
    # One current page: the entry whose URL is the longest prefix of the path
    # (on /verzoeken/nieuw/ that is "Nieuw informatieverzoek", not "Mijn verzoeken").
    matches = [url for url, _entry in visible
               if current_path == url or (url != "/" and current_path.startswith(url))]
    current = max(matches, key=len, default=None)
    return [NavItem(url=url, label=entry.label, current=url == current) for url, entry in visible]
