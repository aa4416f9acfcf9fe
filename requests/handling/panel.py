"""What the request's page shows of handling besides the action forms (``actions.py``): the
consultations, the decision and the answer as far as the actor may see them (R11), and the
referrals to the legal advisor with a form for each open one (R8, R31)."""

from __future__ import annotations

from typing import Any

from requests.core import access
from requests.core.models import Decision, InformationRequest, LegalAdviceStatus
from requests.core.page import PageState
from requests.core.workflow import RequestStatus
from requests.handling import forms as f
from requests.handling import selectors
from requests.handling.actions import GIVE_LEGAL_ADVICE, RECONSIDER, UPHOLD_REFUSAL
from toolkid.actors import Actor

S = RequestStatus


def panel(
    actor: Actor, req: InformationRequest, *, actions: list[str], state: PageState, provider: bool
) -> dict[str, Any]:
    """``actions``: what the actor may do now (``allowed_actions``); ``state``: the bound advice
    forms after a refused one; ``provider``: the actor is on the receiving side."""
    advices = _advices(req, actions, state) if provider else []
    decision_visible = access.decision_visible_to(actor, req)
    refusal_known = decision_visible and req.decision == Decision.NOT_PROVIDE and req.status in (
        S.REFUSED, S.CONTESTED, S.CLOSED
    )
    return {
        "consultations_visible": provider and bool(
            req.parent_consultation_date or req.internal_consultation_date
        ),
        "answer_visible": req.answered_at is not None,
        "decision_visible": decision_visible,
        "refusal_known": refusal_known,
        "refusal_pending": provider and req.status == S.REFUSAL_PENDING,
        "advices": advices,
        "contest_advice_open": provider and req.status == S.CONTESTED
        and UPHOLD_REFUSAL not in actions and RECONSIDER in actions,
        # R31b: provided against the parent's wish; templates/requests/handling/_answer_basis.html.
        "answer_basis": _answer_basis(req, provider),
    }


def _answer_basis(req: InformationRequest, provider: bool) -> Any:
    """The provider from the decision on; the requester once the answer was sent (R31b, R30)."""
    if not (provider or req.answered_at is not None):
        return None
    return selectors.answer_basis(req)


def _advices(req: InformationRequest, actions: list[str], state: PageState) -> list[dict[str, Any]]:
    """Every referral, oldest first; an open one with a form for the legal advisor."""
    advices = []
    for advice in access.advices_of(req):
        form = None
        if GIVE_LEGAL_ADVICE in actions and advice.status == LegalAdviceStatus.OPEN:
            form = state.advice_forms.get(advice.pk) or f.GiveLegalAdviceForm(
                prefix="advise", request=req, auto_id=f"id_%s_{advice.pk}"
            )
        advices.append({"advice": advice, "form": form})
    return advices
