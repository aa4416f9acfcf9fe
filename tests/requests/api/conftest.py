"""What the write API's tests share: a connected system per organisation, acting for a person."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import api_client

from ..helpers import PATH_C_FIELDS, QUESTIONS

API = "/api/v1"


def draft_body(receiving_name: str, **overrides: Any) -> dict[str, Any]:
    """A complete path-C request as an API client sends it (R6 phone call first, R32/R33)."""
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    body: dict[str, Any] = {
        "telefonischContact": {"datum": yesterday.isoformat(), "met": "Dhr. P. Smeets, behandelaar"},
        "ouder": {"naam": "Sanne de Vries", "geboortedatum": "1988-04-02", "bsn": "111222333"},
        "kinderen": [{"naamOfInitialen": "N.", "geboortedatum": "2016-09-01"}],
        "ontvangendeOrganisatie": receiving_name,
        "wettelijkKader": "conflict_van_plichten",
        "ernst": "vermoeden_kindermishandeling",
        "reden": "School meldt blauwe plekken bij Noor.",
        "vragen": [{"onderwerp": "a", "vraag": QUESTIONS["a"]}, {"onderwerp": "c", "vraag": QUESTIONS["c"]}],
        "geenOordeelOverOuderschap": True,
        "toestemmingspad": "C",
        "padC": {
            "waaromNietGevraagd": PATH_C_FIELDS["c_why_not_asked"],
            "waaromNodig": PATH_C_FIELDS["c_why_necessary"],
        },
    }
    body.update(overrides)
    return body


@pytest.fixture
def client_for(connected_system):
    """``client_for(organisation, username)``: that organisation's system acting for that person
    (one system per organisation, made once)."""
    systems: dict[int, tuple[Any, str]] = {}

    def make(organisation, username):
        if organisation.pk not in systems:
            # Throttling is the kernel's test; the walks here make hundreds of calls a minute.
            systems[organisation.pk] = connected_system(
                organisation, writes_per_minute=100_000, reads_per_minute=100_000
            )
        return api_client(systems[organisation.pk][1], username)

    make.system_of = lambda organisation: systems[organisation.pk][0]
    return make


def act(client, public_id, action: str, body: dict | None = None, *, etag: str | None):
    headers = {"HTTP_IF_MATCH": etag} if etag is not None else {}
    return client.post(f"{API}/verzoeken/{public_id}/acties/{action}", body or {}, format="json", **headers)
