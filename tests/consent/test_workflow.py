"""consent.workflow: valid → revoked, and no way back."""

from __future__ import annotations

import datetime

import pytest
from django_fsm import TransitionNotAllowed

from consent.models import ConsentDeclaration, ConsentStatus
from consent.workflow import TRANSITIONS


def test_the_only_move_is_valid_to_revoked():
    assert TRANSITIONS == (("revoke", (ConsentStatus.VALID,), ConsentStatus.REVOKED, "R12 R29 L2"),)
    transitions = {(t.name, t.source, t.target) for t in ConsentDeclaration().get_all_status_transitions()}
    assert transitions == {("revoke", ConsentStatus.VALID, ConsentStatus.REVOKED)}


def test_status_is_protected_and_revoked_is_final():
    declaration = ConsentDeclaration(
        given_on=datetime.date(2026, 1, 1), valid_until=datetime.date(2026, 12, 31)
    )
    with pytest.raises(AttributeError):
        declaration.status = ConsentStatus.REVOKED
    declaration.revoke()
    assert declaration.status == ConsentStatus.REVOKED
    with pytest.raises(TransitionNotAllowed):
        declaration.revoke()


def test_a_revoked_or_expired_declaration_cannot_carry_an_answer():
    declaration = ConsentDeclaration(
        given_on=datetime.date(2026, 1, 1), valid_until=datetime.date(2026, 6, 30)
    )
    assert declaration.is_usable_on(datetime.date(2026, 3, 1))
    assert not declaration.is_usable_on(datetime.date(2025, 12, 31))  # before it was given
    assert not declaration.is_usable_on(datetime.date(2026, 7, 1))  # expired
    assert declaration.is_expired_on(datetime.date(2026, 7, 1))
    declaration.revoke()
    assert not declaration.is_usable_on(datetime.date(2026, 3, 1))  # R29
