"""The actions on the request's page, from the sub-domains that offer them: the requester's
(``requests/filing/actions.py``), the provider's (``requests/handling/actions.py``) and the
answer clock's (``requests/deadlines/actions.py``), in the order the page shows them, and which
of them the actor may take now (:func:`allowed_actions`). Every form posts to
:func:`requests.detail.views.action`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from requests.core import access, policy
from requests.core.models import (
    InformationRequest,
)
from requests.core.page import ActionSpec
from requests.deadlines.actions import ACTION_LABELS as DEADLINE_LABELS
from requests.deadlines.actions import ACTIONS as DEADLINE_ACTIONS
from requests.deadlines.actions import CONTEST_EXTENSION, EXTEND
from requests.filing.actions import ACKNOWLEDGE, CONTEST, EDIT, REDECIDE_CONSENT, WITHDRAW
from requests.filing.actions import ACTION_LABELS as FILING_LABELS
from requests.filing.actions import ACTIONS as FILING_ACTIONS
from requests.filing.actions import FORMLESS as FILING_FORMLESS
from requests.handling.actions import ACTION_LABELS as HANDLING_LABELS
from requests.handling.actions import ACTIONS as HANDLING_ACTIONS
from requests.handling.actions import (
    ANSWER,
    ASK_LEGAL_ADVICE,
    ASSIGN,
    CONFIRM_REFUSAL,
    DECIDE,
    GIVE_LEGAL_ADVICE,
    INTERNAL_CONSULTATION,
    PARENT_CONSULTATION,
    RECONSIDER,
    REJECT_REFUSAL,
    RETURN,
    TAKE,
    UPHOLD_REFUSAL,
)
from requests.handling.actions import FORMLESS as HANDLING_FORMLESS
from toolkid.actors import Actor

ACTIONS: dict[str, ActionSpec] = {**FILING_ACTIONS, **HANDLING_ACTIONS, **DEADLINE_ACTIONS}
ACTIONS_BY_SLUG: dict[str, ActionSpec] = {spec.slug: spec for spec in ACTIONS.values()}
#: Offered actions without a form of their own (name → partial, or "" for no block).
FORMLESS: dict[str, str] = {**FILING_FORMLESS, **HANDLING_FORMLESS}

_LABELS: dict[str, Any] = {**FILING_LABELS, **HANDLING_LABELS, **DEADLINE_LABELS}
_ORDER = [
    TAKE, ASSIGN, EDIT, REDECIDE_CONSENT, PARENT_CONSULTATION, INTERNAL_CONSULTATION, ASK_LEGAL_ADVICE,
    GIVE_LEGAL_ADVICE, DECIDE, ANSWER, CONFIRM_REFUSAL, REJECT_REFUSAL, RECONSIDER, UPHOLD_REFUSAL,
    CONTEST, ACKNOWLEDGE, RETURN, WITHDRAW, EXTEND, CONTEST_EXTENSION,
]
#: The words of each action (the protocol's), in the order the page shows them.
ACTION_LABELS: dict[str, Any] = {name: _LABELS[name] for name in _ORDER}

#: The one decision behind each action (``requests/core/policy.py``): the page lists the actions
#: whose decision allows them; the services enforce the same functions
#: (``tests/requests/core/test_policy_walk.py`` walks every action x role x state).
DECISIONS: dict[str, Callable[[Actor, InformationRequest], policy.Decision]] = {
    TAKE: policy.may_take,
    ASSIGN: policy.may_assign,
    EDIT: policy.may_resubmit,
    REDECIDE_CONSENT: policy.may_redecide_consent_path,
    PARENT_CONSULTATION: policy.may_record_parent_consultation,
    INTERNAL_CONSULTATION: policy.may_record_internal_consultation,
    ASK_LEGAL_ADVICE: policy.may_ask_legal_advice,
    GIVE_LEGAL_ADVICE: policy.may_give_legal_advice,
    DECIDE: policy.may_decide,
    ANSWER: policy.may_answer,
    CONFIRM_REFUSAL: policy.may_confirm_refusal,
    REJECT_REFUSAL: policy.may_reject_refusal,
    RECONSIDER: policy.may_reconsider,
    UPHOLD_REFUSAL: policy.may_uphold_refusal,
    CONTEST: policy.may_contest_refusal,
    ACKNOWLEDGE: policy.may_acknowledge,
    RETURN: policy.may_return,
    WITHDRAW: policy.may_withdraw,
    EXTEND: policy.may_extend_deadline,
    CONTEST_EXTENSION: policy.may_contest_extension,
}


def allowed_actions(actor: Actor, req: InformationRequest) -> list[str]:
    """The actions ``actor`` may take on ``req`` now, in display order (R11: a requester sees a
    pending refusal as "in behandeling" and may do what they could then)."""
    if not access.is_visible_to(actor, req):
        return []
    return [name for name in _ORDER if DECISIONS[name](actor, req)]
