"""What the request page offers is exactly what the services accept: every action, for every
role around a request, in every state the request passes through (ARCHITECTURE "Permissions":
one decision, ``requests/core/policy.py``).

For each state the request is built through the services, then for each person the page's
action list is compared with what happens when that person calls each action's service with
sensible input inside a savepoint (rolled back). "Accepted" means the service did not refuse the
actor or the moment (no 404, no ``PermissionDenied``, no ``IllegalMove``, no ``Conflict``); an
``Incomplete`` is accepted: the protocol's content rules are not a permission.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from consent.services import consent_revoke
from requests.core.models import Decision, LegalAdvice, ParentConsultationOutcome
from requests.core.workflow import RequestStatus
from requests.deadlines import services as deadline_services
from requests.detail.actions import ACTION_LABELS, allowed_actions
from requests.filing import services as filing_services
from requests.handling import answer as answer_services
from requests.handling import services as handling_services
from toolkid.actors import Actor
from toolkid.errors import Conflict, IllegalMove, Incomplete
from toolkid.models import User

from ..helpers import ALL_CONFIRMED, decide, fill_answer, fresh, take

S = RequestStatus
TEXT = "Toelichting bij deze stap."


def _today() -> dt.date:
    return timezone.localdate()


def _give_advice(actor: Actor, req) -> LegalAdvice:
    """The page offers advice on a request with an open question; without any question there is
    nothing the service could be called with."""
    advice = req.legal_advice.filter(status="open").first() or req.legal_advice.last()
    if advice is None:
        raise IllegalMove("no question for legal advice on this request")
    return handling_services.legal_advice_give(actor=actor, advice=advice, text=TEXT)


#: Each action of the page, and how its service is called.
CALLS: dict[str, Callable[[Actor, Any, dict[str, User]], Any]] = {
    "take": lambda a, r, p: handling_services.request_take(actor=a, request=r),
    "assign": lambda a, r, p: handling_services.request_assign(actor=a, request=r, clinician=p["clinician2"]),
    "edit": lambda a, r, p: filing_services.request_resubmit(actor=a, request=r),
    "redecide_consent": lambda a, r, p: filing_services.request_redecide_consent_path(
        actor=a, request=r, path="C", fields={"c_why_not_asked": TEXT, "c_why_necessary": TEXT}
    ),
    "parent_consultation": lambda a, r, p: handling_services.request_record_parent_consultation(
        actor=a, request=r, date=_today(), outcome=ParentConsultationOutcome.AGREES, note=TEXT
    ),
    "internal_consultation": lambda a, r, p: handling_services.request_record_internal_consultation(
        actor=a, request=r, with_whom="Collega", date=_today(), conclusion=TEXT
    ),
    "ask_legal_advice": lambda a, r, p: handling_services.request_ask_legal_advice(
        actor=a, request=r, question=TEXT
    ),
    "give_legal_advice": lambda a, r, p: _give_advice(a, r),
    "decide": lambda a, r, p: handling_services.request_decide(
        actor=a, request=r, decision=Decision.PROVIDE, motivation=TEXT
    ),
    "answer": lambda a, r, p: answer_services.request_save_answer(actor=a, request=r, topics={}),
    "confirm_refusal": lambda a, r, p: handling_services.request_confirm_refusal(
        actor=a, request=r, note=TEXT
    ),
    "reject_refusal": lambda a, r, p: handling_services.request_reject_refusal(actor=a, request=r, note=TEXT),
    "reconsider": lambda a, r, p: handling_services.request_reconsider(actor=a, request=r, motivation=TEXT),
    "uphold_refusal": lambda a, r, p: handling_services.request_uphold_refusal(
        actor=a, request=r, motivation=TEXT
    ),
    "contest": lambda a, r, p: filing_services.request_contest_refusal(actor=a, request=r, reason=TEXT),
    "acknowledge": lambda a, r, p: filing_services.request_acknowledge(actor=a, request=r),
    "return": lambda a, r, p: handling_services.request_return_for_reformulation(
        actor=a, request=r, suggestion=TEXT
    ),
    "withdraw": lambda a, r, p: filing_services.request_withdraw(actor=a, request=r, reason=TEXT),
    "extend": lambda a, r, p: deadline_services.request_extend_deadline(
        actor=a, request=r, new_due_date=(r.due_date or _today()) + dt.timedelta(days=14), reason=TEXT
    ),
    "contest_extension": lambda a, r, p: deadline_services.request_contest_extension(
        actor=a, request=r, reason=TEXT
    ),
}


def test_every_action_on_the_page_has_a_service_in_the_walk():
    assert set(CALLS) == set(ACTION_LABELS)


def _accepts(action: str, actor: Actor, req, people: dict[str, User]) -> bool:
    point = transaction.savepoint()
    try:
        CALLS[action](actor, fresh(req), people)
    except Incomplete:
        return True
    except (Http404, PermissionDenied, IllegalMove, Conflict):
        return False
    finally:
        transaction.savepoint_rollback(point)
    return True


# --- the states, built through the services --------------------------------------------------


def _submitted(f, p):
    return f("A")


def _returned(f, p):
    return handling_services.request_return_for_reformulation(
        actor=p["clinician"], request=f("A"), suggestion=TEXT
    )


def _in_progress(f, p):
    return take(f("A"), p["clinician"])


def _in_progress_path_b(f, p):
    return take(f("B"), p["clinician"])


def _legal_advice_open(f, p):
    req = take(f("A"), p["clinician"])
    handling_services.request_ask_legal_advice(actor=p["clinician"], request=req, question=TEXT)
    return req


def _consent_revoked(f, p):
    req = take(f("A"), p["clinician"])
    consent_revoke(actor=p["requester"], declaration=req.consent_declaration, revoked_on=_today())
    return req


def _answering(f, p):
    return decide(f("A"), p["clinician"], provide=True)


def _answering_extended(f, p):
    req = decide(f("A"), p["clinician"], provide=True)
    deadline_services.request_extend_deadline(
        actor=p["clinician"], request=req, new_due_date=req.due_date + dt.timedelta(days=14), reason=TEXT
    )
    return req


def _refusal_pending(f, p):
    return decide(f("A"), p["clinician"], provide=False)


def _refused(f, p):
    req = decide(f("A"), p["clinician"], provide=False)
    return handling_services.request_confirm_refusal(actor=p["teamleider"], request=req, note=TEXT)


def _contested(f, p):
    req = _refused(f, p)
    filing_services.request_contest_refusal(actor=p["requester"], request=req, reason=TEXT)
    return req


def _contested_advice_given(f, p):
    req = _contested(f, p)
    advice = req.legal_advice.get(status="open")
    handling_services.legal_advice_give(actor=p["legal"], advice=advice, text=TEXT)
    return req


def _answered(f, p):
    req = fill_answer(decide(f("A"), p["clinician"], provide=True), p["clinician"])
    return answer_services.request_send_answer(
        actor=p["clinician"], request=req, confirmations=ALL_CONFIRMED
    )


def _closed(f, p):
    return filing_services.request_acknowledge(actor=p["requester"], request=_answered(f, p))


def _withdrawn(f, p):
    return filing_services.request_withdraw(actor=p["requester"], request=f("A"), reason=TEXT)


STATES = {
    "ingediend": _submitted,
    "teruggestuurd": _returned,
    "in behandeling": _in_progress,
    "in behandeling, pad B": _in_progress_path_b,
    "juridisch advies gevraagd": _legal_advice_open,
    "toestemming ingetrokken": _consent_revoked,
    "antwoord in voorbereiding": _answering,
    "termijn verlengd": _answering_extended,
    "weigering wacht op tweede persoon": _refusal_pending,
    "geweigerd": _refused,
    "bezwaar": _contested,
    "bezwaar, advies gegeven": _contested_advice_given,
    "beantwoord": _answered,
    "afgesloten": _closed,
    "ingetrokken": _withdrawn,
}


@pytest.mark.parametrize("state", list(STATES))
def test_the_page_offers_exactly_what_the_services_accept(state, filed_request, people, clinician2):
    req = STATES[state](filed_request, people)
    users = {"clinician2": clinician2}
    offered_anything = False
    for who, actor in people.items():
        offered = set(allowed_actions(actor, fresh(req)))
        accepted = {action for action in CALLS if _accepts(action, actor, req, users)}
        assert offered == accepted, (state, who, "offered only", offered - accepted, "accepted only",
                                     accepted - offered)
        offered_anything |= bool(offered)
    # A state in which nobody may do anything would make the walk prove nothing.
    assert offered_anything or fresh(req).status in (S.WITHDRAWN, S.CLOSED)
