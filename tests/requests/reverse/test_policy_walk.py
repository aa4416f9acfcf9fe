"""The reverse question's page (R3) offers exactly what its services accept, for everyone around
it, in each of its states (``requests/reverse/policy.py``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from requests.reverse import policy as reverse_policy
from requests.reverse import services as reverse_services
from requests.reverse.models import ReverseQuestion
from requests.reverse.selectors import reverse_is_visible_to
from toolkid.errors import Conflict, IllegalMove, Incomplete

TEXT = "Toelichting bij deze stap."

CALLS = {
    "beantwoorden": lambda a, q: reverse_services.reverse_question_answer(
        actor=a, question=q, interventions=TEXT, kopp_kvo=TEXT
    ),
    "niet-beantwoorden": lambda a, q: reverse_services.reverse_question_decline(
        actor=a, question=q, motivation=TEXT
    ),
    "intrekken": lambda a, q: reverse_services.reverse_question_withdraw(actor=a, question=q, reason=TEXT),
    "gelezen": lambda a, q: reverse_services.reverse_question_acknowledge(actor=a, question=q),
}


def test_every_action_on_the_page_has_a_service_in_the_walk():
    assert set(CALLS) == set(reverse_policy.ACTIONS)


def _ask(people, wijkteam) -> ReverseQuestion:
    today = timezone.localdate()
    return reverse_services.reverse_question_submit(
        actor=people["clinician"],
        receiving_organisation=wijkteam,
        parent={"name": "Ria Janssen", "date_of_birth": dt.date(1985, 3, 3)},
        child_name_or_initials="L.",
        child_date_of_birth=today.replace(year=today.year - 9) - dt.timedelta(days=1),
        phone_contact_date=today - dt.timedelta(days=1),
        phone_contact_with="Mw. Pluijmen, jeugdhulpverlener",
        asks_interventions=True,
        asks_kopp_kvo=True,
        question="Moeder is opgenomen; wij willen weten wat er voor L. loopt.",
        consent_parents=True,
        consent_child=False,
        consent_note="Mondeling gegeven in het gesprek van gisteren.",
    )


def _then(step):
    def build(people, wijkteam):
        question = _ask(people, wijkteam)
        if step is not None:
            step(people, question)
        return question

    return build


def _answered(p, q):
    CALLS["beantwoorden"](p["requester"], q)


STATES = {
    "ingediend": _then(None),
    "beantwoord": _then(_answered),
    "niet beantwoord": _then(lambda p, q: CALLS["niet-beantwoorden"](p["requester"], q)),
    "ingetrokken": _then(lambda p, q: CALLS["intrekken"](p["clinician"], q)),
    "afgesloten": _then(lambda p, q: (_answered(p, q), CALLS["gelezen"](p["clinician"], q))),
}


def _accepts(call, actor, question) -> bool:
    point = transaction.savepoint()
    try:
        call(actor, ReverseQuestion.objects.get(pk=question.pk))
    except Incomplete:
        return True
    except (Http404, PermissionDenied, IllegalMove, Conflict):
        return False
    finally:
        transaction.savepoint_rollback(point)
    return True


@pytest.mark.parametrize("state", list(STATES))
def test_the_question_page_offers_exactly_what_the_services_accept(state, people, wijkteam):
    question = STATES[state](people, wijkteam)
    offered_anything = False
    for who, actor in people.items():
        fresh = ReverseQuestion.objects.get(pk=question.pk)
        # The page exists only for who may see the question (a 404 otherwise).
        offered = set(reverse_policy.allowed(actor, fresh)) if reverse_is_visible_to(actor, fresh) else set()
        accepted = {slug for slug, call in CALLS.items() if _accepts(call, actor, question)}
        assert offered == accepted, (state, who, offered, accepted)
        offered_anything |= bool(offered)
    assert offered_anything or fresh.status in ("ingetrokken", "afgesloten"), state
