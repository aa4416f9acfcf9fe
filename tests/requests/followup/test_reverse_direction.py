"""R3, the reverse direction: an adult-care clinician asks youth care which interventions are
deployed for a child and whether a KOPP/KVO offer fits. A shorter form; consent by the child's
age (L2: under 12 the parents; 12–15 the child and the parents; 16+ the child alone); the same
five-working-day deadline (R26, L1) and the same audit."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.http import Http404

from audit.models import AuditAction, AuditEvent, AuditOutcome
from requests.models import ReverseQuestion, ReverseQuestionEvent
from requests.reverse import rules as reverse_rules
from requests.reverse.selectors import reverse_get_for, reverse_questions_for
from requests.reverse.services import (
    reverse_question_acknowledge,
    reverse_question_answer,
    reverse_question_decline,
    reverse_question_submit,
    reverse_question_withdraw,
)
from requests.reverse.workflow import ReverseStatus
from requests.worklist.selectors import tasks_for
from tests.requests.helpers import actor_for
from toolkid.errors import IllegalMove, Incomplete
from toolkid.models import ClosureDay, OrganisationKind
from toolkid.working_calendar import explain_due_date

pytestmark = pytest.mark.django_db

AMS = ZoneInfo("Europe/Amsterdam")
TODAY = datetime.date(2026, 6, 15)  # a Monday
#: Born so that on TODAY the child is exactly this old (the birthday of the next age is tomorrow).
BORN = {
    11: datetime.date(2014, 6, 16),
    12: datetime.date(2014, 6, 15),
    15: datetime.date(2010, 6, 16),
    16: datetime.date(2010, 6, 15),
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=AMS), tick=False):
        yield


def ask(actor, receiving, *, age=9, consent_parents=True, consent_child=False, **overrides):
    values = dict(
        receiving_organisation=receiving,
        parent={"name": "Ria Janssen", "date_of_birth": datetime.date(1985, 3, 3)},
        child_name_or_initials="L.",
        child_date_of_birth=BORN.get(age, datetime.date(2017, 1, 1)),
        phone_contact_date=TODAY - datetime.timedelta(days=1),
        phone_contact_with="Mw. Pluijmen, jeugdhulpverlener",
        asks_interventions=True,
        asks_kopp_kvo=True,
        question="Moeder is opgenomen; wij willen weten wat er voor L. loopt.",
        consent_parents=consent_parents,
        consent_child=consent_child,
        consent_note="Mondeling gegeven in het gesprek van 12 juni.",
    )
    values.update(overrides)
    return reverse_question_submit(actor=actor, **values)


@pytest.mark.parametrize(
    ("age", "required"),
    [(11, {"ouders"}), (12, {"ouders", "kind"}), (15, {"ouders", "kind"}), (16, {"kind"})],
)
def test_l2_who_consents_by_age(age, required):
    assert reverse_rules.child_consent_required(age) == required
    assert reverse_rules.age_on(BORN[age], TODAY) == age


@pytest.mark.parametrize(
    ("age", "parents", "child", "missing"),
    [
        (11, True, False, set()),
        (11, False, True, {"consent_parents"}),
        (11, False, False, {"consent_parents"}),
        (12, True, False, {"consent_child"}),
        (12, False, True, {"consent_parents"}),
        (12, True, True, set()),
        (15, True, False, {"consent_child"}),
        (15, True, True, set()),
        (16, True, False, {"consent_child"}),
        (16, False, True, set()),
    ],
)
def test_l2_the_question_needs_the_consent_the_age_requires(
    age, parents, child, missing, clinician_actor, wijkteam
):
    if missing:
        with pytest.raises(Incomplete) as caught:
            ask(clinician_actor, wijkteam, age=age, consent_parents=parents, consent_child=child)
        assert set(caught.value.errors) == missing
        assert "toestemming" in str(next(iter(caught.value.errors.values())))  # L2
        assert not ReverseQuestion.objects.exists()
    else:
        question = ask(clinician_actor, wijkteam, age=age, consent_parents=parents, consent_child=child)
        assert question.child_age == age


def test_submitted_with_the_deadline_of_the_receiving_organisation_and_audited(clinician_actor, wijkteam):
    ClosureDay.objects.create(organisation=wijkteam, date=datetime.date(2026, 6, 17), reason="Teamdag")
    question = ask(clinician_actor, wijkteam)
    assert question.status == ReverseStatus.SUBMITTED
    assert question.reference == f"TKJ-2026-{question.pk:06d}"
    expected = explain_due_date(wijkteam, TODAY)
    assert question.due_date == expected.due == datetime.date(2026, 6, 23)  # five days, minus the closure
    assert question.due_explanation == expected.to_dict()
    # The client is the asking organisation's own record; the audit names it, never the child.
    assert question.parent.organisation == clinician_actor.organisation
    event = AuditEvent.objects.get(event="reverse_question.submitted")
    assert event.action == AuditAction.CREATE and event.parent_ref == question.parent.audit_ref
    assert "L." not in str(event.payload)


def test_the_shorter_form_still_asks_what_matters(clinician_actor, wijkteam, make_organisation):
    with pytest.raises(Incomplete) as caught:
        ask(
            clinician_actor,
            None,
            asks_interventions=False,
            asks_kopp_kvo=False,
            phone_contact_date=None,
            child_name_or_initials="",
            consent_note="",
            parent={"name": "", "date_of_birth": None},
        )
    assert set(caught.value.errors) >= {
        "receiving_organisation",
        "asks_interventions",
        "phone_contact_date",
        "child_name_or_initials",
        "consent_note",
        "parent_name",
        "parent_date_of_birth",
    }
    adult_care = make_organisation("GGZ Elders", OrganisationKind.VOLWASSENENZORG)
    with pytest.raises(Incomplete) as caught:
        ask(clinician_actor, adult_care)
    assert "receiving_organisation" in caught.value.errors
    with pytest.raises(Incomplete) as caught:
        ask(clinician_actor, wijkteam, child_date_of_birth=datetime.date(2007, 1, 1))
    assert "18" in str(caught.value.errors["child_date_of_birth"])


def test_only_an_adult_care_clinician_asks(requester_actor, teamleider_actor, wijkteam, mondriaan):
    with pytest.raises(PermissionDenied):
        ask(requester_actor, mondriaan)
    with pytest.raises(PermissionDenied):
        ask(teamleider_actor, wijkteam)
    assert (
        AuditEvent.objects.filter(event="reverse_question.submitted", outcome=AuditOutcome.DENIED).count()
        == 2
    )


def test_answered_by_youth_care_read_and_closed_by_the_asker(
    clinician_actor, requester_actor, wijkteam, wijkteam_teamleider
):
    question = ask(clinician_actor, wijkteam)
    assert question in tasks_for(requester_actor).reverse_questions
    seen = reverse_get_for(actor=requester_actor, public_id=question.public_id, purpose="detail")
    with pytest.raises(PermissionDenied):  # the asker does not answer
        reverse_question_answer(actor=clinician_actor, question=seen, interventions="x", kopp_kvo="y")
    with pytest.raises(PermissionDenied):  # the teamleider does not answer
        reverse_question_answer(
            actor=actor_for(wijkteam_teamleider, wijkteam), question=seen, interventions="x", kopp_kvo="y"
        )
    with pytest.raises(Incomplete) as caught:
        reverse_question_answer(
            actor=requester_actor, question=seen, interventions="Ambulante gezinsbegeleiding."
        )
    assert set(caught.value.errors) == {"kopp_kvo"}
    answered = reverse_question_answer(
        actor=requester_actor,
        question=seen,
        interventions="Ambulante gezinsbegeleiding, 2x per week.",
        kopp_kvo="Ja: de KOPP-groep voor kinderen van 8–12 jaar van Mondriaan Jeugd past.",
    )
    assert answered.status == ReverseStatus.ANSWERED and answered.answered_by == requester_actor.user
    transfer = AuditEvent.objects.get(event="reverse_question.answered", outcome=AuditOutcome.ALLOWED)
    assert transfer.action == AuditAction.TRANSFER
    with pytest.raises(IllegalMove):
        reverse_question_withdraw(actor=clinician_actor, question=answered, reason="Te laat.")
    closed = reverse_question_acknowledge(actor=clinician_actor, question=answered)
    assert closed.status == ReverseStatus.CLOSED
    kinds = list(ReverseQuestionEvent.objects.filter(question=question).values_list("kind", flat=True))
    assert kinds == ["submitted", "answered", "acknowledged"]


def test_declined_only_with_a_motivation_and_withdrawn_by_the_asker(
    clinician_actor, requester_actor, wijkteam
):
    question = ask(clinician_actor, wijkteam)
    with pytest.raises(Incomplete):
        reverse_question_decline(actor=requester_actor, question=question, motivation="")
    declined = reverse_question_decline(
        actor=requester_actor, question=question, motivation="Het kind is bij ons niet in zorg."
    )
    assert declined.status == ReverseStatus.DECLINED
    other = ask(clinician_actor, wijkteam)
    with pytest.raises(PermissionDenied):
        reverse_question_withdraw(actor=requester_actor, question=other, reason="x")
    assert (
        reverse_question_withdraw(
            actor=clinician_actor, question=other, reason="Al telefonisch besproken."
        ).status
        == ReverseStatus.WITHDRAWN
    )


def test_outsiders_see_nothing(clinician_actor, wijkteam, outsider_actor, outsider_requester):
    question = ask(clinician_actor, wijkteam)
    for outsider in (outsider_actor, actor_for(outsider_requester)):
        with pytest.raises(Http404):
            reverse_get_for(actor=outsider, public_id=question.public_id, purpose="detail")
        assert list(reverse_questions_for(outsider)) == []
    with pytest.raises(Http404):
        reverse_question_answer(
            actor=actor_for(outsider_requester), question=question, interventions="x", kopp_kvo="y"
        )
    denied = AuditEvent.objects.filter(event="reverse_question.read", outcome=AuditOutcome.DENIED)
    assert denied.count() == 2
