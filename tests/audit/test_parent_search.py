"""The beheerder finds a parent by name and birth date, or by BSN, for "Wie heeft gegevens van
deze ouder ingezien?" (R41): through a POST form, only among the organisation's own parents,
and the search is logged without what was typed."""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import quote

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from requests.core.access import request_get_for
from requests.models import InformationRequest, Parent
from toolkid.actors import Actor
from toolkid.models import OrganisationKind, Role

pytestmark = pytest.mark.django_db

SANNE = {"naam": "de Vries", "geboortedatum": "1988-04-02"}
SANNE_BSN = "111222333"
KARIN_BSN = "123456782"


@pytest.fixture
def beheerder(make_user, mondriaan):
    return make_user((mondriaan, Role.BEHEERDER), username="beheer.mondriaan")


@pytest.fixture
def own_request(filed_request, clinician, mondriaan):
    """Wijkteam Heerlen asks Mondriaan about Sanne de Vries (born 2 April 1988), and a
    clinician of Mondriaan opens it."""
    request = filed_request()
    actor = Actor(user=clinician, organisation=mondriaan, roles=frozenset({Role.ZORGVERLENER}))
    request_get_for(actor=actor, pk_or_public_id=request.pk, purpose="detail")
    return request


@pytest.fixture
def elsewhere(filed_request, make_organisation):
    """Wijkteam Heerlen asks another provider about Karin Bakker: nothing of Mondriaan's."""
    other = make_organisation("Virenze", OrganisationKind.VOLWASSENENZORG, "Maastricht")
    request = filed_request(receiving=other)
    # Her own parent row (the filing would find Sanne's by BSN), made directly.
    karin = Parent.objects.create(
        organisation=request.requesting_organisation,
        name="Karin Bakker",
        date_of_birth=dt.date(1990, 1, 1),
        bsn=KARIN_BSN,
    )
    InformationRequest.objects.filter(pk=request.pk).update(parent=karin)
    return request


def search(client, **data):
    return client.post(reverse("audit:parent_search"), data)


def searches() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event="audit.parent_searched").order_by("seq"))


class TestFinding:
    def test_by_name_and_birth_date_shows_the_access_record_in_words(
        self, verified_client, beheerder, own_request
    ):
        response = search(verified_client(beheerder), **SANNE)
        content = response.content.decode()
        assert response.status_code == 200
        assert "Sanne de Vries" in content and "02-04-1988" in content
        # The record itself: when, who, organisation, what in words, the request's reference.
        assert own_request.reference in content
        assert "Mondriaan" in content
        assert "Informatieverzoek ingezien" in content and "zorg" in content
        assert "request." not in content
        # The link to the overview goes by the opaque reference, never by name or BSN.
        assert f"?ouder={quote(own_request.parent.audit_ref)}" in content

    def test_the_next_page_of_the_record_is_the_overview_not_the_search(
        self, verified_client, beheerder, own_request, monkeypatch
    ):
        monkeypatch.setattr("audit.parent_views.PAGE_SIZE", 1)
        content = search(verified_client(beheerder), **SANNE).content.decode()
        ref = quote(own_request.parent.audit_ref)
        # A keyset cursor, on the overview's GET URL (the search itself was a POST).
        assert f'href="{reverse("audit:parent_access")}?ouder={ref}&amp;pagina=' in content
        assert 'rel="next"' in content

    def test_by_bsn_with_spaces(self, verified_client, beheerder, own_request):
        response = search(verified_client(beheerder), bsn="1112 22 333")
        content = response.content.decode()
        assert "Sanne de Vries" in content
        assert own_request.reference in content

    def test_part_of_the_name_is_enough_but_the_birth_date_must_match(
        self, verified_client, beheerder, own_request
    ):
        client = verified_client(beheerder)
        assert "Sanne de Vries" in search(client, naam="vries", geboortedatum="1988-04-02").content.decode()
        missed = search(client, naam="vries", geboortedatum="1988-04-03").content.decode()
        assert "Sanne de Vries" not in missed
        assert "Geen ouder gevonden" in missed

    def test_another_organisations_parent_is_not_found(
        self, verified_client, beheerder, own_request, elsewhere
    ):
        client = verified_client(beheerder)
        for data in ({"naam": "Bakker", "geboortedatum": "1990-01-01"}, {"bsn": KARIN_BSN}):
            content = search(client, **data).content.decode()
            assert "Karin Bakker" not in content
            assert "Geen ouder gevonden" in content
            assert elsewhere.reference not in content

    def test_the_requesting_organisation_finds_its_own_parents(
        self, verified_client, make_user, wijkteam, own_request, elsewhere
    ):
        beheerder = make_user((wijkteam, Role.BEHEERDER), username="beheer.wijkteam")
        content = search(verified_client(beheerder), bsn=KARIN_BSN).content.decode()
        assert "Karin Bakker" in content and elsewhere.reference in content


class TestTheForm:
    def test_an_invalid_bsn_gives_a_dutch_error_and_keeps_what_was_typed(
        self, verified_client, beheerder, own_request
    ):
        response = search(verified_client(beheerder), bsn="123456789")
        content = response.content.decode()
        assert response.status_code == 200
        assert "Dit is geen geldig BSN" in content
        assert 'value="123456789"' in content
        assert "Sanne de Vries" not in content
        assert searches() == []  # nothing was searched

    def test_a_name_without_birth_date_is_asked_for(self, verified_client, beheerder, own_request):
        content = search(verified_client(beheerder), naam="de Vries").content.decode()
        assert "Vul ook de geboortedatum van de ouder in." in content
        assert 'value="de Vries"' in content
        assert "Sanne de Vries" not in content.replace('value="de Vries"', "")

    def test_an_empty_form_says_what_to_fill_in(self, verified_client, beheerder):
        content = search(verified_client(beheerder)).content.decode()
        assert "Vul de naam en de geboortedatum van de ouder in, of het BSN." in content

    def test_the_search_is_a_post_so_nothing_personal_lands_in_a_url(self, verified_client, beheerder):
        client = verified_client(beheerder)
        assert client.get(reverse("audit:parent_search"), {"bsn": SANNE_BSN}).status_code == 405
        page = client.get(reverse("audit:log")).content.decode()
        assert f'action="{reverse("audit:parent_search")}"' in page
        assert 'method="post"' in page


class TestLogging:
    def test_one_event_per_parent_found_without_the_terms(
        self, verified_client, beheerder, mondriaan, own_request
    ):
        search(verified_client(beheerder), **SANNE)
        [event] = searches()
        assert (event.action, event.outcome, event.organisation) == ("search", "allowed", mondriaan)
        assert event.parent_ref == own_request.parent.audit_ref
        stored = json.dumps(event.payload) + event.object_type + event.object_id
        for term in ("Vries", "vries", "1988", SANNE_BSN):
            assert term not in stored
        assert event.payload["found"] == 1

    def test_a_bsn_search_stores_no_bsn(self, verified_client, beheerder, own_request):
        search(verified_client(beheerder), bsn=SANNE_BSN)
        [event] = searches()
        assert SANNE_BSN not in json.dumps(event.payload)
        assert event.payload["method"] == "bsn"

    def test_a_search_that_finds_nobody_is_logged_too(self, verified_client, beheerder, own_request):
        search(verified_client(beheerder), bsn=KARIN_BSN)
        [event] = searches()
        assert event.parent_ref == "" and event.payload["found"] == 0
        assert KARIN_BSN not in json.dumps(event.payload)

    def test_the_search_event_has_a_dutch_label_on_the_audit_page(
        self, verified_client, beheerder, own_request
    ):
        client = verified_client(beheerder)
        search(client, **SANNE)
        content = client.get(reverse("audit:log")).content.decode()
        assert "Ouder opgezocht voor het inzageoverzicht" in content
        assert "audit.parent_searched" not in content

    def test_someone_without_the_audit_right_gets_a_logged_404(self, verified_client, clinician, own_request):
        response = search(verified_client(clinician), bsn=SANNE_BSN)
        assert response.status_code == 404
        [event] = searches()
        assert event.outcome == "denied"
        assert SANNE_BSN not in json.dumps(event.payload)
