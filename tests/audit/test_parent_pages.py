"""The parent access page ("Wie heeft gegevens van deze ouder ingezien?", R41) in keyset pages
(issue 11): oldest first by (time, seq), so no event is shown twice or skipped while events are
written between page loads, also when events share a moment or a later seq carries an earlier
time; a tampered link gives the first page; only the organisation's events of that one parent;
the count is capped; and what one page costs in queries does not grow with the log."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.selectors import PARENT_ORDER
from audit.views import PAGE_SIZE
from toolkid.actors import Actor
from toolkid.models import OrganisationKind, Role
from toolkid.pagination import CURSOR_PARAM

from .test_log_pages import PARENT_A, PARENT_B, TAMPERED, write

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("audit:parent_access")
A = {"ouder": PARENT_A}


def oldest_first(**filters) -> list[int]:
    return list(AuditEvent.objects.filter(**filters).order_by(*PARENT_ORDER).values_list("seq", flat=True))


def seqs(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [row.seq for row in response.context["rows"]]


def walk(client, between=None) -> list[int]:
    """Follow "Volgende" to the end, calling ``between()`` before each next page."""
    response = client.get(OVERVIEW, A)
    seen: list[int] = []
    while True:
        seen += seqs(response)
        next_url = response.context["page"].next_url
        if not next_url:
            return seen
        if between:
            between()
        response = client.get(OVERVIEW + next_url)


def test_pages_skip_nor_repeat_an_event_while_events_are_written(client_of, mondriaan, here, there):
    client = client_of()
    write(here, 70)
    write(there, 40)
    write(here, 30, parent=PARENT_B)
    write(here, 60)
    before = oldest_first(organisation=mondriaan, parent_ref=PARENT_A)

    def meanwhile():
        write(here, 7)
        write(here, 3, parent=PARENT_B)
        write(there, 5)

    # Oldest first: what is written while paging (the page loads' own SEARCH events about the
    # parent too) comes after the cursor, so the walk shows the events there were, each once,
    # in order, then what came since; never another parent's or another organisation's.
    seen = walk(client, between=meanwhile)
    assert len(seen) == len(set(seen)), "an event was shown twice"
    assert seen[: len(before)] == before
    assert seen == oldest_first(organisation=mondriaan, parent_ref=PARENT_A)[: len(seen)]
    assert len(before) > 2 * PAGE_SIZE


def test_events_of_one_moment_and_seqs_out_of_time_order_are_each_shown_once(client_of, mondriaan, here):
    client = client_of()
    moment = timezone.now() - dt.timedelta(minutes=1)
    with time_machine.travel(moment, tick=False):
        write(here, 70)  # 70 events of one moment: a page boundary falls inside them
    with time_machine.travel(moment - dt.timedelta(milliseconds=3), tick=False):
        write(here, 40)
    with time_machine.travel(moment + dt.timedelta(milliseconds=2), tick=False):
        write(here, 20)
    expected = oldest_first(organisation=mondriaan, parent_ref=PARENT_A)
    assert expected != sorted(expected)  # time order is not seq order here
    seen = walk(client)
    # After them, the page loads' own events about this parent (written now, so later).
    assert seen[: len(expected)] == expected
    assert len(seen) == len(set(seen))


def test_previous_leads_back_through_the_same_pages(client_of, here):
    client = client_of()
    write(here, 2 * PAGE_SIZE + 10)
    pages, response = [], client.get(OVERVIEW, A)
    while True:
        pages.append(seqs(response))
        if not response.context["page"].next_url:
            break
        response = client.get(OVERVIEW + response.context["page"].next_url)
    assert len(pages) == 3
    back = []
    while True:
        back.append(seqs(response))
        previous = response.context["page"].previous_url
        if not previous:
            break
        response = client.get(previous if previous.startswith("/") else OVERVIEW + previous)
    # Oldest first: the page loads' own events come at the end, so the way back is the same.
    assert back == list(reversed(pages))


@pytest.mark.parametrize("cursor", ["rommel", "WyJ2IiwgWzEsIDIsIDNdXQ:1abc:xyz", ""])
def test_a_tampered_cursor_gives_the_first_page_with_a_message(client_of, here, cursor):
    client = client_of()
    write(here, PAGE_SIZE + 20)
    first = seqs(client.get(OVERVIEW, A))
    good = client.get(OVERVIEW, A).context["page"].next_url.split(f"{CURSOR_PARAM}=")[1]
    token = cursor or good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")  # a changed signature
    response = client.get(OVERVIEW, {**A, CURSOR_PARAM: token})
    assert seqs(response) == first
    assert response.context["page"].previous_url == ""
    assert TAMPERED in response.content.decode()


def test_the_links_are_the_shared_ones_and_keep_the_parent(client_of, here):
    client = client_of()
    write(here, PAGE_SIZE + 20)
    response = client.get(OVERVIEW, A)
    html = response.content.decode()
    assert '<nav class="pagination" aria-label="Paginering">' in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    assert "Pagina 1 van" not in html  # no page numbers: nothing counts the whole record
    next_url = response.context["page"].next_url
    assert f"ouder={PARENT_A}".replace(":", "%3A") in next_url
    assert 'rel="prev"' in client.get(OVERVIEW + next_url).content.decode()


def test_the_count_is_capped(client_of, here, monkeypatch):
    monkeypatch.setattr("toolkid.pagination.COUNT_CAP", 30)
    client = client_of()
    write(here, 45)
    assert "Meer dan 30 gebeurtenissen, oudste eerst." in client.get(OVERVIEW, A).content.decode()
    write(here, 4, parent=PARENT_B)
    assert "4 gebeurtenissen, oudste eerst." in client.get(OVERVIEW, {"ouder": PARENT_B}).content.decode()


def test_each_page_load_names_the_events_it_showed(client_of, here):
    client = client_of()
    write(here, PAGE_SIZE + 5)
    shown = seqs(client.get(OVERVIEW, A))
    viewed = AuditEvent.objects.filter(event="audit.parent_report_viewed").order_by("-seq").first()
    assert viewed.parent_ref == PARENT_A
    assert (viewed.payload["rows"], viewed.payload["first_seq"], viewed.payload["last_seq"]) == (
        PAGE_SIZE, shown[0], shown[-1])


def _queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_query_count_does_not_grow_with_the_log(client_of, here, there):
    client = client_of()
    client.get(OVERVIEW, A)  # the session's first-visit work out of the way

    def counts() -> tuple[int, int]:
        first, response = _queries(client, f"{OVERVIEW}?ouder={PARENT_A}")
        second, _response = _queries(client, OVERVIEW + response.context["page"].next_url)
        return first, second

    write(here, PAGE_SIZE + 10)
    small = counts()
    for _ in range(6):
        write(here, 500)
        write(here, 300, parent=PARENT_B)
        write(there, 500)
    large = counts()
    assert small == large, (small, large)
    assert small[0] == small[1]  # a page further on costs what the first one does


@pytest.fixture
def client_of(verified_client, make_user, mondriaan):
    """A verified client of Mondriaan's beheerder."""
    beheerder = make_user((mondriaan, Role.BEHEERDER), username="beheer.mondriaan")
    return lambda: verified_client(beheerder)


@pytest.fixture
def here(clinician, mondriaan) -> Actor:
    return Actor(user=clinician, organisation=mondriaan, roles=frozenset({Role.ZORGVERLENER}),
                 ip_address="192.0.2.10")


@pytest.fixture
def there(make_user, make_organisation) -> Actor:
    other = make_organisation("Koraal", OrganisationKind.JEUGDHULP, "Kerkrade")
    colleague = make_user((other, Role.JEUGDHULPVERLENER), username="jeugd.koraal")
    return Actor(user=colleague, organisation=other, roles=frozenset({Role.JEUGDHULPVERLENER}),
                 ip_address="198.51.100.7")


def test_the_permission_is_asked_once_per_page_load(client_of, here):
    """The page checks its scope, then the report checks it again: one answer per request."""
    client = client_of()
    write(here, 3)
    client.get(OVERVIEW, A)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(OVERVIEW, A).status_code == 200
    permission_reads = [q for q in captured.captured_queries if '"auth_permission"' in q["sql"]]
    assert len(permission_reads) == 2, [q["sql"][:120] for q in permission_reads]  # user's, groups'
