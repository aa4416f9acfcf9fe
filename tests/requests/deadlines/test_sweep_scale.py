"""The deadline sweep at scale (issue 11, item 6): with nothing due it reads indexes only, in the
same number of queries for 5 as for 200 open requests; many due notices go in batches, each
once, with its audit event; a request whose notices were never planned is found through the
partial index and planned once."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from requests.models import DeadlineNotice, DeadlineNoticeKind, DeadlineNoticeStatus, InformationRequest
from toolkid.models import Notification

from .support import AMS, at, clone_requests, sweep_at

pytestmark = pytest.mark.django_db

D = dt.date
N = DeadlineNoticeKind


def _filed(filed_request) -> InformationRequest:
    with at(2026, 5, 11, 10):  # Monday: reminder 18 May, due 20 May, overdue 21, escalation 26
        return filed_request("A")


def _queries_of_sweep(day: dt.date) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        result = sweep_at(day).as_dict()
    return len(ctx.captured_queries), result


def test_nothing_due_takes_as_many_queries_for_200_open_requests_as_for_5(filed_request):
    template = _filed(filed_request)
    clone_requests(template, 4)
    with_5, result = _queries_of_sweep(D(2026, 5, 12))
    assert (result["planned"], result["sent"], result["notifications"]) == (0, 0, 0)
    clone_requests(template, 195)
    assert InformationRequest.objects.filter(status=template.status).count() == 200
    with_200, result = _queries_of_sweep(D(2026, 5, 12))
    assert (result["planned"], result["sent"]) == (0, 0)
    assert with_200 == with_5


def test_many_due_notices_go_in_batches_each_once_with_an_audit_event(filed_request, with_emails):
    template = _filed(filed_request)
    requests_ = [template, *clone_requests(template, 29)]
    result = sweep_at(D(2026, 5, 27), batch_size=7)  # every moment passed: due, overdue, escalation
    assert result.sent == 3 * 30
    assert result.superseded == 30  # the reminder, caught up after the due moment
    assert not DeadlineNotice.objects.filter(status=DeadlineNoticeStatus.PLANNED).exists()
    # Intake x3 (due), teamleider + requester (overdue), beheerder (escalation): 6 per request.
    per_request = Counter(Notification.objects.values_list("params__reference", flat=True))
    assert per_request == Counter({r.reference: 6 for r in requests_})
    assert result.notifications == 6 * 30
    assert max(Counter(Notification.objects.values_list("recipient_id", "source_key")).values()) == 1
    sent_events = AuditEvent.objects.filter(event="request.deadline_notice_sent")
    assert sent_events.count() == 3 * 30
    payload = sent_events.first().payload
    assert set(payload) == {"deadline_notice_id", "kind", "due_date", "notifications"}
    assert DeadlineNotice.objects.get(pk=payload["deadline_notice_id"]).recipients == payload["notifications"]
    # Again, and again later: nothing more.
    for day in (D(2026, 5, 27), D(2026, 6, 3)):
        again = sweep_at(day)
        assert (again.sent, again.notifications, again.planned) == (0, 0, 0)
    assert Notification.objects.count() == 6 * 30


def test_a_due_date_set_some_other_way_is_planned_once(filed_request):
    template = _filed(filed_request)
    other = clone_requests(template, 1)[0]
    DeadlineNotice.objects.filter(request=other).delete()
    InformationRequest.objects.filter(pk=other.pk).update(due_date=D(2026, 5, 22), notices_planned_for=None)
    result = sweep_at(D(2026, 5, 12))
    assert result.planned == 1
    assert set(DeadlineNotice.objects.filter(request=other).values_list("due_date", flat=True)) == {
        D(2026, 5, 22)
    }
    assert InformationRequest.objects.get(pk=other.pk).notices_planned_for == D(2026, 5, 22)
    assert sweep_at(D(2026, 5, 12)).planned == 0


def test_a_closed_request_leaves_the_planning_index_without_notices(filed_request):
    template = _filed(filed_request)
    InformationRequest.objects.filter(pk=template.pk).update(status="afgesloten", notices_planned_for=None)
    before = DeadlineNotice.objects.filter(request=template).count()
    assert sweep_at(D(2026, 5, 12)).planned == 0
    assert InformationRequest.objects.get(pk=template.pk).notices_planned_for == template.due_date
    assert DeadlineNotice.objects.filter(request=template).count() == before


def test_the_sweep_task_fans_the_emails_out_and_each_goes_once(filed_request, with_emails, monkeypatch):
    """The Celery task sends the notices, then enqueues delivery tasks with the ids of the
    notifications it made, ``EMAIL_CHUNK`` each, and a count for the e-mails that waited from
    before it; run twice, the tasks send every e-mail once."""
    import requests.tasks as tasks

    for _ in range(3):
        _filed(filed_request)
    from_before = Notification.objects.filter(email_status="wacht").count()  # filing's own
    enqueued: list[dict] = []
    monkeypatch.setattr(tasks, "EMAIL_CHUNK", 4)
    monkeypatch.setattr(tasks.deliver_emails, "delay", lambda *a, **kw: enqueued.append({"args": a, **kw}))
    with at(2026, 5, 18, 9):  # the reminder day: the assigned clinician, or else the intake
        result = tasks.deadline_sweep()
    waiting = Notification.objects.filter(email_status="wacht").count()
    assert waiting == result["notifications"] + from_before and result["notifications"] > 0
    by_id = [task["ids"] for task in enqueued if "ids" in task]
    assert sorted(pk for ids in by_id for pk in ids) == sorted(
        Notification.objects.filter(source_key__startswith="deadline_notice:").values_list("pk", flat=True)
    )
    assert max(len(ids) for ids in by_id) == 4
    by_count = [task for task in enqueued if "ids" not in task]
    assert len(by_count) == -(-from_before // 4)
    assert result["email_tasks"] == len(enqueued)
    assert not mail.outbox  # nothing sent by the sweep itself
    for task in enqueued * 2:  # every task, and each once more (a retry, a second worker)
        tasks.deliver_emails(*task["args"], ids=task.get("ids"))
    assert len(mail.outbox) == waiting
    assert len({message.extra_headers["Message-ID"] for message in mail.outbox}) == waiting


def _hold_back(requests_: list[InformationRequest]) -> None:
    """Their notices not yet due (moved a year on), to let a sweep send the others only."""
    DeadlineNotice.objects.filter(request__in=requests_).update(send_at=dt.datetime(2027, 5, 1, tzinfo=AMS))


def _release(requests_: list[InformationRequest]) -> None:
    """Their reminders due again (18 May, 07:00)."""
    DeadlineNotice.objects.filter(request__in=requests_, kind=N.REMINDER).update(
        send_at=dt.datetime(2026, 5, 18, 7, tzinfo=AMS)
    )


def _queries_by_kind(day: dt.date, **kwargs) -> tuple[Counter, Any]:
    with CaptureQueriesContext(connection) as ctx:
        result = sweep_at(day, deliver_emails=False, **kwargs)  # the e-mails go to their tasks
    assert result.sent
    return Counter(query["sql"].split()[0].upper() for query in ctx.captured_queries), result


def test_a_batch_takes_as_many_queries_for_100_due_notices_as_for_10(filed_request):
    """The statements of a batch do not grow with its notices: one claim, one read of the
    people, one notification INSERT, one audit INSERT (SQLite splits a long INSERT by its
    variable limit; PostgreSQL does not), a few UPDATEs. Several batches: the same again per
    batch, never a round per notice (issue 11: five queries per notice made 10,000 take minutes)."""
    template = _filed(filed_request)
    ten = [template, *clone_requests(template, 9)]
    hundred = clone_requests(template, 100)
    batched = clone_requests(template, 100)
    _hold_back(hundred + batched)
    with_10, result = _queries_by_kind(D(2026, 5, 18))  # the reminder
    assert result.sent == 10
    _release(hundred)
    with_100, result = _queries_by_kind(D(2026, 5, 18))
    assert result.sent == 100
    assert with_100 - Counter(INSERT=with_100["INSERT"]) == with_10 - Counter(INSERT=with_10["INSERT"])
    assert with_100["INSERT"] <= with_10["INSERT"] + (4 if connection.vendor == "sqlite" else 0)
    _release(batched)
    in_10_batches, result = _queries_by_kind(D(2026, 5, 18), batch_size=10)
    assert result.sent == 100
    per_batch = sum(with_10.values())
    assert sum(in_10_batches.values()) <= 10 * per_batch + 5
    assert len(ten) == 10


def test_each_notice_sent_gets_one_audit_event_with_its_ground_and_purpose(filed_request):
    """``record_many`` per batch writes what ``record`` per notice wrote: the request as the
    object, its parent, the ground of the request as it stands (path A: the parent's consent and
    the declaration, R24/R29) and the purpose "termijnbewaking"."""
    from audit.grounds import Ground
    from audit.purposes import Purpose

    template = _filed(filed_request)
    requests_ = [template, *clone_requests(template, 11)]
    result = sweep_at(D(2026, 5, 27), batch_size=5)
    sent = set(DeadlineNotice.objects.filter(status=DeadlineNoticeStatus.SENT).values_list("pk", flat=True))
    assert result.sent == len(sent) == 3 * len(requests_)
    events = list(AuditEvent.objects.filter(event="request.deadline_notice_sent"))
    assert sorted(e.payload["deadline_notice_id"] for e in events) == sorted(sent)
    by_request = {str(r.pk): r for r in requests_}
    for event in events:
        req = by_request[event.object_id]
        assert (event.object_type, event.parent_ref) == ("requests.informationrequest", req.audit_ref)
        declaration = f"verklaring:{req.consent_declaration_id}"
        assert (event.ground, event.ground_ref) == (Ground.CONSENT, declaration)
        assert (event.purpose, event.sensitivity, event.on_behalf_of) == (
            Purpose.DEADLINES, "metadata", "deadline_sweep"
        )
    assert sweep_at(D(2026, 5, 28)).sent == 0
    assert AuditEvent.objects.filter(event="request.deadline_notice_sent").count() == len(sent)
