"""On PostgreSQL, the parent access page (R41) reads the audit table through the index that
serves one parent and the page's order (issue 11): over 48,000 events of 60 organisations and
4,099 parents, written interleaved and ANALYZEd, every read of ``audit_auditevent`` a page load
runs (the rows and the capped count, the first page and one further on, for a beheerder and for
the functional administrator) is planned without a sequential scan and uses that index; the
functional administrator's rows are one range of it, the cursor in the index condition, no sort.
Without that index the planner reads the organisation's whole history, or every event, to find one parent's.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .test_log_plans_postgres import TABLE, country  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

OVERVIEW = reverse("audit:parent_access")
#: insert_events spreads its events over 4,099 parents: this one has 8 at each organisation.
PARENT = "ouder:00000000-0000-0000-0000-000000000007"
_READS_EVENTS = re.compile(rf'^SELECT .*\bFROM "{TABLE}"', re.DOTALL)


def _plans(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(OVERVIEW, {"ouder": PARENT})
        assert response.status_code == 200
        next_url = response.context["page"].next_url
        assert next_url
        assert client.get(OVERVIEW + next_url).status_code == 200
    reads = [q["sql"] for q in captured.captured_queries if _READS_EVENTS.match(q["sql"])]
    assert len(reads) == 4, reads  # rows and count, per page
    plans = []
    with connection.cursor() as cursor:
        for sql in reads:
            cursor.execute(f"EXPLAIN {sql}")
            plans.append("\n".join(row[0] for row in cursor.fetchall()))
    return plans


def test_the_pages_read_one_parents_events_through_its_index(verified_client, country, monkeypatch):  # noqa: F811
    monkeypatch.setattr("audit.parent_views.PAGE_SIZE", 3)  # a next page within one parent's events
    beheerder, admin = country
    for user in (beheerder, admin):
        for plan in _plans(verified_client(user)):
            assert f"Seq Scan on {TABLE}" not in plan, plan
            assert "audit_event_parent_time_idx" in plan, plan

    # All organisations: one range of the parent's index, read in its order; further on, the
    # cursor bounds the range. (A beheerder's rows may be the parent's range ANDed with the
    # organisation's and a sort of that one parent's few events there: bounded by the parent.)
    rows, _count, further, _count = _plans(verified_client(admin))
    for plan in (rows, further):
        assert "Index Scan using audit_event_parent_time_idx" in plan, plan
        assert "Sort" not in plan, plan
    index_condition = next(line for line in further.splitlines() if "Index Cond" in line)
    assert "parent_ref" in index_condition and "occurred_at >= " in index_condition, further
