"""The Audit page in keyset pages (issue 11): newest first by (time, seq), so no event is shown
twice or skipped while events are written between page loads, also when events share a moment
or a later seq carries an earlier time; a tampered link gives the first page; the filters and the
organisation's scope hold on every page; the count is capped; and what one page costs in queries
does not grow with the log."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.events import record_many
from audit.forms import AuditFilterForm
from audit.models import AuditAction, AuditEvent
from audit.selectors import LOG_ORDER, AuditScope, filter_events, scoped_events
from audit.views import PAGE_SIZE
from toolkid.actors import Actor
from toolkid.models import OrganisationKind, Role
from toolkid.pagination import CURSOR_PARAM

from .helpers import A_GROUND

pytestmark = pytest.mark.django_db

LOG = reverse("audit:log")
PARENT_A = f"ouder:{uuid.UUID(int=0xA)}"
PARENT_B = f"ouder:{uuid.UUID(int=0xB)}"
#: The clinician's reads only: not the SEARCH events the page loads write themselves.
READS = {"actie": "read"}
TAMPERED = "De link naar deze pagina klopte niet meer. U ziet de eerste pagina."


@pytest.fixture
def other_org(make_organisation):
    return make_organisation("Koraal", OrganisationKind.JEUGDHULP, "Kerkrade")


@pytest.fixture
def beheerder(make_user, mondriaan):
    return make_user((mondriaan, Role.BEHEERDER), username="beheer.mondriaan")


@pytest.fixture
def functional_admin(make_user):
    return make_user(username="fb.platform", is_functional_admin=True)


@pytest.fixture
def here(clinician, mondriaan) -> Actor:
    return Actor(user=clinician, organisation=mondriaan, roles=frozenset({Role.ZORGVERLENER}),
                 ip_address="192.0.2.10")


@pytest.fixture
def there(make_user, other_org) -> Actor:
    colleague = make_user((other_org, Role.JEUGDHULPVERLENER), username="jeugd.koraal")
    return Actor(user=colleague, organisation=other_org, roles=frozenset({Role.JEUGDHULPVERLENER}),
                 ip_address="198.51.100.7")


def write(actor: Actor, n: int, *, parent: str = PARENT_A, action: str = AuditAction.READ) -> None:
    """``n`` events of ``actor`` about ``parent``, in one batch (one moment, consecutive seqs)."""
    event = "request.read" if action == AuditAction.READ else "test.request_updated"
    record_many([
        {"actor": actor, "event": event, "action": action, "object_type": "requests.informationrequest",
         "object_id": str(i % 7), "parent_ref": parent, "ground": A_GROUND}
        for i in range(n)
    ])


def newest_first(**filters) -> list[int]:
    return list(AuditEvent.objects.filter(**filters).order_by(*LOG_ORDER).values_list("seq", flat=True))


def seqs(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [row.seq for row in response.context["rows"]]


def walk(client, params: dict | None = None, between=None) -> list[int]:
    """Follow "Volgende" to the end, calling ``between()`` before each next page."""
    response = client.get(LOG, params or {})
    seen: list[int] = []
    while True:
        seen += seqs(response)
        next_url = response.context["page"].next_url
        if not next_url:
            return seen
        if between:
            between()
        response = client.get(LOG + next_url)


# --- Keyset pages ------------------------------------------------------------------------------


def test_pages_skip_nor_repeat_an_event_while_events_are_written(
    verified_client, beheerder, mondriaan, here, there
):
    client = verified_client(beheerder)
    write(here, 70)
    write(there, 40)
    write(here, 60)
    before = newest_first(organisation=mondriaan)

    def meanwhile():
        write(here, 7)
        write(there, 5)

    # Each page load also writes its own SEARCH event at Mondriaan: an insert between loads too.
    seen = walk(client, between=meanwhile)
    assert len(seen) == len(set(seen)), "an event was shown twice"
    # Newest first: what is written while paging comes before the cursor, so the walk shows the
    # events there were, each once, in order; never another organisation's.
    assert seen == before
    assert len(seen) > 2 * PAGE_SIZE


def test_events_of_one_moment_and_seqs_out_of_time_order_are_each_shown_once(
    verified_client, beheerder, mondriaan, here
):
    client = verified_client(beheerder)
    moment = timezone.now() - dt.timedelta(minutes=1)
    with time_machine.travel(moment, tick=False):
        write(here, 70)  # 70 events of one moment: a page boundary falls inside them
    # Later seqs with an earlier time, as seqs drawn from a sequence without a lock may have.
    with time_machine.travel(moment - dt.timedelta(milliseconds=3), tick=False):
        write(here, 40)
    with time_machine.travel(moment + dt.timedelta(milliseconds=2), tick=False):
        write(here, 20)
    expected = newest_first(organisation=mondriaan)
    assert expected != sorted(expected, reverse=True)  # time order is not seq order here
    seen = walk(client)
    assert seen == expected


def test_previous_leads_back_through_the_same_pages(verified_client, beheerder, here):
    client = verified_client(beheerder)
    write(here, 2 * PAGE_SIZE + 10)
    # Reads only: the page's own SEARCH events would rightly add a page in front on the way back.
    pages, response = [], client.get(LOG, READS)
    while True:
        pages.append(seqs(response))
        if not response.context["page"].next_url:
            break
        response = client.get(LOG + response.context["page"].next_url)
    assert len(pages) == 3
    back = []
    while True:
        back.append(seqs(response))
        previous = response.context["page"].previous_url
        if not previous:
            break
        response = client.get(previous if previous.startswith("/") else LOG + previous)
    assert back == list(reversed(pages))


@pytest.mark.parametrize("cursor", ["rommel", "WyJ2IiwgWzEsIDIsIDNdXQ:1abc:xyz", ""])
def test_a_tampered_cursor_gives_the_first_page_with_a_message(verified_client, beheerder, here, cursor):
    client = verified_client(beheerder)
    write(here, PAGE_SIZE + 20)
    first = seqs(client.get(LOG, READS))
    good = client.get(LOG, READS).context["page"].next_url.split(f"{CURSOR_PARAM}=")[1]
    token = cursor or good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")  # a changed signature
    response = client.get(LOG, {**READS, CURSOR_PARAM: token})
    assert seqs(response) == first
    assert response.context["page"].previous_url == ""
    assert TAMPERED in response.content.decode()


def test_the_links_are_the_shared_ones_and_keep_the_filters(verified_client, beheerder, here, clinician):
    client = verified_client(beheerder)
    write(here, PAGE_SIZE + 20)
    params = {"van": "2020-01-01", "tot": "2099-12-31", "actie": "read", "gebruiker": clinician.username,
              "ouder": PARENT_A, "gevoeligheid": "gezondheid"}
    response = client.get(LOG, params)
    html = response.content.decode()
    assert '<nav class="pagination" aria-label="Paginering">' in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    next_url = response.context["page"].next_url
    for name, value in params.items():
        assert f"{name}={value}".replace(":", "%3A") in next_url, (name, next_url)
    assert 'rel="prev"' in client.get(LOG + next_url).content.decode()


def test_filters_hold_on_every_page(verified_client, beheerder, mondriaan, here, there, clinician):
    client = verified_client(beheerder)
    for _ in range(3):
        write(here, 30)
        write(here, 20, parent=PARENT_B)
        write(here, 15, action=AuditAction.UPDATE)
        write(there, 25)
    params = {"actie": "read", "ouder": PARENT_A, "gebruiker": clinician.username,
              "grondslag": "kader:vrijwillig", "gevoeligheid": "gezondheid"}
    form = AuditFilterForm.from_query(_query(params))
    assert form.is_valid(), form.errors
    expected = list(
        filter_events(scoped_events(AuditScope(organisation=mondriaan)), **form.selection())
        .order_by(*LOG_ORDER).values_list("seq", flat=True)
    )
    assert len(expected) == 90 and len(expected) < AuditEvent.objects.filter(organisation=mondriaan).count()
    assert walk(client, params) == expected


def test_the_count_is_capped(verified_client, beheerder, here, monkeypatch):
    monkeypatch.setattr("toolkid.pagination.COUNT_CAP", 30)
    client = verified_client(beheerder)
    write(here, 45)
    assert "Meer dan 30 gebeurtenissen gevonden, nieuwste eerst." in client.get(LOG).content.decode()
    html = client.get(LOG, {"ouder": PARENT_B}).content.decode()
    assert "Geen gebeurtenissen in deze selectie." in html


def test_each_page_load_names_the_events_it_showed(verified_client, beheerder, mondriaan, here):
    client = verified_client(beheerder)
    write(here, PAGE_SIZE + 5)
    response = client.get(LOG)
    shown = seqs(response)
    search = AuditEvent.objects.filter(event="audit.searched").order_by("-seq").first()
    assert (search.payload["rows"], search.payload["first_seq"], search.payload["last_seq"]) == (
        PAGE_SIZE, shown[0], shown[-1])


# --- What a page costs -------------------------------------------------------------------------


def _queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_the_query_count_does_not_grow_with_the_log(verified_client, beheerder, here, there):
    client = verified_client(beheerder)
    client.get(LOG)  # the session's first-visit work out of the way

    def counts() -> tuple[int, int]:
        # Reads only, so that both scales show the same kinds of object (one query per kind).
        first, response = _queries(client, f"{LOG}?actie=read")
        second, _response = _queries(client, LOG + response.context["page"].next_url)
        return first, second

    write(here, PAGE_SIZE + 10)
    small = counts()
    for _ in range(6):
        write(here, 500)
        write(there, 500)
    large = counts()
    assert small == large, (small, large)
    assert small[0] == small[1]  # a page further on costs what the first one does


def _query(params: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(params)
    return query
