"""The reverse question's texts have a limit (toolkid/limits.py): the services refuse an
over-long text before anything is written (no question, no event, no audit event) and take
exactly the limit."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from requests.models import ReverseQuestion, ReverseQuestionEvent
from requests.reverse.services import reverse_question_answer, reverse_question_submit
from requests.reverse.workflow import ReverseStatus
from tests.requests.helpers import actor_for
from toolkid.errors import Incomplete
from toolkid.limits import ANSWER, NAME, NOTE, QUESTION

pytestmark = pytest.mark.django_db


def too_long(limit: int) -> str:
    return f"Maximaal {limit:,} tekens (u typte er {limit + 1:,}).".replace(",", ".")


def ask(actor, receiving, **overrides) -> ReverseQuestion:
    values = dict(
        receiving_organisation=receiving,
        parent={"name": "Ria Janssen", "date_of_birth": datetime.date(1985, 3, 3)},
        child_name_or_initials="L.",
        child_date_of_birth=timezone.localdate() - datetime.timedelta(days=365 * 9),
        phone_contact_date=timezone.localdate() - datetime.timedelta(days=1),
        phone_contact_with="Mw. Pluijmen, jeugdhulpverlener",
        asks_interventions=True,
        asks_kopp_kvo=False,
        question="Moeder is opgenomen; wij willen weten wat er voor L. loopt.",
        consent_parents=True,
        consent_note="Mondeling gegeven.",
    )
    values.update(overrides)
    return reverse_question_submit(actor=actor, **values)


def test_over_long_texts_are_refused_together_and_nothing_is_asked(clinician_actor, wijkteam):
    with pytest.raises(Incomplete) as caught:
        ask(
            clinician_actor, wijkteam,
            question="x" * (QUESTION + 1),
            consent_note="x" * (NOTE + 1),
            child_name_or_initials="x" * (NAME + 1),
        )
    assert caught.value.errors == {
        "question": too_long(QUESTION),
        "consent_note": too_long(NOTE),
        "child_name_or_initials": too_long(NAME),
    }
    assert not ReverseQuestion.objects.exists() and not ReverseQuestionEvent.objects.exists()
    assert not AuditEvent.objects.filter(event__startswith="reverse").exists()
    assert ask(clinician_actor, wijkteam, question="x" * QUESTION).question == "x" * QUESTION


def test_an_answer_over_the_limit_leaves_the_question_open(clinician_actor, wijkteam, requester):
    question = ask(clinician_actor, wijkteam)
    youth_care = actor_for(requester, wijkteam)
    with pytest.raises(Incomplete) as caught:
        reverse_question_answer(actor=youth_care, question=question, interventions="x" * (ANSWER + 1))
    assert caught.value.errors == {"interventions": too_long(ANSWER)}
    assert ReverseQuestion.objects.get().status == ReverseStatus.SUBMITTED
    assert ReverseQuestionEvent.objects.count() == 1
    answered = reverse_question_answer(actor=youth_care, question=question, interventions="x" * ANSWER)
    assert answered.answer_interventions == "x" * ANSWER
