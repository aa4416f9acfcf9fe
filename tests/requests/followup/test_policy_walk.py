"""After the answer, too, the request page offers exactly what the services accept: every
follow-up form (duties, the path-C hold, feedback, secondary use, filing, Veilig Thuis,
deviations), for every person around a request, in the follow-up's states
(``requests/followup/policy.py``; the request's own actions: ``tests/requests/core``).

"Offered" is a form on the follow-up panel, per row it acts on (a duty, a release, a use).
"Accepted" means the service, called with sensible input inside a rolled-back savepoint, did
not refuse the person or the moment; an ``Incomplete`` is accepted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from requests.core.deviations import DeviationKind
from requests.followup import hold as hold_services
from requests.followup import secondary_use as use_services
from requests.followup import services as followup_services
from requests.followup.actions import ACTIONS
from requests.followup.models import Duty, HoldRelease, SecondaryPurpose, SecondaryUse
from requests.followup.panel import panel
from requests.handling.services import request_confirm_refusal
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete

from ..helpers import decide, fresh, take

TEXT = "Toelichting bij deze stap."

#: How each follow-up action's service is called; the rows it may act on.
CALLS: dict[str, Callable[[Actor, Any, Any], Any]] = {
    "duty_done": lambda a, r, d: followup_services.duty_complete(
        actor=a, duty=d, done_on=timezone.localdate(), note=TEXT, not_discussed_confirmed=True
    ),
    "duty_skip": lambda a, r, d: followup_services.duty_skip(actor=a, duty=d, motivation=TEXT),
    "release_propose": lambda a, r, _: hold_services.hold_release_propose(actor=a, request=r, reason=TEXT),
    "release_agree": lambda a, r, h: hold_services.hold_release_agree(actor=a, release=h, note=TEXT),
    "release_decline": lambda a, r, h: hold_services.hold_release_decline(actor=a, release=h, reason=TEXT),
    "release_withdraw": lambda a, r, h: hold_services.hold_release_withdraw(actor=a, release=h),
    "feedback": lambda a, r, _: followup_services.feedback_give(
        actor=a, request=r, what_was_done=TEXT, what_follows=TEXT
    ),
    "use_submit": lambda a, r, _: use_services.secondary_use_submit(
        actor=a, request=r, purpose=SecondaryPurpose.values[0], description=TEXT
    ),
    "use_reply": lambda a, r, u: use_services.secondary_use_reply(actor=a, use=u, agree=True, comments=TEXT),
    "use_sent": lambda a, r, u: use_services.secondary_use_mark_sent(
        actor=a, use=u, sent_on=timezone.localdate(), motivation=TEXT
    ),
    "use_withdraw": lambda a, r, u: use_services.secondary_use_withdraw(actor=a, use=u),
    "filing": lambda a, r, _: followup_services.filing_approve(actor=a, request=r),
    "veilig_thuis": lambda a, r, _: followup_services.veilig_thuis_record(
        actor=a, request=r, engaged_on=timezone.localdate(), safety_concerns=True
    ),
    "deviation": lambda a, r, _: followup_services.deviation_record(
        actor=a, kind=DeviationKind.OTHER, motivation=TEXT, request=r
    ),
}
ROWS: dict[str, type | None] = {
    "duty_done": Duty, "duty_skip": Duty, "release_agree": HoldRelease, "release_decline": HoldRelease,
    "release_withdraw": HoldRelease, "use_reply": SecondaryUse, "use_sent": SecondaryUse,
    "use_withdraw": SecondaryUse,
}


def test_every_follow_up_form_has_a_service_in_the_walk():
    assert set(CALLS) == set(ACTIONS)


def _offered(actor: Actor, req) -> set[tuple[str, int | None]]:
    shown = panel(actor, fresh(req))
    if not shown["visible"]:
        return set()
    blocks = [b for d in shown["duties"] for b in d["blocks"]]
    blocks += (shown["hold"] or {}).get("blocks", [])
    blocks += [b for u in shown["uses"] for b in u["blocks"]]
    singles = ("feedback_block", "use_block", "filing_block", "vt_block", "deviation_block")
    blocks += [shown[key] for key in singles]
    return {(b["name"], _row_of(b)) for b in blocks if b is not None}


def _row_of(block: dict) -> int | None:
    name, _, rest = block["id"].removeprefix("vervolg-").partition(f"{block['name']}-")
    return int(rest) if rest else None


def _targets(action: str, req) -> Iterator[Any]:
    model = ROWS.get(action)
    if model is None:
        yield None
    else:
        yield from model.objects.filter(request=req)


def _accepted(actor: Actor, req) -> set[tuple[str, int | None]]:
    found = set()
    for action, call in CALLS.items():
        for row in _targets(action, req):
            point = transaction.savepoint()
            try:
                call(actor, fresh(req), row)
            except Incomplete:
                found.add((action, getattr(row, "pk", None)))
            except (Http404, PermissionDenied, IllegalMove, Conflict):
                pass
            else:
                found.add((action, getattr(row, "pk", None)))
            finally:
                transaction.savepoint_rollback(point)
    return found


# --- the states -------------------------------------------------------------------------------


def _taken(answered, refused, f, p):
    return take(f("A"), p["clinician"])


def _answered_a(answered, refused, f, p):
    return answered("A")


def _answered_a_duty_done(answered, refused, f, p):
    req = answered("A")
    duty = Duty.objects.filter(request=req, side="zorgverlener").first()
    followup_services.duty_complete(actor=p["clinician"], duty=duty, done_on=timezone.localdate(), note=TEXT)
    return req


def _answered_c(answered, refused, f, p):
    return answered("C")


def _release_proposed(answered, refused, f, p):
    req = answered("C")
    hold_services.hold_release_propose(actor=p["clinician"], request=req, reason=TEXT)
    return req


def _released(answered, refused, f, p):
    req = _release_proposed(answered, refused, f, p)
    hold_services.hold_release_agree(actor=p["requester"], release=req.hold_releases.get(), note=TEXT)
    return req


def _use_submitted(answered, refused, f, p):
    req = answered("A")
    use_services.secondary_use_submit(
        actor=p["requester"], request=req, purpose=SecondaryPurpose.values[0], description=TEXT
    )
    return req


def _use_objected(answered, refused, f, p):
    req = _use_submitted(answered, refused, f, p)
    use_services.secondary_use_reply(
        actor=p["clinician"], use=req.secondary_uses.get(), agree=False, comments=TEXT
    )
    return req


def _refused_a(answered, refused, f, p):
    return refused("A")


def _refusal_pending(answered, refused, f, p):
    return decide(f("A"), p["clinician"], provide=False)


def _refusal_confirmed_c(answered, refused, f, p):
    req = decide(f("C"), p["clinician"], provide=False)
    return request_confirm_refusal(actor=p["teamleider"], request=req, note=TEXT)


STATES = {
    "in behandeling": _taken,
    "beantwoord (pad A)": _answered_a,
    "beantwoord, een taak gedaan": _answered_a_duty_done,
    "beantwoord (pad C, afgeschermd)": _answered_c,
    "opheffen voorgesteld": _release_proposed,
    "afscherming opgeheven": _released,
    "ander doel voorgelegd": _use_submitted,
    "ander doel: bezwaar": _use_objected,
    "geweigerd (pad A)": _refused_a,
    "weigering wacht op tweede persoon": _refusal_pending,
    "geweigerd (pad C)": _refusal_confirmed_c,
}


@pytest.mark.parametrize("state", list(STATES))
def test_the_follow_up_panel_offers_exactly_what_the_services_accept(
    state, answered, refused, filed_request, people
):
    req = STATES[state](answered, refused, filed_request, people)
    offered_anything = False
    for who, actor in people.items():
        offered, accepted = _offered(actor, req), _accepted(actor, req)
        assert offered == accepted, (state, who, "offered only", offered - accepted, "accepted only",
                                     accepted - offered)
        offered_anything |= bool(offered)
    assert offered_anything, state
