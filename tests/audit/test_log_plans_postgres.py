"""On PostgreSQL, the Audit page reads the audit table through indexes (issue 11): over 48,000
events of 60 organisations, written interleaved as they are in life and ANALYZEd, every query a
page load runs on ``audit_auditevent`` (the rows and the capped count, the first page and one
further on, with and without filters) is planned without a sequential scan of it; a beheerder's
rows are one range of (organisation, occurred_at, seq), with the cursor in the index condition
and no sort. A sequential scan, or a walk down the time index discarding the other
organisations' rows, is what makes the page grow with every event the country ever logged.

One fixture, one test: building the table takes most of a minute.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from toolkid.actors import Actor
from toolkid.models import OrganisationKind, Role

from .helpers import insert_events

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

LOG = reverse("audit:log")
ORGANISATIONS = 60
#: Events per organisation per round; the rounds interleave the organisations in time.
BATCH, ROUNDS = 100, 8
TABLE = "audit_auditevent"
#: A statement that reads the audit table (not the INSERT of the page's own SEARCH event).
_READS_EVENTS = re.compile(rf'^SELECT .*\bFROM "{TABLE}"', re.DOTALL)


@pytest.fixture
def country(make_organisation, make_user, mondriaan):
    """Mondriaan and 59 other organisations, 800 events each, ANALYZEd; Mondriaan's beheerder
    and the functional administrator."""
    others = [make_organisation(f"Organisatie {i}", OrganisationKind.WIJKTEAM, "Heerlen")
              for i in range(ORGANISATIONS - 1)]
    actors = []
    for i, organisation in enumerate([mondriaan, *others]):
        user = make_user((organisation, Role.ZORGVERLENER), username=f"zorg.{i}")
        actors.append(Actor(user=user, organisation=organisation, roles=frozenset({Role.ZORGVERLENER}),
                            ip_address="192.0.2.10"))
    for _round in range(ROUNDS):
        for actor in actors:
            insert_events(actor, BATCH)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {TABLE}")
    beheerder = make_user((mondriaan, Role.BEHEERDER), username="beheer.plan")
    admin = make_user(username="fb.plan", is_functional_admin=True)
    return beheerder, admin


def _plans(client, params: dict) -> list[str]:
    """The plans of the page's reads of the audit table, on its first page and the next."""
    plans = []
    with CaptureQueriesContext(connection) as captured:
        response = client.get(LOG, params)
        assert response.status_code == 200
        next_url = response.context["page"].next_url
        if next_url:  # a narrow selection (one parent) fits on one page
            assert client.get(LOG + next_url).status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if _READS_EVENTS.match(q["sql"])]
    assert len(reads) == (4 if next_url else 2), reads  # rows and count, per page
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


#: Filters a beheerder pages with: none, an action, a period with sensitivity and purpose, a parent.
SELECTIONS = (
    {},
    {"actie": "read"},
    {"van": "2020-01-01", "tot": "2099-12-31", "gevoeligheid": "gezondheid", "doel": "behandelen"},
    {"ouder": "ouder:00000000-0000-0000-0000-000000000007"},
)


def test_the_pages_read_the_audit_table_through_indexes(verified_client, country):
    beheerder, admin = country
    client = verified_client(beheerder)
    for params in SELECTIONS:
        for plan in _plans(client, params):
            assert f"Seq Scan on {TABLE}" not in plan, (params, plan)

    # A beheerder's rows: one range of the organisation's index, read in its order; further on,
    # the cursor bounds the range (occurred_at <= the cursor's time) instead of a filter.
    rows, count, further, _count = _plans(client, {})
    for plan in (rows, further):
        assert "Index Scan Backward using audit_event_org_time_seq_idx" in plan, plan
        assert "Sort" not in plan, plan
    index_condition = next(line for line in further.splitlines() if "Index Cond" in line)
    assert "occurred_at <= " in index_condition, further
    assert "audit_event_org_time_seq_idx" in count, count

    # The functional administrator's rows: the time index, from the cursor on.
    rows, _count, further, _count = _plans(verified_client(admin), {})
    for plan in (rows, further):
        assert f"Seq Scan on {TABLE}" not in plan, plan
        assert "audit_auditevent_occurred_at" in plan, plan
