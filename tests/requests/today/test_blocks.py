"""Vandaag, the home page: each role sees its own blocks, with counts and links straight to each
request, and never a request of another organisation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from requests.core.models import InformationRequest
from requests.core.workflow import RequestStatus as S
from requests.handling.services import (
    request_ask_legal_advice,
    request_return_for_reformulation,
)
from tests.requests.helpers import decide, take
from tests.requests.today.pages import blocks
from toolkid.models import Role

pytestmark = pytest.mark.django_db


def detail(req: InformationRequest) -> str:
    return reverse("requests:detail", kwargs={"public_id": req.public_id})


def due_on(req: InformationRequest, day: dt.date) -> InformationRequest:
    InformationRequest.objects.filter(pk=req.pk).update(due_date=day)
    return InformationRequest.objects.get(pk=req.pk)


def home(verified_client, user) -> dict:
    response = verified_client(user).get("/")
    assert response.status_code == 200
    return blocks(response.content.decode())


@pytest.fixture
def today() -> dt.date:
    return timezone.localdate()


def test_the_clinician_sees_due_today_overdue_new_and_their_own(
    verified_client, clinician, clinician_actor, filed_request, today
):
    due_today = due_on(take(filed_request(), clinician_actor), today)
    late = due_on(filed_request(), today - dt.timedelta(days=10))
    new = filed_request()
    page = home(verified_client, clinician)

    assert page["due_today"].heading == "Vandaag uiterlijk beantwoorden"
    assert page["due_today"].count == 1
    assert (detail(due_today), due_today.reference) in page["due_today"].links
    assert page["overdue"].count == 1 and page["overdue"].links == [(detail(late), late.reference)]
    assert page["unassigned"].count == 2
    assert {text for _href, text in page["unassigned"].links} == {late.reference, new.reference}
    assert page["mine"].count == 1 and page["mine"].links == [(detail(due_today), due_today.reference)]
    assert "te laat" in page["overdue"].text


def test_a_clinician_does_not_count_a_colleagues_due_request(
    verified_client, clinician, clinician2_actor, filed_request, today
):
    due_on(take(filed_request(), clinician2_actor), today)
    page = home(verified_client, clinician)
    assert page["due_today"].count == 0
    assert "Er hoeft vandaag geen verzoek beantwoord te worden." in page["due_today"].text


def test_the_teamleider_sees_refusals_overdue_and_unassigned(
    verified_client, teamleider, clinician_actor, filed_request, today
):
    refused = decide(filed_request("B"), clinician_actor, provide=False)
    assert refused.status == S.REFUSAL_PENDING
    late = due_on(filed_request(), today - dt.timedelta(days=3))
    page = home(verified_client, teamleider)

    assert set(page) == {"refusals", "overdue", "unassigned"}
    assert page["refusals"].links == [(detail(refused), refused.reference)]
    assert page["overdue"].links == [(detail(late), late.reference)]
    assert page["unassigned"].count == 1


def test_the_requester_sees_answers_returned_requests_and_tasks(
    verified_client, requester, clinician_actor, filed_request
):
    returned = request_return_for_reformulation(
        actor=clinician_actor, request=take(filed_request(), clinician_actor),
        suggestion="Vraag gericht naar de klachten die de zorg voor het kind raken.",
    )
    page = home(verified_client, requester)

    assert set(page) == {"to_read", "returned", "tasks"}
    assert page["returned"].heading == "Teruggestuurd om te herformuleren"
    assert page["returned"].links == [(detail(returned), returned.reference)]
    assert page["to_read"].count == 0
    assert "Er zijn geen nieuwe antwoorden om te lezen." in page["to_read"].text
    assert "U hebt geen open taken." in page["tasks"].text


def test_the_legal_advisor_sees_open_advice_questions(
    verified_client, legal_advisor, clinician_actor, filed_request
):
    req = take(filed_request("B"), clinician_actor)
    request_ask_legal_advice(actor=clinician_actor, request=req, question="Mogen wij hier weigeren?")
    page = home(verified_client, legal_advisor)
    assert set(page) == {"advice"}
    assert page["advice"].count == 1
    assert page["advice"].links == [(detail(req), req.reference)]


def test_the_beheerder_sees_numbers_only(verified_client, beheerder, filed_request, today):
    req = due_on(filed_request(), today - dt.timedelta(days=2))
    response = verified_client(beheerder).get("/")
    html = response.content.decode()
    page = blocks(html)
    assert set(page) == {"organisation_counts"}
    assert page["organisation_counts"].count == 1
    assert page["organisation_counts"].links == []
    assert req.reference not in html and detail(req) not in html
    assert "Waarvan te laat" in page["organisation_counts"].text


def test_another_organisations_requests_never_appear(
    verified_client, make_user, other_provider, outsider_clinician, filed_request, today
):
    req = due_on(filed_request(), today)  # to Mondriaan, not to the other provider
    colleague_elsewhere = make_user((other_provider, Role.TEAMLEIDER))
    for user in (outsider_clinician, colleague_elsewhere):
        html = verified_client(user).get("/").content.decode()
        page = blocks(html)
        assert page["unassigned"].count == 0 and page["overdue"].count == 0
        assert req.reference not in html


def test_another_requesting_organisations_returned_request_does_not_appear(
    verified_client, outsider_requester, clinician_actor, filed_request
):
    returned = request_return_for_reformulation(
        actor=clinician_actor, request=take(filed_request(), clinician_actor),
        suggestion="Vraag gericht naar de klachten die de zorg voor het kind raken.",
    )
    page = home(verified_client, outsider_requester)
    assert page["returned"].count == 0
    assert returned.reference not in page["returned"].text


def test_a_long_block_links_to_the_whole_list(verified_client, teamleider, filed_request, monkeypatch):
    from requests.today import selectors

    monkeypatch.setattr(selectors, "FIRST_ROWS", 1)
    filed_request()
    filed_request()
    html = verified_client(teamleider).get("/").content.decode()
    page = blocks(html)
    assert page["unassigned"].count == 2
    assert ("/verzoeken/binnengekomen/", "Nog 1 andere: bekijk de hele lijst") in page["unassigned"].links


def test_the_home_page_takes_a_fixed_number_of_queries(
    verified_client, clinician, clinician_actor, filed_request, today, django_assert_max_num_queries
):
    for _ in range(2):
        due_on(filed_request(), today)
    client = verified_client(clinician)
    client.get("/")
    with django_assert_max_num_queries(60) as few:
        client.get("/")
    baseline = len(few.captured_queries)
    for _ in range(3):
        due_on(filed_request(), today)
    with django_assert_max_num_queries(60) as more:
        client.get("/")
    # Only the audit trail grows with what is shown (one READ per parent, L5).
    audit_writes = 3 * 6
    assert len(more.captured_queries) <= baseline + audit_writes
