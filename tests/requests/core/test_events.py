"""The request timeline's step kinds are one typed vocabulary (``RequestEventKind``), so R11's
hiding and the timeline's words cannot drift from what the services write."""

from __future__ import annotations

from requests.core.events import (
    MOTIVATION_HIDDEN_FROM_REQUESTER,
    REQUESTER_VISIBLE_EVENTS,
    RequestEventKind,
)
from requests.core.models import RequestEvent
from requests.followup.models import DutyKind


def test_the_kind_column_offers_exactly_the_typed_kinds():
    assert RequestEvent._meta.get_field("kind").choices == RequestEventKind.choices


def test_every_duty_has_a_done_and_a_skipped_step_with_the_duty_in_its_words():
    for duty in DutyKind:
        done = RequestEventKind.duty_done(duty)
        skipped = RequestEventKind.duty_skipped(duty)
        assert str(duty.label) in str(done.label)
        assert str(duty.label) in str(skipped.label)
    duty_kinds = {k for k in RequestEventKind if k.value.startswith(("duty_done.", "duty_skipped."))}
    assert len(duty_kinds) == 2 * len(DutyKind)


def test_r11_the_requester_never_reads_the_providers_deliberation():
    internal = {
        RequestEventKind.PARENT_CONSULTED,
        RequestEventKind.INTERNAL_CONSULTED,
        RequestEventKind.LEGAL_ADVICE_ASKED,
        RequestEventKind.LEGAL_ADVICE_GIVEN,
        RequestEventKind.DECIDED_PROVIDE,
        RequestEventKind.DECIDED_REFUSE,
        RequestEventKind.REFUSAL_REJECTED,
        RequestEventKind.ANSWER_SAVED,
    }
    assert not internal & REQUESTER_VISIBLE_EVENTS
    assert MOTIVATION_HIDDEN_FROM_REQUESTER == {RequestEventKind.REFUSAL_CONFIRMED}


def test_every_kind_has_dutch_words_of_its_own():
    labels = [str(kind.label) for kind in RequestEventKind]
    assert all(label and label != kind.value for label, kind in zip(labels, RequestEventKind, strict=True))
    assert len(set(labels)) == len(labels)
