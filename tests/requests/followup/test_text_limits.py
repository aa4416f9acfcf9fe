"""The follow-up's texts have a limit (toolkid/limits.py): each service refuses an over-long text
before it writes anything (no row, no timeline event, no audit event) and takes exactly the
limit. The Veilig Thuis reference used to be cut off silently at 50 characters; now it is refused
like any other text."""

from __future__ import annotations

import pytest
from django.utils import timezone

from requests.followup.secondary_use import secondary_use_submit
from requests.followup.services import (
    deviation_record,
    feedback_give,
    filing_approve,
    veilig_thuis_record,
)
from requests.models import (
    ApprovedFiling,
    Deviation,
    DeviationKind,
    Feedback,
    SecondaryPurpose,
    SecondaryUse,
    VeiligThuisEngagement,
)
from tests.requests.helpers import assert_refused
from toolkid.limits import ANSWER, MOTIVATION, NOTE, REFERENCE

pytestmark = pytest.mark.django_db


def too_long(limit: int) -> str:
    return f"Maximaal {limit:,} tekens (u typte er {limit + 1:,}).".replace(",", ".")


def test_feedback_over_the_limit_writes_nothing(answered, requester_actor):
    request = answered("C")

    def give(done: str):
        return feedback_give(actor=requester_actor, request=request, what_was_done=done, what_follows="Nee.")

    assert_refused(lambda: give("x" * (MOTIVATION + 1)), request, "what_was_done", too_long(MOTIVATION))
    assert not Feedback.objects.exists()
    give("x" * MOTIVATION)
    assert Feedback.objects.get().what_was_done == "x" * MOTIVATION


def test_the_text_of_a_secondary_use_has_the_answers_limit(answered, requester_actor):
    request = answered("A")

    def submit(text: str):
        return secondary_use_submit(
            actor=requester_actor, request=request, purpose=SecondaryPurpose.JUVENILE_COURT,
            description="Opnemen in het verzoek tot verlenging van de OTS.", text=text,
        )

    assert_refused(lambda: submit("x" * (ANSWER + 1)), request, "text", too_long(ANSWER))
    assert not SecondaryUse.objects.exists()
    assert submit("x" * ANSWER).text == "x" * ANSWER


def test_an_approval_note_over_the_limit_writes_nothing(answered, clinician_actor):
    request = answered("A")
    assert_refused(
        lambda: filing_approve(actor=clinician_actor, request=request, note="x" * (NOTE + 1)),
        request, "note", too_long(NOTE),
    )
    assert not ApprovedFiling.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "key", "limit"),
    [
        ({"reference": "V" * (REFERENCE + 1)}, "reference", REFERENCE),
        ({"note": "x" * (NOTE + 1)}, "note", NOTE),
    ],
    ids=["reference", "note"],
)
def test_veilig_thuis_texts_over_the_limit_are_refused_not_cut(
    refused, requester_actor, arguments, key, limit
):
    request = refused("B")
    assert_refused(
        lambda: veilig_thuis_record(
            actor=requester_actor, request=request, engaged_on=timezone.localdate(), safety_concerns=True,
            **arguments,
        ),
        request, key, too_long(limit),
    )
    assert not VeiligThuisEngagement.objects.exists()


def test_a_deviation_over_the_limit_is_not_recorded(answered, requester_actor):
    request = answered("A")
    assert_refused(
        lambda: deviation_record(
            actor=requester_actor, kind=DeviationKind.DUTY_SKIPPED, motivation="x" * (MOTIVATION + 1),
            request=request,
        ),
        request, "motivation", too_long(MOTIVATION),
    )
    assert not Deviation.objects.exists()
