"""consent.selectors: picking a declaration in the filing form, and who sees which requests."""

from __future__ import annotations

import datetime

import pytest
from django.http import Http404

from audit.models import AuditEvent
from consent.selectors import consent_get_for, consents_for_parent, requests_relying_on
from consent.services import consent_revoke
from requests.core.workflow import RequestStatus
from tests.consent.conftest import actor_for
from toolkid.models import OrganisationKind, Role


def test_consents_for_parent_offers_the_own_organisations_usable_ones(
    make_declaration, requester_actor, clinician_actor, parent, mondriaan, make_organisation, today
):
    other_provider = make_organisation("Ander GGZ", OrganisationKind.VOLWASSENENZORG)
    usable = make_declaration()
    revoked = make_declaration()
    consent_revoke(actor=requester_actor, declaration=revoked, revoked_on=today)
    elsewhere = make_declaration(recipient=other_provider)

    everything = set(consents_for_parent(requester_actor, parent))
    assert everything == {usable, revoked, elsewhere}
    picked = consents_for_parent(requester_actor, parent, recipient=mondriaan, usable_on=today)
    assert list(picked) == [usable]
    # Nobody outside the holding organisation gets a list.
    assert not consents_for_parent(clinician_actor, parent).exists()


def test_requests_relying_on_follows_who_may_know_of_them(
    declaration, make_request, requester_actor, clinician_actor
):
    draft = make_request(declaration, status=RequestStatus.DRAFT)
    sent = make_request(declaration, status=RequestStatus.SUBMITTED)
    assert set(requests_relying_on(declaration)) == {draft, sent}
    assert set(requests_relying_on(declaration, actor=requester_actor)) == {draft, sent}
    assert list(requests_relying_on(declaration, actor=clinician_actor)) == [sent]


def test_a_beheerder_of_the_holding_organisation_sees_no_case_content(declaration, make_user, wijkteam):
    admin = make_user((wijkteam, Role.BEHEERDER), username="beheer")
    with pytest.raises(Http404):
        consent_get_for(
            actor=actor_for(admin, wijkteam, Role.BEHEERDER),
            public_id=declaration.public_id,
            purpose="view",
        )
    assert AuditEvent.objects.filter(user_id=admin.pk, outcome="denied").exists()


def test_a_malformed_id_is_a_logged_404(requester_actor):
    with pytest.raises(Http404):
        consent_get_for(actor=requester_actor, public_id="niet-een-id", purpose="view")
    assert AuditEvent.objects.filter(event="consent.read", outcome="denied").exists()


def test_reading_is_logged_with_the_parent(declaration, requester_actor):
    consent_get_for(actor=requester_actor, public_id=str(declaration.public_id), purpose="view")
    event = AuditEvent.objects.get(event="consent.read", outcome="allowed")
    assert event.action == "read" and event.parent_ref == declaration.parent.audit_ref


def test_expired_declaration_is_still_shown_but_not_offered(make_declaration, requester_actor, parent, today):
    declaration = make_declaration(valid_until=today)
    tomorrow = today + datetime.timedelta(days=1)
    assert list(consents_for_parent(requester_actor, parent, usable_on=today)) == [declaration]
    assert not consents_for_parent(requester_actor, parent, usable_on=tomorrow).exists()
