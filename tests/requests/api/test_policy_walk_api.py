"""The policy walk's API column (docs/adr/0007 §2): for every state the page walk builds, every
person around the request and every action, what ``acties`` lists (``allowed_actions``, the
page's list) is exactly what ``POST …/acties/{actie}`` accepts, and a refused call (403, 404,
409) changed nothing. As in ``tests/requests/core/test_policy_walk.py``, a 422 (``Incomplete``) is
accepted: the protocol's content rules are not a permission. Each call carries the ETag the
person's GET would give (``W/"<access.status_for>"``) and runs inside a savepoint rolled back.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from requests.api.actions import ACTION_SERVICES
from requests.core import access
from requests.detail.actions import allowed_actions
from requests.models import RequestEvent

from ..core.test_policy_walk import STATES, TEXT
from ..helpers import fresh
from .conftest import act

ACCEPTED = {200, 422}
REFUSED = {403, 404, 409}


def _bodies(req) -> dict[str, dict]:
    today = timezone.localdate()
    return {
        "assign": {"zorgverlener": "zorg2"},
        "redecide_consent": {"toestemmingspad": "C",
                             "padC": {"waaromNietGevraagd": TEXT, "waaromNodig": TEXT}},
        "parent_consultation": {"datum": today.isoformat(), "uitkomst": "akkoord", "notitie": TEXT},
        "internal_consultation": {"metWie": "Collega", "datum": today.isoformat(), "conclusie": TEXT},
        "ask_legal_advice": {"vraag": TEXT},
        "give_legal_advice": {"advies": TEXT},
        "decide": {"besluit": "verstrekken", "motivering": TEXT},
        "confirm_refusal": {"notitie": TEXT},
        "reject_refusal": {"notitie": TEXT},
        "reconsider": {"motivering": TEXT},
        "uphold_refusal": {"motivering": TEXT},
        "contest": {"reden": TEXT},
        "return": {"suggestie": TEXT},
        "withdraw": {"reden": TEXT},
        "extend": {"nieuweUiterlijkeDatum": ((req.due_date or today) + dt.timedelta(days=14)).isoformat(),
                   "reden": TEXT},
        "contest_extension": {"reden": TEXT},
    }


def _trace(req) -> tuple:
    row = fresh(req)
    return row.status, row.due_date, RequestEvent.objects.filter(request=req).count()


@pytest.mark.parametrize("state", list(STATES))
def test_the_api_accepts_exactly_what_acties_lists(state, filed_request, people, clinician2, client_for):
    req = STATES[state](filed_request, people)
    bodies = _bodies(fresh(req))
    for who, actor in people.items():
        client = client_for(actor.organisation, actor.user.get_username())
        row = fresh(req)
        offered = set(allowed_actions(actor, row))
        etag = f'W/"{access.status_for(actor, row).value}"'
        accepted = set()
        for action in ACTION_SERVICES:
            point = transaction.savepoint()
            try:
                before = _trace(req)
                response = act(client, req.public_id, action, bodies.get(action), etag=etag)
                assert response.status_code in ACCEPTED | REFUSED, (state, who, action, response.json())
                if response.status_code in ACCEPTED:
                    accepted.add(action)
                else:
                    assert _trace(req) == before, (state, who, action, "a refusal changed something")
            finally:
                transaction.savepoint_rollback(point)
        assert offered == accepted, (state, who, "listed only", offered - accepted, "accepted only",
                                     accepted - offered)
