"""Fixtures of the filing pages' tests: the requester's signed-in client and the framework step's
answers (voluntary framework to Mondriaan, with the intended clinician)."""

from __future__ import annotations

import pytest

from requests.models import LegalFramework


@pytest.fixture
def client(verified_client, requester):
    return verified_client(requester)


@pytest.fixture
def framework(mondriaan, clinician) -> dict[str, str]:
    return {
        "legal_framework": LegalFramework.VOLUNTARY,
        "receiving_organisation": str(mondriaan.pk),
        "intended_clinician": str(clinician.pk),
    }
