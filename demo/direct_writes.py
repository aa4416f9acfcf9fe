"""DEMO DATA ONLY: the two writes the demo makes outside the services, each saying why. Never use
these for anything but demo data."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from audit.events import record
from audit.models import AuditAction
from demo.audit_codes import DemoAuditCode
from requests.core.workflow import RequestStatus
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
