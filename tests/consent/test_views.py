"""The consent pages: download, 404 for other organisations, revoke, and the upload form."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils.formats import date_format

from audit.models import AuditEvent
from consent.models import ConsentDeclaration, ConsentStatus
from requests.core.workflow import RequestStatus
from requests.models import RequestEvent
from tests.consent.conftest import HTML_BYTES, JPEG_BYTES, PDF_BYTES, upload
from tests.consent.test_validation import WRONG_TYPE


def url(name: str, declaration: ConsentDeclaration) -> str:
    return reverse(f"consent:{name}", kwargs={"public_id": declaration.public_id})


def body(response) -> str:
    return response.content.decode()


class TestDownload:
    def test_attachment_with_stored_type_and_an_export_event(self, verified_client, requester, declaration):
        response = verified_client(requester).get(url("document", declaration))

        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"] == (
            f'attachment; filename="toestemmingsverklaring-{declaration.public_id.hex[:8]}.pdf"'
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "no-store"
        assert b"".join(response.streaming_content) == PDF_BYTES

        event = AuditEvent.objects.get(event="consent.document_downloaded")
        assert (event.action, event.outcome, event.user_id) == ("export", "allowed", requester.pk)
        assert event.parent_ref == declaration.parent.audit_ref

    def test_the_download_name_follows_the_detected_type(self, verified_client, requester, make_declaration):
        declaration = make_declaration(
            document=upload(JPEG_BYTES, name="scan.pdf", content_type="application/pdf")
        )
        response = verified_client(requester).get(url("document", declaration))
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Disposition"].endswith('.jpg"')
        assert "scan" not in response["Content-Disposition"]

    def test_the_recipient_downloads_once_a_request_was_sent(
        self, verified_client, clinician, declaration, make_request
    ):
        client = verified_client(clinician)
        make_request(declaration, status=RequestStatus.DRAFT)
        assert client.get(url("document", declaration)).status_code == 404  # a draft was not sent
        make_request(declaration, status=RequestStatus.SUBMITTED)
        assert client.get(url("document", declaration)).status_code == 200
        assert client.get(url("detail", declaration)).status_code == 200
        assert client.get(url("revoke", declaration)).status_code == 404  # seeing is not revoking


class TestOtherOrganisation:
    @pytest.mark.parametrize(
        ("name", "method", "event"),
        [
            ("detail", "get", "consent.read"),
            ("document", "get", "consent.document_downloaded"),
            ("revoke", "get", "consent.read"),
            ("revoke", "post", "consent.read"),
        ],
    )
    def test_404_and_a_logged_denial(self, verified_client, outsider, declaration, name, method, event):
        client = verified_client(outsider)
        data = {"revoked_on": datetime.date.today().isoformat()} if method == "post" else None
        response = getattr(client, method)(url(name, declaration), data)

        assert response.status_code == 404
        denied = AuditEvent.objects.get(outcome="denied", user_id=outsider.pk)
        assert denied.event == event
        assert denied.object_id == str(declaration.pk)
        assert denied.parent_ref == declaration.parent.audit_ref
        assert ConsentDeclaration.objects.get(pk=declaration.pk).status == ConsentStatus.VALID

    def test_a_missing_declaration_looks_the_same_and_is_logged(self, verified_client, outsider, declaration):
        import uuid

        missing = uuid.uuid4()
        response = verified_client(outsider).get(reverse("consent:detail", kwargs={"public_id": missing}))
        assert response.status_code == 404
        assert AuditEvent.objects.filter(outcome="denied", object_id=str(missing)).exists()

    def test_the_recipient_without_a_request_gets_404_too(self, verified_client, clinician, declaration):
        assert verified_client(clinician).get(url("detail", declaration)).status_code == 404

    def test_cannot_record_a_declaration_for_another_organisations_parent(
        self, verified_client, outsider, parent
    ):
        response = verified_client(outsider).get(
            reverse("consent:create", kwargs={"parent_public_id": parent.public_id})
        )
        assert response.status_code == 404
        assert AuditEvent.objects.filter(
            outcome="denied", event="parent.read", parent_ref=parent.audit_ref
        ).exists()


class TestDetail:
    def test_shows_the_declaration_and_logs_the_read(
        self, verified_client, requester, declaration, make_request
    ):
        information_request = make_request(declaration)
        response = verified_client(requester).get(url("detail", declaration))
        assert response.status_code == 200
        page = body(response)
        for text in (
            "Sanne de Vries",
            "De ouder zelf",
            "Mondriaan",
            "De veiligheid van de kinderen inschatten.",
            "Het verloop van de behandeling",
            "Geldig",
            "Intrekking vastleggen",
            str(information_request),
        ):
            assert text in page
        assert AuditEvent.objects.filter(event="consent.read", action="read", user_id=requester.pk).exists()

    def test_the_heading_names_the_parent_and_the_date_not_an_id(
        self, verified_client, requester, declaration
    ):
        page = body(verified_client(requester).get(url("detail", declaration)))
        given_on = date_format(declaration.given_on, "j F Y")
        heading = re.search(r'<h1 class="utrecht-heading-1">(.*?)</h1>', page, re.DOTALL).group(1).strip()
        assert heading == f"Verklaring van Sanne de Vries, {given_on}"
        assert declaration.public_id.hex[:8] not in re.sub(r"<[^>]+>", " ", page)  # only in links


class TestRevokeView:
    def test_revoke_marks_and_shows_on_relying_requests(
        self, verified_client, requester, declaration, make_request
    ):
        relying = make_request(declaration)
        client = verified_client(requester)
        assert "Ja, toestemming intrekken" in body(client.get(url("revoke", declaration)))

        response = client.post(
            url("revoke", declaration),
            {"revoked_on": datetime.date.today().isoformat(), "note": "Belde zelf."},
            follow=True,
        )

        assert ConsentDeclaration.objects.get(pk=declaration.pk).status == ConsentStatus.REVOKED
        assert RequestEvent.objects.filter(request=relying, kind="consent_revoked").exists()
        page = body(response)
        assert "De toestemming is ingetrokken." in page
        assert "Het verzoek dat op deze verklaring steunt, toont de intrekking." in page
        assert "Intrekking vastleggen" not in page  # nothing left to revoke

    def test_revoking_twice_is_refused_with_a_clear_message(self, verified_client, requester, declaration):
        client = verified_client(requester)
        data = {"revoked_on": datetime.date.today().isoformat()}
        client.post(url("revoke", declaration), data)
        response = client.post(url("revoke", declaration), data, follow=True)
        assert "Deze toestemming is al ingetrokken" in body(response)
        assert AuditEvent.objects.filter(event="consent.revoked").count() == 1
        assert "al ingetrokken op" in body(client.get(url("revoke", declaration)))

    def test_a_future_date_shows_beside_the_field(self, verified_client, requester, declaration):
        tomorrow = (datetime.date.today() + datetime.timedelta(days=2)).isoformat()
        response = verified_client(requester).post(url("revoke", declaration), {"revoked_on": tomorrow})
        page = body(response)
        assert response.status_code == 200
        assert "De datum van intrekking kan niet in de toekomst liggen." in page
        assert 'id="id_revoked_on_error"' in page and 'class="error-summary"' in page


class TestCreateView:
    def form_data(self, mondriaan, **overrides) -> dict:
        today = datetime.date.today()
        data = {
            "recipient": str(mondriaan.pk),
            "given_by": "curator_mentor",
            "representative_name": "",
            "topics": ["b", "d"],
            "purpose": "Inschatten of de kinderen veilig zijn bij moeder.",
            "given_on": (today - datetime.timedelta(days=1)).isoformat(),
            "valid_until": (today + datetime.timedelta(days=90)).isoformat(),
            "document": upload(HTML_BYTES, name="verklaring.pdf"),
        }
        data.update(overrides)
        return data

    def test_errors_keep_what_was_typed(self, verified_client, requester, parent, mondriaan):
        url_create = reverse("consent:create", kwargs={"parent_public_id": parent.public_id})
        response = verified_client(requester).post(url_create, self.form_data(mondriaan))

        assert response.status_code == 200
        page = body(response)
        assert not ConsentDeclaration.objects.exists()
        # The error summary on top, and each error beside its field, described by it.
        assert 'class="error-summary"' in page
        assert "Vul de naam in van de vertegenwoordiger die de toestemming heeft gegeven." in page
        assert WRONG_TYPE in page
        assert 'href="#id_representative_name"' in page and 'href="#id_document"' in page
        assert 'aria-describedby="id_representative_name_helptext id_representative_name_error"' in page
        assert 'aria-invalid="true"' in page
        # What was typed and chosen is still there.
        assert "Inschatten of de kinderen veilig zijn bij moeder." in page
        checked = re.findall(r'<input[^>]*name="(given_by|topics)"[^>]*value="([^"]+)"[^>]*\bchecked\b', page)
        assert sorted(checked) == [("given_by", "curator_mentor"), ("topics", "b"), ("topics", "d")]
        assert f'<option value="{mondriaan.pk}" selected>' in page
        assert "Kies het bestand opnieuw" in page

    def test_valid_form_stores_and_goes_to_the_detail_page(
        self, verified_client, requester, parent, mondriaan
    ):
        url_create = reverse("consent:create", kwargs={"parent_public_id": parent.public_id})
        client = verified_client(requester)
        assert client.get(url_create).status_code == 200
        data = self.form_data(
            mondriaan,
            representative_name="Mr. K. Bosch",
            document=upload(PDF_BYTES, name="scan van Sanne.pdf"),
        )
        response = client.post(url_create, data)

        declaration = ConsentDeclaration.objects.get()
        assert response.status_code == 302
        assert response["Location"] == url("detail", declaration)
        assert declaration.representative_name == "Mr. K. Bosch" and declaration.topics == [
            "b",
            "d",
        ]
        assert "Sanne" not in declaration.document.name

    def test_returns_to_the_wizard_or_falls_back_to_detail(
        self, verified_client, requester, parent, mondriaan, make_request, declaration
    ):
        from django.urls import NoReverseMatch

        draft = make_request(None, status=RequestStatus.DRAFT)
        url_create = reverse("consent:create", kwargs={"parent_public_id": parent.public_id})
        data = self.form_data(mondriaan, representative_name="Mr. K. Bosch", document=upload(PDF_BYTES))
        response = verified_client(requester).post(f"{url_create}?verzoek={draft.public_id}", data)

        created = ConsentDeclaration.objects.exclude(pk=declaration.pk).get()
        try:
            wizard = reverse("requests:step", kwargs={"public_id": draft.public_id, "step": "toestemming"})
        except NoReverseMatch:
            assert response["Location"] == url("detail", created)
        else:
            assert response["Location"] == f"{wizard}?toestemming={created.public_id}"


def test_the_form_proposes_the_known_representative_of_an_incapacitated_parent(
    verified_client, requester, parent
):
    from requests.models import Parent

    Parent.objects.filter(pk=parent.pk).update(
        is_incapacitated=True, representative_kind="curator_mentor", representative_name="Mr. K. Bosch"
    )
    response = verified_client(requester).get(
        reverse("consent:create", kwargs={"parent_public_id": parent.public_id})
    )
    page = body(response)
    assert re.search(r'<input[^>]*value="curator_mentor"[^>]*\bchecked\b', page)
    assert 'value="Mr. K. Bosch"' in page
    event = AuditEvent.objects.get(event="parent.read", outcome="allowed")
    assert event.parent_ref == parent.audit_ref
