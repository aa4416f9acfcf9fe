"""consent.services: who may record and revoke, what is stored where, what is logged."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from consent.models import ConsentDeclaration, ConsentGiver, ConsentStatus
from consent.services import EVENT_CONSENT_REVOKED, consent_revoke
from requests.core.workflow import RequestStatus
from requests.models import Parent, RequestEvent
from tests.consent.conftest import HTML_BYTES, PNG_BYTES, actor_for, upload
from toolkid.errors import IllegalMove, Incomplete
from toolkid.models import Role


def fresh(declaration: ConsentDeclaration) -> ConsentDeclaration:
    return ConsentDeclaration.objects.get(pk=declaration.pk)


class TestCreate:
    def test_stores_under_a_server_chosen_name_in_private_storage(self, make_declaration, documents_dir):
        declaration = make_declaration(
            document=upload(
                PNG_BYTES,
                name="../../Sanne de Vries BSN 123456782.pdf",
                content_type="application/pdf",
            )
        )
        name = declaration.document.name
        assert re.fullmatch(
            r"consent/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}\.png", name
        )
        assert "Sanne" not in name and "123456782" not in name and ".." not in name
        # Type and size come from the content, not from what the browser claimed.
        assert declaration.document_content_type == "image/png"
        assert declaration.document_size == len(PNG_BYTES)

        stored = Path(declaration.document.path).resolve()
        assert stored.is_relative_to(documents_dir.resolve())
        assert stored.read_bytes() == PNG_BYTES
        for public in (django_settings.STATIC_ROOT, *django_settings.STATICFILES_DIRS):
            assert not stored.is_relative_to(Path(public).resolve())
        assert not django_settings.MEDIA_URL
        with pytest.raises(ValueError):
            declaration.document.url  # noqa: B018 — private documents have no URL

    def test_records_the_declaration_and_an_audit_event(
        self, declaration, requester, wijkteam, mondriaan, parent
    ):
        declaration = fresh(declaration)
        assert declaration.status == ConsentStatus.VALID
        assert declaration.organisation == wijkteam and declaration.recipient == mondriaan
        assert declaration.topics == ["a", "c"] and declaration.created_by == requester
        event = AuditEvent.objects.get(event="consent.created")
        assert (event.action, event.outcome) == ("create", "allowed")
        assert event.user_id == requester.pk and event.organisation_id == wijkteam.pk
        assert event.parent_ref == parent.audit_ref
        assert event.object_id == str(declaration.pk)
        assert event.payload["document_content_type"] == "application/pdf"

    def test_representative_required_when_someone_else_consented(self, make_declaration, documents_dir):
        # L2: a curator, mentor, partner or family member consents only with their name.
        with pytest.raises(Incomplete) as caught:
            make_declaration(given_by=ConsentGiver.CURATOR_MENTOR, representative_name="  ")
        assert set(caught.value.errors) == {"representative_name"}
        assert not ConsentDeclaration.objects.exists()
        assert not any(documents_dir.rglob("*.*")), "a refused declaration leaves no file behind"

        declaration = make_declaration(
            given_by=ConsentGiver.CURATOR_MENTOR, representative_name="Mr. K. Bosch"
        )
        assert declaration.representative_name == "Mr. K. Bosch"

    def test_a_name_given_with_the_parent_consenting_is_not_kept(self, make_declaration):
        declaration = make_declaration(given_by=ConsentGiver.PARENT, representative_name="Iemand")
        assert declaration.representative_name == ""

    def test_an_incapacitated_parent_needs_a_representative(self, make_declaration, parent):
        Parent.objects.filter(pk=parent.pk).update(is_incapacitated=True)
        parent.refresh_from_db()
        with pytest.raises(Incomplete) as caught:
            make_declaration(parent=parent, given_by=ConsentGiver.PARENT)
        assert "given_by" in caught.value.errors

    def test_rules_on_topics_dates_recipient_and_document(self, make_declaration, today, wijkteam):
        with pytest.raises(Incomplete) as caught:
            make_declaration(
                topics=[],
                purpose=" ",
                given_on=today + datetime.timedelta(days=1),
                valid_until=today,
                recipient=wijkteam,
                document=upload(HTML_BYTES, name="verklaring.pdf"),
            )
        assert set(caught.value.errors) == {
            "topics",
            "purpose",
            "given_on",
            "valid_until",
            "recipient",
            "document",
        }
        assert str(caught.value.errors["document"]).startswith("Het bestand is geen PDF, PNG of JPEG.")

        with pytest.raises(Incomplete) as caught:
            make_declaration(topics=["a", "g"])
        assert set(caught.value.errors) == {"topics"}

        with pytest.raises(Incomplete) as caught:
            make_declaration(
                given_on=today - datetime.timedelta(days=30),
                valid_until=today - datetime.timedelta(days=1),
            )
        assert "verlopen" in str(caught.value.errors["valid_until"])

    def test_only_a_jeugdhulpverlener_for_a_parent_of_their_own_organisation(
        self, make_declaration, clinician_actor, outsider, other_wijkteam, parent
    ):
        with pytest.raises(PermissionDenied):
            make_declaration(actor=clinician_actor)
        with pytest.raises(PermissionDenied):
            make_declaration(actor=actor_for(outsider, other_wijkteam, Role.JEUGDHULPVERLENER))
        denied = AuditEvent.objects.filter(event="consent.created", outcome="denied")
        assert denied.count() == 2
        assert set(denied.values_list("parent_ref", flat=True)) == {parent.audit_ref}
        assert not ConsentDeclaration.objects.exists()


class TestRevoke:
    def test_marks_the_declaration_and_every_relying_request(
        self, declaration, make_request, requester_actor, requester, today
    ):
        submitted = make_request(declaration)
        draft = make_request(declaration, status=RequestStatus.DRAFT)
        unrelated = make_request(None)

        revoked = consent_revoke(
            actor=requester_actor, declaration=declaration, revoked_on=today, note="Telefonisch."
        )

        stored = fresh(declaration)
        assert revoked.status == stored.status == ConsentStatus.REVOKED
        assert stored.revoked_on == today and stored.revocation_note == "Telefonisch."
        events = RequestEvent.objects.filter(kind=EVENT_CONSENT_REVOKED)
        assert {e.request_id for e in events} == {submitted.pk, draft.pk}
        assert not RequestEvent.objects.filter(request=unrelated).exists()
        event = events.get(request=submitted)
        assert event.actor == requester and event.data["consent"] == str(declaration.public_id)
        # Not a transition of the request: its own status is untouched.
        assert type(submitted).objects.get(pk=submitted.pk).status == RequestStatus.SUBMITTED

        audit = AuditEvent.objects.get(event="consent.revoked")
        assert (audit.action, audit.outcome) == ("update", "allowed")
        assert audit.parent_ref == declaration.parent.audit_ref
        assert set(audit.payload["requests"]) == {str(submitted.public_id), str(draft.public_id)}

    def test_revoking_twice_is_refused_with_a_clear_message(self, declaration, requester_actor, today):
        consent_revoke(actor=requester_actor, declaration=declaration, revoked_on=today)
        with pytest.raises(IllegalMove) as caught:
            # The caller's copy is stale on purpose: the service decides on the locked row.
            consent_revoke(actor=requester_actor, declaration=declaration, revoked_on=today)
        assert caught.value.code == "already_revoked"
        assert "al ingetrokken" in str(caught.value.message)
        assert AuditEvent.objects.filter(event="consent.revoked").count() == 1

    def test_date_must_be_between_given_and_today(self, declaration, requester_actor, today):
        for wrong in (
            today + datetime.timedelta(days=1),
            declaration.given_on - datetime.timedelta(days=1),
        ):
            with pytest.raises(Incomplete) as caught:
                consent_revoke(actor=requester_actor, declaration=declaration, revoked_on=wrong)
            assert set(caught.value.errors) == {"revoked_on"}
        assert fresh(declaration).status == ConsentStatus.VALID

    def test_only_the_holding_organisation_revokes(self, declaration, make_request, clinician_actor, today):
        make_request(declaration)  # the recipient may see it, but not revoke it
        with pytest.raises(PermissionDenied):
            consent_revoke(actor=clinician_actor, declaration=declaration, revoked_on=today)
        assert AuditEvent.objects.filter(event="consent.revoked", outcome="denied").count() == 1
        assert fresh(declaration).status == ConsentStatus.VALID
