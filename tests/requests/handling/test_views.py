"""Handling's pages of their own through the browser (requests/handling/views.py): the
provider's inbox (chips in words, filters, take and assign from a row, queries that do not grow
with the rows) and the legal advisor's queue (R8, R31); the due chip's words
(requests/core/due.py).
"""

from __future__ import annotations

import datetime
import uuid
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from requests.core.due import due_chip
from requests.core.workflow import RequestStatus
from requests.handling import actions as ha
from requests.models import Child, InformationRequest, LegalAdvice, RequestedTopic
from tests.conftest import verify_client
from tests.requests.helpers import actor_for, fresh, take
from tests.requests.pages import action_url, csrf_client, csrf_token, detail_url, page, post_action
from toolkid.pagination import PAGE_SIZE

S = RequestStatus
pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


# --- Adviesvragen (R8, R31) ------------------------------------------------------------------


def test_empty_advice_from_the_queue_is_an_error_beside_the_field(filed_request, clinician,
                                                                 legal_advisor):
    req = take(filed_request("A"), actor_for(clinician))
    post_action(csrf_client(clinician), req, ha.ASK_LEGAL_ADVICE, {"question": "Mag dit?"})
    advice = LegalAdvice.objects.get(request=req)
    client = csrf_client(legal_advisor)
    queue = page(client, reverse("requests:legal_queue"))
    assert "Mag dit?" in queue
    response = client.post(
        reverse("requests:advise", kwargs={"public_id": req.public_id, "advice_id": advice.pk}),
        {"csrfmiddlewaretoken": csrf_token(queue), "from": "queue", "advise-advice": " "},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Schrijf uw advies." in html and f'id="id_advise-advice_{advice.pk}_error"' in html
    assert "Het besluit blijft bij de zorgverlener." in html


def test_legal_advisor_sees_only_referred_requests(filed_request, legal_advisor, clinician):
    req = take(filed_request("A"), actor_for(clinician))
    client = verify_client(Client(), legal_advisor)
    assert client.get(detail_url(req)).status_code == 404
    assert "Er wachten geen adviesvragen op u." in page(client, reverse("requests:legal_queue"))


# --- Binnengekomen verzoeken -----------------------------------------------------------------


def test_inbox_chips_in_words_and_overdue_highlighted(filed_request, clinician):
    with time_machine.travel(datetime.datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM), tick=False):
        req = filed_request("A")  # Monday 2 November → due Monday 9 November
    assert req.due_date == datetime.date(2026, 11, 9)

    cases = [
        (datetime.datetime(2026, 11, 4, 10, 0, tzinfo=AMSTERDAM), "nog 3 werkdagen", "chip--ok"),
        (datetime.datetime(2026, 11, 9, 10, 0, tzinfo=AMSTERDAM), "vandaag", "chip--today"),
        (datetime.datetime(2026, 11, 12, 10, 0, tzinfo=AMSTERDAM), "3 werkdagen te laat", "chip--overdue"),
    ]
    for moment, words, modifier in cases:
        with time_machine.travel(moment, tick=False):
            html = page(verify_client(Client(), clinician), reverse("requests:inbox"))
        assert f'<span class="chip {modifier}">{words}</span>' in html
        assert ('<tr class="utrecht-table__row row--overdue">' in html) == (modifier == "chip--overdue")
    assert "1 verzoek is te laat." in html
    # Initials and birth year only.
    assert f'<td data-label="Ouder" class="utrecht-table__cell">{req.parent.initials_and_year}</td>' in html
    assert "Sanne de Vries" not in html
    assert "Niet toegewezen" in html and "De ouder heeft toestemming gegeven" in html


def test_inbox_unassigned_first_filters_and_empty_state(filed_request, clinician, teamleider):
    assigned = take(filed_request("B"), actor_for(clinician))
    unassigned = filed_request("A")
    client = verify_client(Client(), teamleider)
    html = page(client, reverse("requests:inbox"))
    assert html.index(unassigned.reference) < html.index(assigned.reference)

    html = page(client, reverse("requests:inbox") + "?path=B")
    assert assigned.reference in html and unassigned.reference not in html
    html = page(client, reverse("requests:inbox") + f"?clinician={clinician.pk}")
    assert assigned.reference in html and unassigned.reference not in html
    html = page(client, reverse("requests:inbox") + "?status=afgesloten")
    assert "Geen verzoeken gevonden met deze filters." in html

    InformationRequest.objects.all().delete()
    html = page(client, reverse("requests:inbox"))
    assert "Er zijn geen openstaande verzoeken." in html


def test_teamleader_assigns_from_the_inbox_row(filed_request, clinician, teamleider):
    req = filed_request("A")
    client = csrf_client(teamleider)
    inbox = reverse("requests:inbox")
    html = page(client, inbox)
    assert f'name="assign-clinician" id="toewijzen-{req.pk}"' in html
    response = client.post(action_url(req, ha.ASSIGN), {
        "csrfmiddlewaretoken": csrf_token(html), "assign-expected_status": S.SUBMITTED,
        "assign-clinician": clinician.pk, "next": inbox,
    })
    assert response.status_code == 302 and response.url == inbox
    req = fresh(req)
    assert req.assigned_clinician == clinician and req.status == S.IN_PROGRESS
    assert "Het verzoek is toegewezen." in page(client, inbox)


def test_assigning_without_a_clinician_is_an_error_beside_the_field(filed_request, teamleider,
                                                                   outsider_clinician):
    req = filed_request("A")
    client = csrf_client(teamleider)
    response = post_action(client, req, ha.ASSIGN, {"clinician": ""})
    assert response.status_code == 400
    assert 'id="id_assign-clinician_error"' in response.content.decode()
    assert "Kies een zorgverlener." in response.content.decode()
    # Someone of another organisation is not a choice.
    response = post_action(client, req, ha.ASSIGN, {"clinician": outsider_clinician.pk})
    assert response.status_code == 400
    assert "Kies een actieve zorgverlener van uw organisatie." in response.content.decode()
    assert fresh(req).status == S.SUBMITTED


def test_clinician_takes_from_the_inbox_row(filed_request, clinician):
    req = filed_request("A")
    client = csrf_client(clinician)
    html = page(client, reverse("requests:inbox"))
    response = client.post(action_url(req, ha.TAKE), {
        "csrfmiddlewaretoken": csrf_token(html), "take-expected_status": S.SUBMITTED,
    })
    assert response.status_code == 302 and response.url == detail_url(req)
    assert fresh(req).assigned_clinician == clinician


def _copies(template: InformationRequest, count: int, clinician) -> None:
    """``count`` more submitted requests like ``template`` (test data only), half assigned."""
    for index in range(count):
        copy = InformationRequest.objects.get(pk=template.pk)
        copy.pk = None
        copy.id = None
        copy.public_id = uuid.uuid4()
        copy.reference = f"TK-K-{uuid.uuid4().hex[:12]}"
        copy.submit_token = None
        copy.assigned_clinician = clinician if index % 2 else None
        copy.due_date = template.due_date + datetime.timedelta(days=index % 7 - 3)
        copy.save()
        Child.objects.bulk_create(
            Child(request=copy, name_or_initials=c.name_or_initials, date_of_birth=c.date_of_birth)
            for c in template.children.all()
        )
        RequestedTopic.objects.bulk_create(
            RequestedTopic(request=copy, topic=t.topic, question=t.question)
            for t in template.topics.all()
        )


@pytest.mark.parametrize("who", ["teamleider", "clinician"])
def test_inbox_queries_do_not_grow_with_the_rows(filed_request, clinician, teamleider, who):
    user = {"teamleider": teamleider, "clinician": clinician}[who]
    template = filed_request("A")
    client = verify_client(Client(), user)
    client.get(reverse("requests:inbox"))  # warm the session

    _copies(template, 4, clinician)
    with CaptureQueriesContext(connection) as five:
        assert client.get(reverse("requests:inbox")).status_code == 200
    _copies(template, 45, clinician)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("requests:inbox"))
    assert response.content.decode().count("<tr") == 1 + PAGE_SIZE  # header + one page of rows
    assert len(fifty.captured_queries) == len(five.captured_queries), [
        q["sql"] for q in fifty.captured_queries
    ]


def test_inbox_is_for_the_provider_side_only(requester):
    assert verify_client(Client(), requester).get(reverse("requests:inbox")).status_code == 403


# --- due chips (pure) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "today", "words", "modifier"),
    [
        (datetime.date(2026, 11, 9), datetime.date(2026, 11, 6), "nog 1 werkdag", "ok"),  # Fri → Mon
        (datetime.date(2026, 11, 9), datetime.date(2026, 11, 9), "vandaag", "today"),
        (datetime.date(2026, 11, 9), datetime.date(2026, 11, 10), "1 werkdag te laat", "overdue"),
        (datetime.date(2026, 11, 6), datetime.date(2026, 11, 7), "te laat", "overdue"),  # Saturday
        # Christmas and Boxing Day are no working days: Thursday 24 → Monday 28 December is one.
        (datetime.date(2026, 12, 24), datetime.date(2026, 12, 28), "1 werkdag te laat", "overdue"),
    ],
)
def test_due_chip_words(due, today, words, modifier):
    chip = due_chip(due, today, closures=[], decree_days={})
    assert (chip.text, chip.modifier) == (words, modifier)
