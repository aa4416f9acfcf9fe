"""Request steps → webhook events (ADR 0007 §9). Registered on ``plumbing.on_step`` by
``requests.apps``; runs in the step's transaction, so the delivery rows commit or roll back
with the step.

Imports no ``plumbing`` (the contract "the API decides nothing"): it only reads the step it is
given.
"""

from __future__ import annotations

from requests.core.events import RequestEventKind as K
from requests.core.models import InformationRequest, RequestEvent
from requests.core.webhooks import WebhookType as W
from requests.core.webhooks import request_data
from requests.core.workflow import RequestStatus
from toolkid.actors import Actor
from toolkid.webhooks.events import emit

RECEIVING = "receiving"
REQUESTING = "requesting"

#: Which step means which event, and which side hears of it. Not DECIDED_REFUSE (R11: the "no"
#: waits for a second person and the requester must not learn of it yet) and not
#: REFUSAL_UPHELD (R8, R39: the upheld "no" waits for that second person again): the refusal
#: becomes an event only at REFUSAL_CONFIRMED.
STEP_EVENTS: dict[str, tuple[str, str]] = {
    K.SUBMITTED: (W.RECEIVED, RECEIVING),
    K.RESUBMITTED: (W.RECEIVED, RECEIVING),
    K.RETURNED: (W.RETURNED, REQUESTING),
    K.ANSWER_SENT: (W.ANSWERED, REQUESTING),
    K.REFUSAL_CONFIRMED: (W.REFUSED, REQUESTING),
}


def webhooks_after_step(actor: Actor, req: InformationRequest, step: RequestEvent) -> None:
    entry = STEP_EVENTS.get(step.kind)
    if entry is None:
        return
    event_type, side = entry
    # R11, twice over: a refusal is announced only when the request is really refused.
    if event_type == W.REFUSED and req.status != RequestStatus.REFUSED:
        return
    organisation_id = (
        req.receiving_organisation_id if side == RECEIVING else req.requesting_organisation_id
    )
    if organisation_id is None:
        return
    emit(
        event_type,
        organisation=organisation_id,
        subject=str(req.public_id),
        data=request_data(req),
        source_key=f"request_event:{step.pk}",
    )
