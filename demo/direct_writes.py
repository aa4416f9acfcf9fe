"""DEMO DATA ONLY: the writes the demo makes outside the services, each saying why. Never use
these for anything but demo data."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from audit.events import record
from audit.models import AuditAction
from demo.audit_codes import DemoAuditCode
from requests.core.workflow import OPEN_FOR_PROVIDER, RequestStatus
from requests.models import InformationRequest, RequestEvent
from toolkid.actors import Actor
from toolkid.working_calendar import explain_due_date


def backdate_submission_for_demo(req: InformationRequest, *, submitted_on: dt.date) -> InformationRequest:
    """DEMO DATA ONLY: make a just-submitted request look as if it was sent on ``submitted_on``,
    so the inbox shows an overdue request the moment the demo is loaded.

    The services always use today's date, and time_machine is a development dependency that
    ``load_demo`` must not need at run time. So the request is first filed normally, then its
    ``submitted_at``, ``due_date`` and ``due_explanation`` are recomputed for the earlier day with
    the receiving organisation's own calendar (``explain_due_date``) and written with a queryset
    ``update()``, which bypasses the services on purpose. Its own timeline rows are moved to that
    moment too, so the request's page tells one story. The audit trail keeps the truth: the
    real events stay as they happened, plus one ``demo.request_backdated`` event that says what
    was changed. Never use this for anything but demo data.
    """
    explanation = explain_due_date(req.receiving_organisation, submitted_on)
    moment = timezone.make_aware(dt.datetime.combine(submitted_on, dt.time(9, 30)))
    InformationRequest.objects.filter(pk=req.pk).update(
        submitted_at=moment,
        due_date=explanation.due,
        due_explanation=explanation.to_dict(),
        created_at=moment,
    )
    RequestEvent.objects.filter(request=req).update(occurred_at=moment)
    record(
        actor=Actor.system("load_demo"),
        event=DemoAuditCode.REQUEST_BACKDATED,
        action=AuditAction.UPDATE,
        obj=req,
        parent_ref=req.audit_ref,
        payload={"submitted_on": submitted_on.isoformat(), "due_date": explanation.due.isoformat()},
    )
    return InformationRequest.objects.get(pk=req.pk)


def mark_draft(req: InformationRequest, key: uuid.UUID) -> InformationRequest:
    """DEMO DATA ONLY: a draft gets its ``submit_token`` only when it is sent, so the demo draft
    gets its case key written directly, to be found again by the next run. Sending it through
    the form later replaces the token (the form brings its own), as for any draft."""
    InformationRequest.objects.filter(pk=req.pk, status=RequestStatus.DRAFT).update(submit_token=key)
    return InformationRequest.objects.get(pk=req.pk)


def _submitted_for_due(req: InformationRequest, today: dt.date) -> dt.date:
    """The latest earlier day whose answer term (in the receiving organisation's calendar) ends
    today; on a day that is no working day, the one whose term ends first after today."""
    best: tuple[dt.date, dt.date] | None = None
    for back in range(1, 31):
        day = today - dt.timedelta(days=back)
        due = explain_due_date(req.receiving_organisation, day).due
        if due == today:
            return day
        if due > today and (best is None or due < best[0]):
            best = (due, day)
    return best[1] if best else today - dt.timedelta(days=7)


def keep_due_today_for_demo(req: InformationRequest, today: dt.date) -> InformationRequest:
    """DEMO DATA ONLY: the demo's "vandaag" request is due today whenever the demo is loaded, so
    the clinician's Vandaag shows a request due today (and not one that went overdue since the
    last load). Backdated like the overdue case (:func:`backdate_submission_for_demo`, with its
    audit event); left alone once answered, refused or withdrawn."""
    if req.status not in OPEN_FOR_PROVIDER:
        return req
    submitted_on = _submitted_for_due(req, today)
    if req.submitted_at and timezone.localtime(req.submitted_at).date() == submitted_on:
        return req
    return backdate_submission_for_demo(req, submitted_on=submitted_on)
