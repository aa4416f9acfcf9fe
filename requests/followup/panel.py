"""What the request's page shows of the follow-up after the answer (in
``templates/requests/followup/_on_detail.html``): the duties of both sides, the path-C hold and
its joint release, feedback, secondary use, filing as approved information, Veilig Thuis,
"Afwijking vastleggen" (R5), and the forms the actor may use now: exactly those whose decision in
``requests/followup/policy.py`` allows them, the decision the services enforce.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef

from requests.core import access
from requests.core.models import ConsentPath, Decision, InformationRequest
from requests.core.views import who
from requests.core.workflow import RequestStatus
from requests.followup import policy as followup_policy
from requests.followup import selectors as followup_selectors
from requests.followup.actions import block
from requests.followup.models import (
    Duty,
    DutyKind,
    DutySide,
    Feedback,
    HoldRelease,
    SecondaryUse,
    VeiligThuisEngagement,
)
from requests.followup.workflow import SecondaryUseStatus
from toolkid.actors import Actor

S = RequestStatus

#: Whether the request has rows of each kind, read with the request on its page
#: (``access.request_get_for(annotate=…)``): an empty list costs no query. Without the flag
#: (another caller) the list is read.
PAGE_FLAGS: dict[str, Any] = {
    "has_duties": Exists(Duty.objects.filter(request=OuterRef("pk"))),
    "has_hold_releases": Exists(HoldRelease.objects.filter(request=OuterRef("pk"))),
    "has_feedback": Exists(Feedback.objects.filter(request=OuterRef("pk"))),
    "has_secondary_uses": Exists(SecondaryUse.objects.filter(request=OuterRef("pk"))),
    "has_veilig_thuis": Exists(VeiligThuisEngagement.objects.filter(request=OuterRef("pk"))),
}


def panel(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    """What the request's page shows of the follow-up, and the forms the actor may use now.

    Called by ``requests.detail.page.render_page`` for a request the actor may see. R40: on path
    C before the joint release nothing here speaks of informing the parent; the hold is shown as
    such."""
    if req.status == S.DRAFT or not access.is_visible_to(actor, req):
        return {"visible": False}
    side = followup_selectors.side_of(actor, req)
    provider = side == DutySide.PROVIDER
    answered = req.answered_at is not None and req.status in followup_policy.ANSWERED_STATES
    refusal_known = (
        req.decision == Decision.NOT_PROVIDE and req.status in followup_policy.REFUSAL_KNOWN_STATES
    )
    duties = _duties(actor, req, side)
    hold = _hold(actor, req) if req.consent_path == ConsentPath.C else None

    feedback = (
        list(req.feedback.select_related("given_by", "organisation"))
        if getattr(req, "has_feedback", True) else []
    )
    feedback_required = req.consent_path == ConsentPath.C and answered and not feedback
    feedback_block = _block_if(followup_policy.may_give_feedback(actor, req), "feedback", actor, req)

    uses = _uses(actor, req)
    use_block = _block_if(followup_policy.may_submit_secondary_use(actor, req), "use_submit", actor, req)

    approval = followup_selectors.approved_filing(req) if answered else None
    filing_block = _block_if(followup_policy.may_approve_filing(actor, req), "filing", actor, req)

    safety = _veilig_thuis_and_deviation(actor, req)

    return {
        "visible": True,
        "side": side,
        "provider": provider,
        "duties": duties,
        "hold": hold,
        "feedback": feedback,
        "feedback_required": feedback_required,
        "feedback_block": feedback_block,
        "uses": uses,
        "use_block": use_block,
        "answered": answered,
        "approval": approval,
        "filing_block": filing_block,
        **safety,
        "refusal_known": refusal_known,
    }


def _block_if(decision: Any, action: str, actor: Actor, req: InformationRequest, item: Any = None) -> Any:
    """The form of ``action`` when the policy allows it now, else nothing."""
    return block(action, actor, req, item) if decision else None


def _veilig_thuis_and_deviation(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    """Veilig Thuis engaged on this request (R2), and "Afwijking vastleggen" (R5)."""
    engagements = (
        list(req.veilig_thuis_engagements.select_related("recorded_by"))
        if getattr(req, "has_veilig_thuis", True) else []
    )
    vt_block = _block_if(followup_policy.may_record_veilig_thuis(actor, req), "veilig_thuis", actor, req)
    deviation_block = _block_if(followup_policy.may_record_deviation(actor, req), "deviation", actor, req)
    return {"engagements": engagements, "vt_block": vt_block, "deviation_block": deviation_block}


def _duties(actor: Actor, req: InformationRequest, side: str | None) -> list[dict[str, Any]]:
    """The duties of both sides; the actor's own open ones with their forms."""
    duties = []
    for duty in followup_selectors.duties_on(req):
        blocks = [
            found
            for decision, action in (
                (followup_policy.may_complete_duty(actor, duty), "duty_done"),
                (followup_policy.may_skip_duty(actor, duty), "duty_skip"),
            )
            if (found := _block_if(decision, action, actor, req, duty)) is not None
        ]
        duties.append(
            {
                "duty": duty,
                "mine": duty.side == side,
                "side_label": DutySide(duty.side).label,
                "assignee": who(duty.assignee),
                "done_by": who(duty.done_by),
                "blocks": blocks,
                # R38's duty is done through the feedback form further down.
                "feedback_form_below": duty.kind == DutyKind.REQUESTER_FEEDBACK
                and bool(followup_policy.may_act_on_duty(actor, duty)),
            }
        )
    return duties


def _hold(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    """Path C: the hold, its joint release (R37) and the forms to propose, answer or withdraw one."""
    released = followup_selectors.agreed_release(req)
    pending = followup_selectors.open_release(req)
    past = followup_selectors.past_releases(req)
    hold: dict[str, Any] = {
        "active": released is None,
        "released": released,
        "pending": pending,
        "past": past,
        "blocks": [],
    }
    if released is None and pending is None:
        decisions = [(followup_policy.may_propose_release(actor, req), "release_propose", None)]
    elif released is None:
        answer = followup_policy.may_answer_release(actor, req, pending)
        withdraw = followup_policy.may_withdraw_release(actor, req, pending)
        hold["waiting_for_other_side"] = bool(withdraw)
        decisions = [(answer, "release_agree", pending), (answer, "release_decline", pending),
                     (withdraw, "release_withdraw", pending)]
    else:
        decisions = []
    hold["blocks"] = [
        found for decision, action, item in decisions
        if (found := _block_if(decision, action, actor, req, item)) is not None
    ]
    return hold


def _uses(actor: Actor, req: InformationRequest) -> list[dict[str, Any]]:
    """Secondary use (R28): each proposal with the forms the actor may use on it."""
    uses: list[dict[str, Any]] = []
    if not getattr(req, "has_secondary_uses", True):
        return uses
    for use in req.secondary_uses.select_related("submitted_by", "replied_by", "sent_by"):
        decisions = (
            (followup_policy.may_reply_secondary_use(actor, req, use), "use_reply"),
            (followup_policy.may_send_secondary_use(actor, req, use), "use_sent"),
            (followup_policy.may_withdraw_secondary_use(actor, req, use), "use_withdraw"),
        )
        blocks = [
            found for decision, action in decisions
            if (found := _block_if(decision, action, actor, req, use)) is not None
        ]
        uses.append(
            {"use": use, "blocks": blocks, "awaiting_reply": use.status == SecondaryUseStatus.SUBMITTED}
        )
    return uses
