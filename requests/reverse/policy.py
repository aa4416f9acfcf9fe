"""Who may do what with a reverse question (R3), now: the reverse direction's part of the one
policy, built like ``requests/core/policy.py``. The services enforce these decisions; the list
and the question's page offer exactly what they allow."""

from __future__ import annotations

from django.utils.translation import gettext as _

from requests.core import access
from requests.core.policy import ALLOWED, Decision, deny, first_refusal, object_can, wrong_role
from requests.reverse import selectors as reverse_selectors
from requests.reverse.models import ReverseQuestion
from toolkid.actors import Actor
from toolkid.models import Role


def may_ask(actor: Actor) -> Decision:
    """R3: a zorgverlener of adult care asks youth care about a child."""
    if not access.is_acting(actor) or not actor.has_role(Role.ZORGVERLENER):
        return wrong_role()
    if not actor.organisation.is_provider:
        return deny(_("Deze vraag stelt een zorgverlener van de volwassenenzorg aan de jeugdhulp."))  # R3
    return ALLOWED


def _receiver(actor: Actor, question: ReverseQuestion) -> Decision | None:
    """A jeugdhulpverlener of the youth-care organisation the question went to."""
    receiver = reverse_selectors.reverse_is_receiver(actor, question)
    return None if receiver and actor.has_role(Role.JEUGDHULPVERLENER) else wrong_role()


def _asker(actor: Actor, question: ReverseQuestion) -> Decision | None:
    """A zorgverlener of the organisation that asked."""
    asker = reverse_selectors.reverse_is_asker(actor, question)
    return None if asker and actor.has_role(Role.ZORGVERLENER) else wrong_role()


def may_answer(actor: Actor, question: ReverseQuestion) -> Decision:
    return first_refusal(lambda: _receiver(actor, question), lambda: object_can(question, "answer"))


def may_decline(actor: Actor, question: ReverseQuestion) -> Decision:
    """R39, L2: not answered, with a motivation."""
    return first_refusal(lambda: _receiver(actor, question), lambda: object_can(question, "decline"))


def may_withdraw(actor: Actor, question: ReverseQuestion) -> Decision:
    return first_refusal(lambda: _asker(actor, question), lambda: object_can(question, "withdraw"))


def may_acknowledge(actor: Actor, question: ReverseQuestion) -> Decision:
    return first_refusal(lambda: _asker(actor, question), lambda: object_can(question, "acknowledge"))


#: The actions on a question's page (URL slug → decision), in the order the page shows them.
ACTIONS = {
    "beantwoorden": may_answer,
    "niet-beantwoorden": may_decline,
    "intrekken": may_withdraw,
    "gelezen": may_acknowledge,
}


def allowed(actor: Actor, question: ReverseQuestion) -> list[str]:
    return [slug for slug, decide in ACTIONS.items() if decide(actor, question)]
