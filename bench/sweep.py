"""The deadline sweep with ``n_due`` notices due at once (issue 11, item 6: 10,000 in ≤ 10 s,
each sent once). A function for ``make bench`` to call, not a script of its own:

    from bench.sweep import measure_sweep
    measure_sweep(10_000)  # -> {"n_due": 10000, "seconds": ..., "notices_seconds": ..., ...}

The caller has set Django up on a migrated, throw-away database (the rows written here stay:
audit events cannot be deleted). It seeds one provider and one requesting organisation, their
people and ``n_due`` open requests whose due-day notice is due, in bulk; then times the sweep's
two phases (plan and send the notices; mail the notifications by id, in the delivery tasks'
chunks, one after the other) and the nothing-due sweep that
follows, counting the queries of each. Returned keys:

- ``n_due``; ``seconds``: the whole sweep; ``notices_seconds`` / ``emails_seconds``: its phases;
- ``floor_seconds``: reading as many notices and writing their notifications, audit rows and
  marks in bulk, rolled back (:func:`_floor`); ``notices_vs_floor``: the notice phase against it;
- ``queries`` / ``email_queries``: statements sent in those phases;
- ``ms_per_notice``: ``notices_seconds`` per notice, in milliseconds;
- ``sent``, ``notifications``: from the sweep's result; ``sent_once``: every notice sent and
  nobody notified twice;
- ``nothing_due_ms``, ``nothing_due_queries``: a sweep right after, with nothing left to do.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from contextlib import contextmanager
from typing import Any


@contextmanager
def _counting():
    from django.db import connection

    counter = {"queries": 0}

    def count(execute, sql, params, many, context):
        counter["queries"] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        yield counter


def _seed(n_due: int, now: dt.datetime) -> str:
    """Organisations, people and ``n_due`` requests whose due-day notice is due at ``now``."""
    from requests.core.workflow import RequestStatus
    from requests.models import DeadlineNotice, DeadlineNoticeKind, DeadlineNoticeStatus, InformationRequest
    from toolkid.models import Membership, Organisation, OrganisationKind, Role, User

    tag = uuid.uuid4().hex[:8]
    provider = Organisation.objects.create(name=f"Bench GGZ {tag}", kind=OrganisationKind.VOLWASSENENZORG)
    requesting = Organisation.objects.create(name=f"Bench Wijkteam {tag}", kind=OrganisationKind.WIJKTEAM)
    people = {}
    for role, organisation in ((Role.ZORGVERLENER, provider), (Role.TEAMLEIDER, provider),
                               (Role.BEHEERDER, provider), (Role.JEUGDHULPVERLENER, requesting)):
        user = User.objects.create(username=f"bench-{role}-{tag}", email=f"{role}-{tag}@example.test")
        Membership.objects.create(user=user, organisation=organisation, role=role)
        people[role] = user
    due = (now - dt.timedelta(days=1)).date()
    rows = [
        InformationRequest(
            requesting_organisation=requesting,
            receiving_organisation=provider,
            requester=people[Role.JEUGDHULPVERLENER],
            assigned_clinician=people[Role.ZORGVERLENER],
            status=RequestStatus.IN_PROGRESS,
            reference=f"TK-B-{tag[:4]}{index:06d}",
            submitted_at=now - dt.timedelta(days=8),
            due_date=due,
            notices_planned_for=due,
        )
        for index in range(n_due)
    ]
    created = InformationRequest.objects.bulk_create(rows, batch_size=2000)
    DeadlineNotice.objects.bulk_create(
        [
            DeadlineNotice(request=req, kind=DeadlineNoticeKind.OVERDUE, due_date=due, send_on=due,
                           send_at=now - dt.timedelta(hours=1), status=DeadlineNoticeStatus.PLANNED)
            for req in created
        ],
        batch_size=2000,
    )
    from django.db import connection

    with connection.cursor() as cursor:
        # As bench/seed.py does after COPY: a planner without statistics of freshly written rows
        # reads the requests sequentially instead of the partial index of those left to plan.
        cursor.execute("ANALYZE requests_informationrequest, requests_deadlinenotice")
    return tag


class _Rollback(Exception):
    pass


def _floor(n_due: int) -> float | None:
    """What the sweep cannot do without, in one transaction that is rolled back: read ``n_due``
    notices with their requests, INSERT two notifications and one audit row per notice (copies
    of the last audit row: the chain is not what is timed here) and UPDATE the notices once.
    ``None`` when it cannot be built (no audit row yet, or a changed audit model)."""
    from django.db import models, transaction
    from django.utils import timezone

    from audit.models import AuditEvent
    from requests.models import DeadlineNotice
    from toolkid.models import Notification, NotificationKind

    last = AuditEvent.objects.order_by("-pk").first()
    if last is None:
        return None
    started = time.perf_counter()
    try:
        with transaction.atomic():
            ids = list(DeadlineNotice.objects.order_by("-pk").values_list("pk", flat=True)[:n_due])
            notices = list(DeadlineNotice.objects.filter(pk__in=ids).select_related("request"))
            user_id, org_id = notices[0].request.requester_id, notices[0].request.requesting_organisation_id
            Notification.objects.bulk_create([
                Notification(recipient_id=user_id, organisation_id=org_id, params={"reference": "x"},
                             kind=NotificationKind.DEADLINE_OVERDUE, source_key=f"floor:{uuid.uuid4().hex}")
                for _ in range(2 * len(notices))
            ], batch_size=1000)
            columns = {f.attname: getattr(last, f.attname) for f in AuditEvent._meta.concrete_fields
                       if not f.primary_key}
            rows = []
            for offset in range(1, len(notices) + 1):
                if "seq" in columns:
                    columns["seq"] = last.seq + offset
                if "hash" in columns:
                    columns["hash"] = uuid.uuid4().hex * 2
                rows.append(AuditEvent(**columns))
            models.QuerySet(AuditEvent).bulk_create(rows, batch_size=500)
            DeadlineNotice.objects.filter(pk__in=ids).update(processed_at=timezone.now())
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        return elapsed
    except Exception:  # a changed audit model (unique columns): no floor rather than no bench
        return None


def measure_sweep(n_due: int) -> dict[str, Any]:
    """Seed ``n_due`` due notices, sweep, and report (see the module's docstring)."""
    from collections import Counter

    from django.conf import settings
    from django.utils import timezone

    from requests.deadlines.services import SweepResult, claim_and_send, deadline_sweep, plan_missing_notices
    from requests.models import DeadlineNotice, DeadlineNoticeStatus
    from requests.tasks import EMAIL_CHUNK
    from toolkid import notifications
    from toolkid.models import Notification

    now = timezone.now()
    tag = _seed(n_due, now)
    result = SweepResult()
    started = time.perf_counter()
    with _counting() as notices_counter:
        result.planned = plan_missing_notices()
        claim_and_send(now=now, batch_size=settings.TOOLKID_SWEEP_BATCH_SIZE, result=result)
    notices_seconds = time.perf_counter() - started
    started = time.perf_counter()
    with _counting() as email_counter:
        # As the delivery tasks get them (requests.tasks): the sweep's ids in chunks, here one
        # worker after the other.
        ids = result.notification_ids
        for start in range(0, len(ids), EMAIL_CHUNK):
            for key, count in notifications.deliver_emails_by_id(ids[start:start + EMAIL_CHUNK]).items():
                result.emails[key] = result.emails.get(key, 0) + count
    emails_seconds = time.perf_counter() - started

    mine = DeadlineNotice.objects.filter(request__reference__startswith=f"TK-B-{tag[:4]}")
    keys = Counter(
        Notification.objects.filter(params__reference__startswith=f"TK-B-{tag[:4]}")
        .values_list("recipient_id", "source_key")
    )
    sent_once = (
        mine.filter(status=DeadlineNoticeStatus.SENT).count() == n_due
        and (not keys or max(keys.values()) == 1)
    )
    started = time.perf_counter()
    with _counting() as idle_counter:
        deadline_sweep(now=now, deliver_emails=False)
    nothing_due_ms = (time.perf_counter() - started) * 1000
    floor = _floor(n_due)
    return {
        "n_due": n_due,
        "floor_seconds": round(floor, 3) if floor is not None else None,
        "notices_vs_floor": round(notices_seconds / floor, 2) if floor else None,
        "seconds": round(notices_seconds + emails_seconds, 3),
        "notices_seconds": round(notices_seconds, 3),
        "emails_seconds": round(emails_seconds, 3),
        "queries": notices_counter["queries"],
        "email_queries": email_counter["queries"],
        "ms_per_notice": round(notices_seconds * 1000 / max(n_due, 1), 3),
        "sent": result.sent,
        "notifications": result.notifications,
        "emails": result.emails,
        "sent_once": sent_once,
        "nothing_due_ms": round(nothing_due_ms, 2),
        "nothing_due_queries": idle_counter["queries"],
    }
