"""The consent's texts have a limit (toolkid/limits.py): the form shows the Dutch message beside
the field and keeps what was typed; the services refuse an over-long text before anything is
written (no declaration, no stored document, no audit event) and take exactly the limit."""

from __future__ import annotations

import datetime
import html as html_lib

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from consent.models import ConsentDeclaration, ConsentStatus
from consent.services import consent_revoke
from tests.consent.conftest import PDF_BYTES, upload
from toolkid.errors import Incomplete
from toolkid.limits import MOTIVATION, NAME, SHORT_NOTE

pytestmark = pytest.mark.django_db


def too_long(limit: int) -> str:
    return f"Maximaal {limit:,} tekens (u typte er {limit + 1:,}).".replace(",", ".")


def test_a_purpose_one_over_the_limit_is_refused_beside_the_field_and_kept(
    verified_client, requester, parent, mondriaan
):
    today = datetime.date.today()
    typed = ("Inschatten of de kinderen veilig zijn bij moeder. " * 100)[:MOTIVATION] + "!"
    response = verified_client(requester).post(
        reverse("consent:create", kwargs={"parent_public_id": parent.public_id}),
        {
            "recipient": str(mondriaan.pk), "given_by": "ouder", "topics": ["b"], "purpose": typed,
            "given_on": (today - datetime.timedelta(days=1)).isoformat(),
            "valid_until": (today + datetime.timedelta(days=90)).isoformat(),
            "document": upload(PDF_BYTES),
        },
    )
    assert response.status_code == 200
    page = html_lib.unescape(response.content.decode())
    assert 'id="id_purpose_error"' in page and too_long(MOTIVATION) in page
    assert f"{typed}</textarea>" in page
    assert not ConsentDeclaration.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "key", "limit"),
    [
        ({"purpose": "x" * (MOTIVATION + 1)}, "purpose", MOTIVATION),
        (
            {"given_by": "curator_mentor", "representative_name": "x" * (NAME + 1)},
            "representative_name", NAME,
        ),
    ],
    ids=["purpose", "representative"],
)
def test_the_service_refuses_an_over_long_text_and_stores_nothing(
    make_declaration, documents_dir, overrides, key, limit
):
    with pytest.raises(Incomplete) as caught:
        make_declaration(**overrides)
    assert caught.value.errors == {key: too_long(limit)}
    assert not ConsentDeclaration.objects.exists()
    assert not AuditEvent.objects.filter(event="consent.created").exists()
    assert not any(documents_dir.rglob("*.*"))


def test_the_service_takes_a_purpose_of_exactly_the_limit(make_declaration):
    assert make_declaration(purpose="x" * MOTIVATION).purpose == "x" * MOTIVATION


def test_a_revocation_note_over_the_limit_leaves_the_consent_valid(requester_actor, declaration, today):
    def revoke(note: str) -> ConsentDeclaration:
        return consent_revoke(actor=requester_actor, declaration=declaration, revoked_on=today, note=note)

    with pytest.raises(Incomplete) as caught:
        revoke("x" * (SHORT_NOTE + 1))
    assert caught.value.errors == {"note": too_long(SHORT_NOTE)}  # "Maximaal 500 tekens (u typte er 501)."
    assert ConsentDeclaration.objects.get().status == ConsentStatus.VALID
    assert revoke("x" * SHORT_NOTE).revocation_note == "x" * SHORT_NOTE
