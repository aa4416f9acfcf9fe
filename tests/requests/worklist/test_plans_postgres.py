"""On PostgreSQL, the main list queries are served by indexes (issue 11): over 3,000 requests
of 60 organisations, ANALYZEd, the plans of the inbox, the outgoing list and the searches by
name and BSN read no table of requests or parents from end to end. A sequential scan is what
makes a list grow with every request the country ever filed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from requests.core.workflow import RequestStatus
from requests.filing import selectors as filing_selectors
from requests.handling import selectors as handling_selectors
from requests.models import InformationRequest, Parent
from toolkid.models import OrganisationKind, Role
from toolkid.pagination import PAGE_SIZE

from ..helpers import actor_for

S = RequestStatus
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ORGANISATIONS = 30  # on each side
PER_PAIR = 100  # 3,000 requests in all
#: Parents without a request here (Kindchecks, reverse questions, requests long erased): a
#: table of a few pages is read whole by any planner, so the parents table gets realistic bulk.
OTHER_PARENTS = 30_000
BIG_TABLES = ("requests_informationrequest", "requests_parent")
#: Most of a table is history: closed and withdrawn requests outnumber the open ones.
STATUSES = (S.CLOSED, S.CLOSED, S.CLOSED, S.WITHDRAWN, S.ANSWERED, S.SUBMITTED, S.IN_PROGRESS,
            S.CLOSED, S.REFUSED, S.CLOSED)
NAMES = ("Jan de Boer", "Anna Jansen", "Petra Smeets", "Kees Hermans", "Lotte Vermeulen",
         "Ruud Bemelmans", "Ine Claessens", "Bart Wetzels", "Sjef Lemmens")
#: A rare name: a search for it should find a handful of rows through the trigram index.
RARE = "Mirjam Quaedvlieg"


@pytest.fixture
def country(make_organisation, make_user):
    """60 organisations, 3,000 requests (each about its own parent) and 30,000 more parents,
    ANALYZEd; returns a
    clinician's and a requester's actor at one pair of them."""
    providers = [make_organisation(f"GGZ {i}", OrganisationKind.VOLWASSENENZORG, "Heerlen")
                 for i in range(ORGANISATIONS)]
    requesters = [make_organisation(f"Wijkteam {i}", OrganisationKind.WIJKTEAM, "Heerlen")
                  for i in range(ORGANISATIONS)]
    clinician = make_user((providers[0], Role.ZORGVERLENER), username="zorg.plan")
    requester = make_user((requesters[0], Role.JEUGDHULPVERLENER), username="jeugd.plan")
    today = dt.date.today()
    parents, rows, number = [], [], 0
    for asking in requesters:
        for _ in range(PER_PAIR):
            number += 1
            parents.append(Parent(organisation=asking, name=f"{NAMES[number % len(NAMES)]} {number}",
                                  date_of_birth=dt.date(1970 + number % 30, 1 + number % 12, 1 + number % 28),
                                  bsn=f"{number:09d}"))
    for parent in parents[::1000]:
        parent.name = RARE
    Parent.objects.bulk_create(parents, batch_size=2000)
    Parent.objects.bulk_create(
        (Parent(organisation=requesters[n % ORGANISATIONS], name=f"{NAMES[n % len(NAMES)]} {n}",
                date_of_birth=dt.date(1960 + n % 40, 1 + n % 12, 1 + n % 28)) for n in range(OTHER_PARENTS)),
        batch_size=5000,
    )
    number = 0
    for i, asking in enumerate(requesters):
        for j in range(PER_PAIR):
            parent = parents[number]
            number += 1
            rows.append(InformationRequest(
                reference=f"TK-2098-{number:06d}", status=STATUSES[number % len(STATUSES)],
                requesting_organisation=asking, requester=requester,
                # Each youth-care organisation asks a few providers; each provider hears from a few.
                receiving_organisation=providers[(i + j) % ORGANISATIONS],
                parent=parent, consent_path="ABC"[number % 3],
                due_date=today + dt.timedelta(days=number % 15 - 7),
            ))
    InformationRequest.objects.bulk_create(rows, batch_size=1000)
    with connection.cursor() as cursor:
        for table in (*BIG_TABLES, "toolkid_organisation"):
            cursor.execute(f"ANALYZE {table}")
    return actor_for(clinician, providers[0]), actor_for(requester, requesters[0])


def _assert_indexed(qs) -> str:
    plan = qs.explain()
    for table in BIG_TABLES:
        assert f"Seq Scan on {table}" not in plan, plan
    return plan


def _page(qs, order):
    return qs.order_by(*order)[: PAGE_SIZE + 1]


def test_the_inbox_is_an_index_range(country):
    clinician, _requester = country
    order = handling_selectors.INBOX_ORDER
    _assert_indexed(_page(handling_selectors.inbox_for(clinician), order))
    _assert_indexed(_page(handling_selectors.inbox_for(clinician, status=S.CLOSED), order))
    _assert_indexed(_page(handling_selectors.inbox_for(clinician, path="B", due_window="te_laat"), order))


def test_the_outgoing_list_is_an_index_range(country):
    _clinician, requester = country
    order = filing_selectors.OUTGOING_ORDER
    _assert_indexed(_page(filing_selectors.outgoing_for(requester), order))
    _assert_indexed(_page(filing_selectors.outgoing_for(requester, status=filing_selectors.EVERY), order))
    _assert_indexed(_page(filing_selectors.outgoing_for(requester, status=filing_selectors.FINISHED_FILTER),
                          order))


def test_searching_by_name_bsn_or_reference_reads_no_table_whole(country):
    clinician, requester = country
    for search in ({"text": "Quaedvl"}, {"text": "M.Q.", "born": "1978-09-09"}, {"bsn": "000000042"},
                   {"text": "TK-2098-0001"}):
        _assert_indexed(_page(handling_selectors.inbox_for(clinician, search=search),
                              handling_selectors.INBOX_ORDER))
        _assert_indexed(_page(filing_selectors.outgoing_for(requester, status=filing_selectors.EVERY,
                                                            search=search), filing_selectors.OUTGOING_ORDER))


def test_the_trigram_index_serves_a_name_fragment(country):
    # Across the table (no organisation to start from), a name fragment still uses the index.
    plan = _assert_indexed(Parent.objects.filter(name__icontains="quaedvl"))
    assert "requests_parent_name_trgm" in plan, plan


def test_the_inbox_of_one_state_is_read_in_its_order_not_sorted(country):
    # Closed requests are most of an organisation's history: a page of them must be the first
    # rows of an index range (requests_inbox_order_idx), not a sort of every closed request.
    clinician, _requester = country
    plan = _assert_indexed(_page(handling_selectors.inbox_for(clinician, status=S.CLOSED),
                                 handling_selectors.INBOX_ORDER))
    assert "requests_inbox_order_idx" in plan, plan
    assert "Sort" not in plan, plan
