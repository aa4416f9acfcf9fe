"""The lists that scale (issue 11): keyset pages that neither skip nor repeat a row while
requests are filed between page loads, a tampered link that gives the first page, filters and
the posted search that narrow and never reach another organisation, one parent read logged
per parent on the page, and query counts that do not grow with the rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from requests.core.audit_codes import RequestAuditCode
from requests.core.workflow import RequestStatus
from requests.kindcheck.models import Kindcheck
from requests.models import InformationRequest, Parent
from tests.conftest import verify_client
from toolkid.models import Notification, NotificationKind
from toolkid.pagination import CURSOR_PARAM, PAGE_SIZE

from .bulk import bulk_requests

S = RequestStatus
pytestmark = pytest.mark.django_db

INBOX = reverse("requests:inbox")
OUTGOING = reverse("requests:outgoing")


@pytest.fixture
def inbox_client(clinician) -> Client:
    return verify_client(Client(), clinician)


@pytest.fixture
def outgoing_client(requester) -> Client:
    return verify_client(Client(), requester)


@pytest.fixture
def to_mondriaan(wijkteam, requester, mondriaan, clinician):
    """``to_mondriaan(n, **kw)``: n requests from Wijkteam Heerlen to Mondriaan."""
    def make(n: int, **kwargs):
        kwargs.setdefault("clinician", clinician)
        return bulk_requests(n, requesting=wijkteam, requester=requester, receiving=mondriaan, **kwargs)
    return make


@pytest.fixture
def elsewhere(make_organisation, make_user, other_provider, other_wijkteam, outsider_requester):
    """``elsewhere(n, **kw)``: n requests between two other organisations."""
    def make(n: int, **kwargs):
        return bulk_requests(n, requesting=other_wijkteam, requester=outsider_requester,
                             receiving=other_provider, **kwargs)
    return make


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.status_code
    return [row.pk for row in response.context["page"].rows]


def _walk(client: Client, url: str, between=None) -> list[int]:
    """Follow "Volgende" to the end, calling ``between()`` before each next page."""
    seen: list[int] = []
    response = client.get(url)
    while True:
        seen += _ids(response)
        next_url = response.context["page"].next_url
        if not next_url:
            return seen
        if between:
            between()
        response = client.get(url.split("?")[0] + next_url)


# --- Pagination --------------------------------------------------------------------------------


def test_inbox_pages_skip_nor_repeat_a_row_while_requests_arrive(inbox_client, to_mondriaan):
    first = {r.pk for r in to_mondriaan(60)}
    arrived: set[int] = set()
    seen = _walk(inbox_client, INBOX, between=lambda: arrived.update(r.pk for r in to_mondriaan(5)))
    assert len(seen) == len(set(seen)), "a row was shown twice"
    assert first <= set(seen), f"rows skipped: {first - set(seen)}"
    assert set(seen) <= first | arrived
    assert len(seen) > PAGE_SIZE * 2  # it did walk several pages


def test_outgoing_pages_skip_nor_repeat_a_row_while_requests_are_filed(outgoing_client, to_mondriaan):
    first = {r.pk for r in to_mondriaan(70)}
    seen = _walk(outgoing_client, OUTGOING, between=lambda: to_mondriaan(3))
    assert len(seen) == len(set(seen))
    # Newest first: requests filed while paging come before the cursor, so the walk shows the
    # original rows, each once, newest first.
    assert set(seen) == first
    assert seen == sorted(seen, reverse=True)


def test_previous_leads_back_through_the_same_pages(inbox_client, to_mondriaan):
    to_mondriaan(60)
    pages = []
    response = inbox_client.get(INBOX)
    while True:
        pages.append(_ids(response))
        if not response.context["page"].next_url:
            break
        response = inbox_client.get(INBOX + response.context["page"].next_url)
    assert len(pages) == 3
    back = []
    while True:
        back.append(_ids(response))
        previous = response.context["page"].previous_url
        if not previous:
            break
        response = inbox_client.get(previous if previous.startswith("/") else INBOX + previous)
    assert back == list(reversed(pages))


def test_the_links_are_accessible_and_keep_the_filters(inbox_client, to_mondriaan):
    to_mondriaan(60, path="B")
    html = inbox_client.get(INBOX, {"path": "B"}).content.decode()
    assert '<nav class="pagination" aria-label="Paginering">' in html
    assert 'rel="next"' in html and 'rel="prev"' not in html
    next_url = inbox_client.get(INBOX, {"path": "B"}).context["page"].next_url
    assert "path=B" in next_url and f"{CURSOR_PARAM}=" in next_url
    assert 'rel="prev"' in inbox_client.get(INBOX + next_url).content.decode()


@pytest.mark.parametrize("cursor", ["rommel", "WyJ2IiwgWzEsIDIsIDNdXQ:1abc:xyz", ""])
def test_a_tampered_cursor_gives_the_first_page_with_a_message(inbox_client, to_mondriaan, cursor):
    to_mondriaan(40)
    first = _ids(inbox_client.get(INBOX))
    good = inbox_client.get(INBOX).context["page"].next_url.split(f"{CURSOR_PARAM}=")[1]
    token = cursor or good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")  # a changed signature
    response = inbox_client.get(INBOX, {CURSOR_PARAM: token})
    assert response.status_code == 200
    assert _ids(response) == first
    assert "De link naar deze pagina klopte niet meer. U ziet de eerste pagina." in response.content.decode()


def test_counts_are_capped_not_counted_over_the_whole_history(outgoing_client, to_mondriaan, monkeypatch):
    monkeypatch.setattr("toolkid.pagination.COUNT_CAP", 30)
    to_mondriaan(45)
    html = outgoing_client.get(OUTGOING).content.decode()
    assert "meer dan 30 verzoeken" in html


# --- Logging (L5): one READ per parent shown, only the page's -----------------------------------


def test_only_the_parents_on_the_page_are_logged_as_read(inbox_client, to_mondriaan):
    to_mondriaan(60)
    before = AuditEvent.objects.filter(event=RequestAuditCode.PARENT_SHOWN_IN_LIST).count()
    page = inbox_client.get(INBOX).context["page"]
    logged = AuditEvent.objects.filter(event=RequestAuditCode.PARENT_SHOWN_IN_LIST).order_by("pk")[before:]
    assert sorted(e.parent_ref for e in logged) == sorted(r.parent.audit_ref for r in page.rows)
    assert len(page.rows) == PAGE_SIZE


@pytest.mark.parametrize("url,who,code", [
    (INBOX, "clinician", RequestAuditCode.INBOX_LISTED),
    (OUTGOING, "requester", RequestAuditCode.OUTGOING_LISTED),
    (reverse("home"), "clinician", RequestAuditCode.TODAY_LISTED),
])
def test_a_list_page_writes_its_search_and_its_reads_in_one_insert(
    url, who, code, clinician, requester, to_mondriaan
):
    # Issue 11: one audit write per list page, not one for the SEARCH and another for the READs;
    # both are still logged (L5), the SEARCH first.
    to_mondriaan(3, status=S.SUBMITTED)
    client = verify_client(Client(), {"clinician": clinician, "requester": requester}[who])
    client.get(url)
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    inserts = [q for q in captured.captured_queries if q["sql"].startswith('INSERT INTO "audit_auditevent"')]
    assert len(inserts) == 1, [q["sql"][:80] for q in inserts]
    written = list(AuditEvent.objects.filter(seq__gt=last).order_by("seq").values_list("event", flat=True))
    assert written[0] == code
    assert written[1:] == [RequestAuditCode.PARENT_SHOWN_IN_LIST] * 3


@pytest.mark.parametrize("url,who", [(INBOX, "clinician"), (OUTGOING, "requester")])
def test_a_request_list_reads_no_children_or_questions(url, who, clinician, requester, to_mondriaan):
    # No list shows them: reading them would be two queries a page for nothing (issue 11).
    to_mondriaan(3, status=S.SUBMITTED)
    client = verify_client(Client(), {"clinician": clinician, "requester": requester}[who])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert len(response.context["page"].rows) == 3
    read = " ".join(q["sql"] for q in captured.captured_queries)
    assert 'FROM "requests_child"' not in read and 'FROM "requests_requestedtopic"' not in read


# --- Outgoing: open by default ----------------------------------------------------------------


def test_outgoing_shows_open_requests_and_finished_ones_behind_a_filter(outgoing_client, to_mondriaan):
    open_ = {r.pk for r in to_mondriaan(4, statuses=[S.SUBMITTED, S.ANSWERED])}
    done = {r.pk for r in to_mondriaan(4, statuses=[S.CLOSED, S.WITHDRAWN])}
    response = outgoing_client.get(OUTGOING)
    assert set(_ids(response)) == open_
    assert "Afgerond tonen" in response.content.decode()
    assert set(_ids(outgoing_client.get(OUTGOING, {"status": "afgerond"}))) == done
    assert set(_ids(outgoing_client.get(OUTGOING, {"status": "alle"}))) == open_ | done


def test_outgoing_in_progress_includes_a_refusal_still_waiting_unseen(outgoing_client, to_mondriaan):
    # R11: the requester sees a refusal waiting for a second person as "In behandeling".
    waiting = {r.pk for r in to_mondriaan(2, status=S.REFUSAL_PENDING)}
    handled = {r.pk for r in to_mondriaan(2, status=S.IN_PROGRESS)}
    to_mondriaan(2, status=S.SUBMITTED)
    response = outgoing_client.get(OUTGOING, {"status": S.IN_PROGRESS})
    assert set(_ids(response)) == waiting | handled
    assert str(S.REFUSAL_PENDING.label) not in response.content.decode()


# --- Filters ---------------------------------------------------------------------------------


def test_inbox_filters_narrow(inbox_client, to_mondriaan, clinician, make_organisation, make_user, mondriaan):
    rows = to_mondriaan(10, path="A") + to_mondriaan(6, path="C", status=S.IN_PROGRESS)
    today = timezone.localdate()
    by = {r.pk: r for r in rows}

    def shown(**params) -> set[int]:
        return set(_ids(inbox_client.get(INBOX, params)))

    assert shown(path="C") == {pk for pk, r in by.items() if r.consent_path == "C"}
    assert shown(status=S.IN_PROGRESS) == {pk for pk, r in by.items() if r.status == S.IN_PROGRESS}
    assert shown(clinician=clinician.pk) == {pk for pk, r in by.items() if r.assigned_clinician_id}
    assert shown(due_window="te_laat") == {pk for pk, r in by.items() if r.due_date < today}
    assert shown(due_window="vandaag") == {pk for pk, r in by.items() if r.due_date == today}
    sunday = today + dt.timedelta(days=6 - today.weekday())
    assert shown(due_window="deze_week") == {pk for pk, r in by.items() if today <= r.due_date <= sunday}

    gi = make_organisation("Bureau Jeugdzorg Limburg", "gi", "Maastricht")
    gi_user = make_user((gi, "jeugdhulpverlener"), username="gi.jeugd")
    from_gi = {r.pk for r in bulk_requests(3, requesting=gi, requester=gi_user, receiving=mondriaan)}
    assert shown(organisation=gi.pk) == from_gi


def test_outgoing_filters_narrow(outgoing_client, to_mondriaan, requester, wijkteam, other_provider):
    to_mondriaan(5, path="A")
    to_b = {r.pk for r in to_mondriaan(3, path="B")}
    elsewhere = {r.pk for r in bulk_requests(4, requesting=wijkteam, requester=requester,
                                             receiving=other_provider)}
    assert set(_ids(outgoing_client.get(OUTGOING, {"path": "B"}))) == to_b
    assert set(_ids(outgoing_client.get(OUTGOING, {"organisation": other_provider.pk}))) == elsewhere


def test_filters_never_show_another_organisations_request(inbox_client, to_mondriaan, elsewhere):
    ours = {r.pk for r in to_mondriaan(5)}
    theirs = {r.pk for r in elsewhere(5)}
    for params in ({}, {"status": S.SUBMITTED}, {"path": "A"}, {"due_window": "te_laat"}):
        shown = set(_ids(inbox_client.get(INBOX, params)))
        assert shown <= ours and not shown & theirs


# --- Search (posted; the terms never in the URL) ---------------------------------------------


def _search(client: Client, url: str, **terms):
    response = client.post(url, terms)
    assert response.status_code == 302, response.content.decode()[:2000]
    location = response["Location"]
    for value in terms.values():
        if value and len(str(value)) > 3:
            assert str(value) not in location  # a name, birth date or BSN stays out of the URL
    return client.get(location)


def test_search_by_reference_name_initials_and_bsn(inbox_client, to_mondriaan, elsewhere):
    rows = to_mondriaan(8, names=["Anna Jansen", "Jan de Boer"])
    special = to_mondriaan(1, names=["Mirjam Quaedvlieg"], born=dt.date(1979, 7, 14), bsn="111222333")[0]
    # The same parent name and BSN at two other organisations: never found from here.
    elsewhere(3, names=["Mirjam Quaedvlieg"], born=dt.date(1979, 7, 14), bsn="111222333")

    assert _ids(_search(inbox_client, INBOX, text=rows[3].reference)) == [rows[3].pk]
    prefix = rows[0].reference[:-1]
    assert rows[0].pk in _ids(_search(inbox_client, INBOX, text=prefix.lower()))
    assert _ids(_search(inbox_client, INBOX, text="quaedv")) == [special.pk]
    assert _ids(_search(inbox_client, INBOX, text="M.Q.", born="1979-07-14")) == [special.pk]
    assert _ids(_search(inbox_client, INBOX, text="M.Q.", born="1979-07-15")) == []
    assert _ids(_search(inbox_client, INBOX, bsn="1112.22.333")) == [special.pk]
    jansen = {r.pk for r in rows if r.parent.name == "Anna Jansen"}
    assert set(_ids(_search(inbox_client, INBOX, text="Jansen"))) == jansen


def test_search_keeps_the_filters_and_the_search_goes_along_to_the_next_page(inbox_client, to_mondriaan):
    to_mondriaan(40, names=["Anna Jansen"], path="B")
    to_mondriaan(10, names=["Anna Jansen"], path="A")
    response = inbox_client.post(INBOX + "?path=B", {"text": "Jansen"})
    location = response["Location"]
    assert "path=B" in location and "zoek=" in location
    page1 = inbox_client.get(location)
    page2 = inbox_client.get(INBOX + page1.context["page"].next_url)
    shown = _ids(page1) + _ids(page2)
    assert len(shown) == 40
    assert all(InformationRequest.objects.get(pk=pk).consent_path == "B" for pk in shown)


def test_a_wrong_bsn_or_initials_without_birth_date_are_explained(inbox_client, to_mondriaan):
    to_mondriaan(3)
    response = inbox_client.post(INBOX, {"bsn": "123456789"})
    assert response.status_code == 400
    assert "Dit is geen geldig BSN" in response.content.decode()
    response = inbox_client.post(INBOX, {"text": "J.B."})
    assert response.status_code == 400
    assert "Vul bij voorletters ook de geboortedatum in." in response.content.decode()


def test_outgoing_search_finds_only_own_organisations_requests(outgoing_client, to_mondriaan, elsewhere):
    ours = to_mondriaan(2, names=["Petra Smeets"])
    elsewhere(2, names=["Petra Smeets"])
    assert set(_ids(_search(outgoing_client, OUTGOING, text="Smeets"))) == {r.pk for r in ours}


def test_an_unknown_search_token_searches_nothing(inbox_client, to_mondriaan):
    rows = to_mondriaan(3)
    # Another session's token (or an expired one) does not narrow, and shows nothing it should not.
    assert set(_ids(inbox_client.get(INBOX, {"zoek": "onbekend"}))) == {r.pk for r in rows}


# --- Query counts do not grow with the rows ----------------------------------------------------


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


@pytest.fixture
def five_parents(wijkteam) -> list[Parent]:
    """The parents the query-count tests' requests are about: every page logs one READ per
    parent shown (L5), so the same five parents at both sizes leave only the list's own
    queries to compare."""
    return Parent.objects.bulk_create(
        Parent(organisation=wijkteam, name=f"Ouder {i} Test", date_of_birth=dt.date(1980, 1, 1 + i))
        for i in range(5)
    )


@pytest.mark.parametrize("url,who", [(INBOX, "clinician"), (INBOX, "teamleider"), (OUTGOING, "requester")])
def test_request_lists_take_as_many_queries_with_5_as_with_60_requests(
    url, who, clinician, teamleider, requester, to_mondriaan, five_parents, django_assert_num_queries
):
    client = verify_client(Client(), {"clinician": clinician, "teamleider": teamleider,
                                      "requester": requester}[who])
    client.get(url)  # warm the session
    to_mondriaan(5, parents=five_parents)
    five = _queries(client, url)
    to_mondriaan(55, parents=five_parents)
    with django_assert_num_queries(five):
        response = client.get(url)
    assert len(response.context["page"].rows) == PAGE_SIZE


def test_refusals_take_as_many_queries_with_5_as_with_60(teamleider, clinician, to_mondriaan, five_parents,
                                                          django_assert_num_queries):
    client = verify_client(Client(), teamleider)
    url = reverse("requests:refusals")
    client.get(url)
    now = timezone.now()
    for batch in (5, 55):
        pks = [r.pk for r in to_mondriaan(batch, status=S.REFUSAL_PENDING, parents=five_parents)]
        InformationRequest.objects.filter(pk__in=pks).update(decided_by=clinician, decided_at=now)
        if batch == 5:
            five = _queries(client, url)
            assert len(client.get(url).context["page"].rows) == 5
    with django_assert_num_queries(five):
        response = client.get(url)
    assert len(response.context["page"].rows) == PAGE_SIZE


# --- The other lists page the same way --------------------------------------------------------


def test_kindchecks_page_with_as_many_queries_at_5_as_at_60(clinician, mondriaan, five_parents,
                                                            django_assert_num_queries):
    client = verify_client(Client(), clinician)
    url = reverse("requests:kindcheck_list")
    client.get(url)
    today = timezone.localdate()

    def checks(n: int) -> set[int]:
        return {k.pk for k in Kindcheck.objects.bulk_create(
            Kindcheck(organisation=mondriaan, clinician=clinician, parent=five_parents[i % 5],
                      checked_on=today - dt.timedelta(days=i % 9)) for i in range(n))}

    made = checks(5)
    five = _queries(client, url)
    made |= checks(55)
    with django_assert_num_queries(five):
        client.get(url)
    assert sorted(_walk(client, url)) == sorted(made)


def test_notifications_page_with_as_many_queries_at_5_as_at_60(clinician, mondriaan,
                                                               django_assert_num_queries):
    client = verify_client(Client(), clinician)
    url = reverse("notifications")
    client.get(url)

    def notes(n: int, start: int) -> set[int]:
        return {x.pk for x in Notification.objects.bulk_create(
            Notification(recipient=clinician, organisation=mondriaan, kind=NotificationKind.DEADLINE_DUE,
                         source_key=f"test:{start + i}") for i in range(n))}

    made = notes(5, 0)
    five = _queries(client, url)
    made |= notes(55, 5)
    with django_assert_num_queries(five):
        client.get(url)
    later = iter(range(1000, 2000, 2))
    seen = _walk(client, url, between=lambda: notes(2, next(later)))
    assert len(seen) == len(set(seen)) and made <= set(seen)
