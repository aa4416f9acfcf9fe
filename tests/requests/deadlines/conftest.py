"""Fixtures for the deadline tests (R26, L1). The people around a request come from
tests/requests/conftest.py."""

from __future__ import annotations

import pytest

from toolkid.models import DecreeDay, User
from toolkid.workdays import DEFAULT_DECREE_DAYS


@pytest.fixture(autouse=True)
def decree_days(db) -> None:
    """The decree days the migration seeds (a transactional test elsewhere may have flushed
    them): 2 January 2026, 15 May 2026 (Friday after Ascension), 7 May 2027."""
    for day, description in DEFAULT_DECREE_DAYS.items():
        DecreeDay.objects.get_or_create(date=day, defaults={"description": description})


@pytest.fixture
def with_emails(requester, clinician, teamleider, beheerder, clinician2, legal_advisor) -> dict[str, User]:
    """Everyone around a request, with an e-mail address."""
    people = {
        "requester": requester,
        "clinician": clinician,
        "clinician2": clinician2,
        "teamleider": teamleider,
        "beheerder": beheerder,
        "jurist": legal_advisor,
    }
    for name, user in people.items():
        user.email = f"{name}@example.test"
        user.save(update_fields=["email"])
    return people
