"""NEN 7513 (L5, R41): a list page that shows requests is a read of each parent on it, so
"wie heeft gegevens van deze ouder ingezien" finds the inbox, the refusals, Vandaag and the rest."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from audit.selectors import parent_access_report
from requests.core import access
from requests.core.audit_codes import RequestAuditCode
from requests.core.models import InformationRequest
from requests.handling.services import request_ask_legal_advice
from tests.requests.helpers import actor_for, decide, take

pytestmark = pytest.mark.django_db

SHOWN = RequestAuditCode.PARENT_SHOWN_IN_LIST


def shown_to(user, request: InformationRequest, listed: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            event=SHOWN, user=user, parent_ref=request.audit_ref, payload__list=listed
        )
    )


def test_a_parent_on_the_inbox_is_in_that_parents_access_record(
    verified_client, clinician, beheerder, mondriaan, filed_request
):
    req = filed_request()
    verified_client(clinician).get("/verzoeken/binnengekomen/")

    report = parent_access_report(actor_for(beheerder, mondriaan), req.audit_ref)
    rows = [e for e in report.events if e.event == SHOWN]
    assert len(rows) == 1
    assert rows[0].user == clinician and rows[0].action == AuditAction.READ
    assert rows[0].payload == {"list": RequestAuditCode.INBOX_LISTED, "references": [req.reference]}
    assert str(RequestAuditCode.PARENT_SHOWN_IN_LIST.label) == "Ouder gezien in een lijst met verzoeken"


def test_one_read_per_parent_not_per_row(clinician_actor, filed_request):
    first = filed_request()
    second = filed_request()
    InformationRequest.objects.filter(pk=second.pk).update(parent=first.parent)
    second = InformationRequest.objects.select_related("parent").get(pk=second.pk)
    access.record_parents_shown(clinician_actor, RequestAuditCode.INBOX_LISTED, [first, second, first])
    events = AuditEvent.objects.filter(event=SHOWN)
    assert events.count() == 1
    assert events.get().payload["references"] == [first.reference, second.reference]


def test_a_parent_not_on_the_page_is_not_logged(verified_client, outsider_clinician, filed_request):
    req = filed_request()  # to Mondriaan: not on the other provider's inbox
    verified_client(outsider_clinician).get("/verzoeken/binnengekomen/")
    assert not AuditEvent.objects.filter(event=SHOWN, parent_ref=req.audit_ref).exists()


def test_the_requesters_list_and_vandaag_log_the_parent(verified_client, requester, filed_request):
    req = filed_request()
    client = verified_client(requester)
    client.get("/verzoeken/")
    assert shown_to(requester, req, RequestAuditCode.OUTGOING_LISTED)
    # Vandaag shows no request of this parent yet (nothing to read): nothing logged for it.
    client.get("/")
    assert not shown_to(requester, req, RequestAuditCode.TODAY_LISTED)


def test_vandaag_logs_the_parents_it_shows(verified_client, clinician, filed_request):
    req = filed_request()
    verified_client(clinician).get("/")
    assert shown_to(clinician, req, RequestAuditCode.TODAY_LISTED)
    assert AuditEvent.objects.filter(event=RequestAuditCode.TODAY_LISTED, user=clinician).count() == 1


def test_refusals_and_the_legal_queue_log_the_parent(
    verified_client, teamleider, legal_advisor, clinician_actor, filed_request
):
    refused = decide(filed_request("B"), clinician_actor, provide=False)
    asked = take(filed_request("B"), clinician_actor)
    request_ask_legal_advice(actor=clinician_actor, request=asked, question="Mogen wij weigeren?")
    verified_client(teamleider).get("/verzoeken/te-bevestigen-weigeringen/")
    verified_client(legal_advisor).get("/verzoeken/adviesvragen/")
    assert shown_to(teamleider, refused, RequestAuditCode.REFUSALS_LISTED)
    assert shown_to(legal_advisor, asked, RequestAuditCode.LEGAL_QUEUE_LISTED)


def test_the_deadline_overview_logs_the_parents_of_the_late_requests(
    verified_client, teamleider, filed_request
):
    late = filed_request()
    InformationRequest.objects.filter(pk=late.pk).update(due_date=timezone.localdate() - dt.timedelta(days=9))
    verified_client(teamleider).get("/verzoeken/overzicht/")
    assert shown_to(teamleider, late, RequestAuditCode.OVERVIEW_LISTED)


def test_kindcheck_reverse_and_task_lists_log_nothing_when_empty(verified_client, clinician, requester):
    for user, url in ((clinician, "/verzoeken/kindcheck/"), (clinician, "/verzoeken/vragen-over-kinderen/"),
                      (requester, "/verzoeken/taken/")):
        assert verified_client(user).get(url).status_code == 200
    assert not AuditEvent.objects.filter(event=SHOWN).exists()


def test_kindcheck_reverse_and_task_lists_log_the_parents_they_show(
    verified_client, clinician, clinician_actor, requester, wijkteam
):
    from tests.requests.kindcheck.test_text_limits import record as record_kindcheck
    from tests.requests.reverse.test_text_limits import ask

    check = record_kindcheck(clinician_actor)
    question = ask(clinician_actor, wijkteam)
    verified_client(clinician).get("/verzoeken/kindcheck/")
    verified_client(clinician).get("/verzoeken/vragen-over-kinderen/")
    verified_client(requester).get("/verzoeken/taken/")

    def listed(user, ref: str, code: str) -> bool:
        return AuditEvent.objects.filter(event=SHOWN, user=user, parent_ref=ref, payload__list=code).exists()

    assert listed(clinician, check.parent.audit_ref, RequestAuditCode.KINDCHECKS_LISTED)
    assert listed(clinician, question.parent.audit_ref, RequestAuditCode.REVERSE_QUESTIONS_LISTED)
    assert listed(requester, question.parent.audit_ref, RequestAuditCode.TASKS_LISTED)
