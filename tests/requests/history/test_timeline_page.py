"""The request's timeline on a page of its own (issue 11): newest first, paged with a cursor (no
line skipped or repeated while events are added), the same masking as on the request's page
(R11), logged as a timeline read (L5), another organisation's request a 404."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from audit.models import AuditEvent, AuditOutcome
from requests.core.events import RequestEventKind
from requests.handling.services import legal_advice_give, request_ask_legal_advice
from requests.history.views import PAGE_SIZE
from requests.models import RequestEvent
from tests.requests.helpers import decide, fresh, take
from toolkid.models import Role

pytestmark = pytest.mark.django_db


def _url(req, before=None) -> str:
    url = reverse("requests:timeline", kwargs={"public_id": req.public_id})
    return f"{url}?voor={before}" if before else url


def _advice_rounds(req, clinician, legal, rounds: int) -> None:
    for number in range(rounds):
        advice = request_ask_legal_advice(actor=clinician, request=fresh(req), question=f"Vraag {number}?")
        legal_advice_give(actor=legal, advice=advice, text="Ja.")


def _lines(html: str) -> list[str]:
    return re.findall(r"<li>\s*<p><strong>([^<]+)</strong>", html)


def _older(html: str) -> str | None:
    found = re.search(r'href="\?voor=(\d+)" rel="next"', html)
    return found.group(1) if found else None


def test_pages_newest_first_without_gaps_or_repeats_while_events_are_added(
    filed_request, clinician_actor, legal_actor, verified_client, clinician
):
    req = take(filed_request("A"), clinician_actor)
    _advice_rounds(req, clinician_actor, legal_actor, 30)  # 60 more events: two pages
    client = verified_client(clinician)
    events = list(RequestEvent.objects.filter(request=req).order_by("occurred_at", "pk"))
    submitted = next(e.occurred_at for e in events if e.kind == RequestEventKind.SUBMITTED)
    # The drafting before the first submission is one line ("Concept aangemaakt"), as on the page.
    expected = [str(RequestEventKind(e.kind).label) for e in events
                if not (e.kind == RequestEventKind.DRAFT_UPDATED and e.occurred_at < submitted)][::-1]
    first = client.get(_url(req)).content.decode()
    assert _lines(first)[0] == str(RequestEventKind.LEGAL_ADVICE_GIVEN.label)
    assert len(_lines(first)) == PAGE_SIZE
    cursor = _older(first)
    assert cursor
    _advice_rounds(req, clinician_actor, legal_actor, 2)  # new events while paging
    second = client.get(_url(req, cursor)).content.decode()
    assert _older(second) is None
    assert "Naar de nieuwste gebeurtenissen" in second
    # Every event that existed when paging began, once, in order; the new ones are on page one.
    assert _lines(first) + _lines(second) == expected


def test_the_requester_sees_no_provider_internal_step(
    filed_request, clinician_actor, legal_actor, verified_client, requester
):
    req = take(filed_request("A"), clinician_actor)
    _advice_rounds(req, clinician_actor, legal_actor, 1)
    html = verified_client(requester).get(_url(req)).content.decode()
    assert str(RequestEventKind.SUBMITTED.label) in _lines(html)
    assert str(RequestEventKind.LEGAL_ADVICE_ASKED.label) not in html


def test_an_unconfirmed_refusal_stays_hidden_from_the_requester(
    filed_request, clinician_actor, verified_client, requester
):
    req = decide(filed_request("A"), clinician_actor, provide=False)
    html = verified_client(requester).get(_url(req)).content.decode()
    assert "Weigering" not in html and "niet verstrekken" not in html
    assert "wacht op bevestiging" not in verified_client(requester).get(
        reverse("requests:detail", kwargs={"public_id": req.public_id})).content.decode()


def test_reading_the_timeline_is_logged_and_another_organisation_gets_404(
    filed_request, verified_client, clinician, make_user, make_organisation
):
    req = filed_request("A")
    assert verified_client(clinician).get(_url(req)).status_code == 200
    read = AuditEvent.objects.filter(event="request.timeline_read", object_id=str(req.pk)).get()
    assert read.outcome == AuditOutcome.ALLOWED and read.username == clinician.username
    other = make_organisation("GGZ Elders", "volwassenenzorg", "Kerkrade")
    outsider = make_user((other, Role.ZORGVERLENER), username="elders")
    assert verified_client(outsider).get(_url(req)).status_code == 404
    assert AuditEvent.objects.filter(event="request.timeline_read", outcome=AuditOutcome.DENIED).exists()
