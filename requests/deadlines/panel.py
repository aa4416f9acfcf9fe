"""What the request's page shows of the answer clock (R26, L1): how today's due date came about
(``templates/requests/deadlines/_clock.html``). Its actions are in ``actions.py``."""

from __future__ import annotations

from typing import Any

from requests.core.models import InformationRequest
from requests.deadlines import selectors as deadline_selectors
from toolkid.actors import Actor


def panel(actor: Actor, req: InformationRequest) -> dict[str, Any]:
    return {"clock": deadline_selectors.clock_history_for(actor, req)}
