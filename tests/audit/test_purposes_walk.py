"""Every event written by the real services and views carries a purpose of use (issue 15): file
a request, read its page from both sides, confirm a refusal, log in, download the audit log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEvent
from audit.purposes import Purpose
from requests.handling.actions import CONFIRM_REFUSAL
from requests.handling.services import request_confirm_refusal
from tests.requests.helpers import actor_for, decide
from tests.requests.pages import action_url
from toolkid.models import Role

pytestmark = pytest.mark.django_db


def purposes_since(seq: int, event: str) -> list[str]:
    return list(
        AuditEvent.objects.filter(seq__gt=seq, event=event).order_by("seq").values_list("purpose", flat=True)
    )


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def test_every_event_of_a_walk_through_the_app_has_a_purpose(
    client, filed_request, requester, clinician, teamleider, legal_advisor, mondriaan, make_user,
    verified_client,
):
    request = filed_request("B")
    # Filing: drafts, the parent, submission, all on the requesting side.
    assert set(purposes_since(0, "request.submitted")) == {Purpose.FILING}

    detail = reverse("requests:detail", kwargs={"public_id": request.public_id})
    start = last_seq()
    assert verified_client(requester).get(detail).status_code == 200
    assert verified_client(clinician).get(detail).status_code == 200
    assert purposes_since(start, "request.read") == [Purpose.FILING, Purpose.HANDLING]

    start = last_seq()
    assert verified_client(legal_advisor).get(detail).status_code in (200, 404)
    assert set(purposes_since(start, "request.read")) == {Purpose.LEGAL_ADVICE}

    request = decide(request, actor_for(clinician), provide=False)
    start = last_seq()
    confirm_page = action_url(request, CONFIRM_REFUSAL)
    assert verified_client(teamleider).get(confirm_page).status_code == 200
    assert purposes_since(start, "request.read") == [Purpose.REFUSAL_CONFIRMATION]
    request.refresh_from_db()
    request_confirm_refusal(actor=actor_for(teamleider), request=request)
    assert purposes_since(start, "request.refusal_confirmed") == [Purpose.REFUSAL_CONFIRMATION]

    start = last_seq()
    client.post(reverse("login"), {"username": requester.username, "password": "correct-horse-battery"})
    client.post(reverse("login"), {"username": "niemand", "password": "fout"})
    assert purposes_since(start, "auth.password_verified") == [Purpose.SECURITY]
    assert purposes_since(start, "auth.login_failed") == [Purpose.SECURITY]

    beheerder = make_user((mondriaan, Role.BEHEERDER))
    start = last_seq()
    assert verified_client(beheerder).get(reverse("audit:export_csv")).status_code == 200
    assert purposes_since(start, "audit.csv_exported") == [Purpose.AUDIT]

    # And nothing in the whole walk was written without one.
    assert AuditEvent.objects.count() > 20
    assert not AuditEvent.objects.filter(purpose__in=["", Purpose.UNKNOWN]).exists()
    assert not AuditEvent.objects.filter(audit_source="").exists()
