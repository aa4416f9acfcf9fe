"""The number of queries of a list or a detail view does not grow with the number of requests."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from requests.core.access import request_get_for, status_for
from requests.filing.selectors import outgoing_for
from requests.handling.selectors import inbox_for

pytestmark = pytest.mark.django_db


def _render_rows(actor, rows) -> list[tuple]:
    """What a list row shows: parent initials, children, topics, organisations, clinician, state."""
    shown = []
    for row in rows:
        shown.append(
            (
                str(row.parent),
                [c.date_of_birth for c in row.children.all()],
                [t.get_topic_display() for t in row.topics.all()],
                row.requesting_organisation.name,
                row.receiving_organisation.name,
                str(row.assigned_clinician),
                status_for(actor, row).label,
            )
        )
    return shown


def _count(func) -> int:
    with CaptureQueriesContext(connection) as ctx:
        func()
    return len(ctx.captured_queries)


def _file(filed_request, n: int):
    return [filed_request(path) for path in ["A", "B", "C"] * (n // 3) + ["A"] * (n % 3)]


def test_inbox_and_outgoing_query_count_is_flat(filed_request, clinician_actor, requester_actor):
    _file(filed_request, 5)
    inbox_5 = _count(lambda: _render_rows(clinician_actor, inbox_for(clinician_actor)))
    outgoing_5 = _count(lambda: _render_rows(requester_actor, outgoing_for(requester_actor)))
    _file(filed_request, 45)
    assert len(list(inbox_for(clinician_actor))) == 50
    inbox_50 = _count(lambda: _render_rows(clinician_actor, inbox_for(clinician_actor)))
    outgoing_50 = _count(lambda: _render_rows(requester_actor, outgoing_for(requester_actor)))
    assert inbox_5 == inbox_50
    assert outgoing_5 == outgoing_50


def test_request_get_for_query_count_is_flat(filed_request, clinician_actor):
    first = _file(filed_request, 5)[0]

    def detail():
        request = request_get_for(actor=clinician_actor, pk_or_public_id=first.public_id, purpose="detail")
        _render_rows(clinician_actor, [request])
        return request.parent.name, request.consent_declaration.valid_until

    with_5 = _count(detail)
    _file(filed_request, 45)
    assert _count(detail) == with_5
