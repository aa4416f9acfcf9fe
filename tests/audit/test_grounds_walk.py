"""Every event the real services and views write about a request or a parent carries its legal
ground as it stood at that moment, and every event its sensitivity (issue 15). The walk files a
request on each consent path, reads it from both sides and from the lists, consults the parent,
decides, answers, and downloads the log; it fails on any event without one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.grounds import Ground, Sensitivity
from audit.models import AuditEvent
from audit.purposes import Purpose
from requests.followup.models import Duty, DutyKind
from requests.followup.services import duty_complete
from requests.handling.answer import request_send_answer
from tests.requests.helpers import ALL_CONFIRMED, actor_for, consult_parent, decide, fill_answer, take
from toolkid.models import Role

pytestmark = pytest.mark.django_db


def last_seq() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def grounds_since(seq: int, event: str) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(seq__gt=seq, event=event)
        .order_by("seq")
        .values_list("ground", "ground_framework", "ground_ref")
    )


def assert_every_event_has_ground_and_sensitivity() -> None:
    assert not AuditEvent.objects.filter(ground="").exists()
    assert not AuditEvent.objects.filter(sensitivity="").exists()
    # An event about a parent is never "niet van toepassing".
    about_parent = AuditEvent.objects.exclude(parent_ref="").filter(outcome="allowed")
    assert about_parent.exists()
    assert not about_parent.filter(ground=Ground.NOT_APPLICABLE).exists()


def read_page(client, request) -> None:
    assert client.get(reverse("requests:detail", kwargs={"public_id": request.public_id})).status_code == 200


def test_path_a_events_carry_the_declaration(filed_request, requester, clinician, verified_client):
    request = filed_request("A")
    declaration = f"verklaring:{request.consent_declaration_id}"
    assert grounds_since(0, "request.submitted") == [(Ground.CONSENT, request.legal_framework, declaration)]

    start = last_seq()
    read_page(verified_client(requester), request)
    read_page(verified_client(clinician), request)
    expected = (Ground.CONSENT, request.legal_framework, declaration)
    assert grounds_since(start, "request.read") == [expected] * 2
    assert_every_event_has_ground_and_sensitivity()


def test_path_b_records_the_consultation_outcome_as_it_stood(filed_request, clinician, verified_client):
    request = filed_request("B")
    framework = request.legal_framework
    clinician_client = verified_client(clinician)
    read_page(clinician_client, request)
    before = grounds_since(0, "request.read")
    assert before == [(Ground.CONSENT_REFUSED, framework, "uitkomst:open")]

    actor = actor_for(clinician)
    request = consult_parent(take(request, actor), actor, agrees=False)
    start = last_seq()
    read_page(clinician_client, request)
    after = (Ground.CONSENT_REFUSED, framework, "uitkomst:niet_akkoord")
    assert grounds_since(start, "request.read") == [after]
    # The earlier read keeps the ground it had then.
    assert grounds_since(0, "request.read")[0] == before[0]
    consulted = AuditEvent.objects.get(event="request.parent_consulted")
    assert (consulted.ground_ref, consulted.sensitivity) == ("uitkomst:niet_akkoord", Sensitivity.HEALTH)
    taken = AuditEvent.objects.get(event="request.taken")
    assert taken.sensitivity == Sensitivity.METADATA
    assert_every_event_has_ground_and_sensitivity()


def test_path_c_under_veilig_thuis_through_answer_lists_duties_and_log(
    filed_request, requester, clinician, mondriaan, make_user, verified_client
):
    request = filed_request("C", framework="veilig_thuis")
    requester_of = filed_request.requester_of(request).user
    expected = (Ground.SERIOUS_DANGER, "veilig_thuis", "")
    actor = actor_for(clinician)
    request = decide(request, actor, provide=True)
    request = fill_answer(request, actor)
    request = request_send_answer(actor=actor, request=request, confirmations=ALL_CONFIRMED)
    for code in ("request.decided", "request.answer_saved", "request.answer_sent"):
        assert grounds_since(0, code) == [expected], code

    start = last_seq()
    clinician_client = verified_client(clinician)
    assert clinician_client.get(reverse("requests:inbox")).status_code == 200
    assert clinician_client.get(reverse("requests:tasks")).status_code == 200
    shown = grounds_since(start, "request.parent_shown_in_list")
    assert shown and set(shown) == {expected}
    tasks = AuditEvent.objects.filter(seq__gt=start, event="followup.tasks_listed").get()
    # "Mijn taken" of a clinician is handling the request, not the deadline overview.
    assert tasks.purpose == Purpose.HANDLING

    requester_client = verified_client(requester_of)
    start = last_seq()
    read_page(requester_client, request)
    assert grounds_since(start, "request.read") == [expected]
    assert AuditEvent.objects.get(seq__gt=start, event="request.read").purpose == Purpose.FILING

    # Path C: both sides record the exchange in their own file (a duty each).
    for owner, purpose in ((clinician, Purpose.HANDLING), (requester_of, Purpose.FILING)):
        duty = Duty.objects.get(request=request, kind=DutyKind.PROVIDER_RECORD if owner == clinician
                                else DutyKind.REQUESTER_RECORD)
        start = last_seq()
        # R35: while the hold is on, the file record confirms nothing was discussed with the parent.
        duty_complete(
            actor=actor_for(owner), duty=duty, done_on=timezone.localdate(), not_discussed_confirmed=True
        )
        done = AuditEvent.objects.get(seq__gt=start, event="request.duty_done")
        assert (done.ground, done.ground_framework, done.purpose) == (*expected[:2], purpose)

    beheerder = make_user((mondriaan, Role.BEHEERDER))
    start = last_seq()
    assert verified_client(beheerder).get(reverse("audit:export_csv")).status_code == 200
    exported = AuditEvent.objects.get(seq__gt=start, event="audit.csv_exported")
    assert exported.ground == Ground.LOGGING_DUTY
    assert_every_event_has_ground_and_sensitivity()
