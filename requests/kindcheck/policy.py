"""Who may do what with a Kindcheck (L4), now: the Kindcheck's part of the one policy, built like
``requests/core/policy.py``. The services enforce these decisions; the pages offer what they
allow."""

from __future__ import annotations

from django.utils.translation import gettext as _

from requests.core import access
from requests.core.policy import ALLOWED, Decision, deny
from requests.kindcheck.models import Kindcheck
from toolkid.actors import Actor
from toolkid.models import Role


def may_record(actor: Actor) -> Decision:
    """L4, meldcode step 1: the adult-care clinician checks for children."""
    if not access.is_acting(actor) or not actor.has_role(Role.ZORGVERLENER):
        return deny(_("De Kindcheck is voor zorgverleners."))
    return ALLOWED


def may_choose_next_steps(actor: Actor, kindcheck: Kindcheck) -> Decision:
    """L4, meldcode step 2: next steps belong to a Kindcheck with concerns (visibility is the
    selector's: an invisible Kindcheck is a 404 before this is asked)."""
    if not kindcheck.safety_concerns:
        return deny(_("Vervolgstappen horen bij een Kindcheck met zorgen over de veiligheid."), "no_concerns")
    return ALLOWED
