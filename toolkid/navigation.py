"""Navigation by role. Each entry names the roles that see it; an entry appears only when its
URL exists, so a page is listed from the issue that builds it on."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
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


ALL_ROLES = frozenset(Role.values)

NAV: tuple[NavEntry, ...] = (
    NavEntry("home", _("Overzicht"), ALL_ROLES, functional_admin=True),
    NavEntry("requests:outgoing", _("Mijn verzoeken"), frozenset({Role.JEUGDHULPVERLENER, Role.TEAMLEIDER})),
    NavEntry("requests:new", _("Nieuw informatieverzoek"), frozenset({Role.JEUGDHULPVERLENER})),
    NavEntry("requests:inbox", _("Binnengekomen verzoeken"), frozenset({Role.ZORGVERLENER, Role.TEAMLEIDER})),
    NavEntry("requests:refusals", _("Te bevestigen weigeringen"),
             frozenset({Role.TEAMLEIDER, Role.JURIDISCH_ADVISEUR})),
    NavEntry("requests:legal_queue", _("Adviesvragen"), frozenset({Role.JURIDISCH_ADVISEUR})),
    # Issue 4: follow-up after the answer — tasks, the Kindcheck (L4), the reverse direction (R3),
    # and the teamleider's Kindcheck counts and deviations (R5).
    NavEntry("requests:tasks", _("Mijn taken"), frozenset({Role.JEUGDHULPVERLENER, Role.ZORGVERLENER})),
    NavEntry("requests:kindcheck_list", _("Kindcheck"), frozenset({Role.ZORGVERLENER})),
    NavEntry("requests:reverse_list", _("Vragen over kinderen"),
             frozenset({Role.ZORGVERLENER, Role.JEUGDHULPVERLENER})),
    NavEntry("requests:kindcheck_overview", _("Kindchecks (overzicht)"), frozenset({Role.TEAMLEIDER})),
    NavEntry("requests:deviations", _("Afwijkingen"), frozenset({Role.TEAMLEIDER})),
    # Issue 5: the deadline overview (counts, no case content) and the notification centre.
    NavEntry("requests:overview", _("Overzicht termijnen"), frozenset({Role.TEAMLEIDER, Role.BEHEERDER})),
    NavEntry("notifications", _("Meldingen"), ALL_ROLES),
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
    items = []
    for entry in NAV:
        visible = actor.has_role(*entry.roles) or (entry.functional_admin and actor.is_functional_admin)
        if not visible:
            continue
        try:
            url = reverse(entry.url_name)
        except NoReverseMatch:
            continue
        current = current_path == url or (url != "/" and current_path.startswith(url))
        items.append(NavItem(url=url, label=entry.label, current=current))
    return items
