"""What the base layout needs on every page: the acting organisation, the choice of
organisations, and the navigation for the user's roles there."""

from __future__ import annotations

from django.http import HttpRequest

from toolkid import __version__
from toolkid.navigation import navigation_for


def shell(request: HttpRequest) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None or actor.is_system:
        return {"nav_items": [], "acting_organisation": None, "acting_choices": {},
                "TOOLKID_VERSION": __version__}
    return {
        "TOOLKID_VERSION": __version__,
        "actor": actor,
        "acting_organisation": actor.organisation,
        "acting_choices": getattr(request, "acting_choices", {}),
        # A view may name the menu entry its page belongs to (``request.nav_current_url``).
        "nav_items": navigation_for(actor, current_path=getattr(request, "nav_current_url", request.path)),
    }
