"""Delivering the outbox: claim due rows, POST them, record what happened.

Rows, not broker messages, hold the work (as the e-mails in ``toolkid.notifications``): a run
claims due rows with ``select_for_update(skip_locked=True)`` in small batches and marks them
``wordt_verzonden`` with ``claimed_at`` in that short transaction, commits, posts outside any
transaction, and records the outcome. Runs side by side never take the same row; a run that
dies after claiming leaves the row to be taken again after ``TOOLKID_WEBHOOK_CLAIM_TIMEOUT``.
Delivery is therefore at least once; the CloudEvents id lets receivers drop a duplicate.

A failed attempt *n* (timeout, no connection, a non-2xx answer, an address no longer allowed)
waits ``min(30 s × 2^(n−1), 6 h)`` ± 10 % before the next; after
``TOOLKID_WEBHOOK_MAX_ATTEMPTS`` (15: the last about 33 hours after the first) the row is
``opgegeven``.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from toolkid.webhooks import delivery, signing
from toolkid.webhooks.models import DeliveryStatus, WebhookDelivery

S = DeliveryStatus

FIRST_DELAY = dt.timedelta(seconds=30)
MAX_DELAY = dt.timedelta(hours=6)
JITTER = 0.10
#: Rows per claim: a batch is posted one by one (at most 5 s each) before the next is claimed,
#: so a claim never sits long enough to expire under a slow receiver.
BATCH_SIZE = 10
#: A run stops claiming after this long; the next run (or beat tick) goes on. Well inside
#: Celery's soft time limit.
RUN_SECONDS = 240


def backoff(attempts: int, *, rng: random.Random | None = None) -> dt.timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling from 30 s, capped at 6 h,
    spread ±10 % so receivers that come back are not hit by every row at the same second."""
    base = min(FIRST_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY)
    return base * (rng or random).uniform(1 - JITTER, 1 + JITTER)


def due(now: dt.datetime):
    """Rows to claim: waiting or to retry and due, or claimed by a run that has not reported
    back in time."""
    stale = now - dt.timedelta(seconds=settings.TOOLKID_WEBHOOK_CLAIM_TIMEOUT)
    return WebhookDelivery.objects.filter(
        Q(status__in=(S.PENDING, S.RETRYING), next_attempt_at__lte=now)
        | Q(status=S.SENDING, claimed_at__lt=stale)
    )


def claim(*, now: dt.datetime, batch_size: int = BATCH_SIZE) -> list[int]:
    """Claim up to ``batch_size`` due rows (committed when this returns)."""
    with transaction.atomic():
        pks = list(
            due(now).select_for_update(skip_locked=True).order_by("next_attempt_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if pks:
            WebhookDelivery.objects.filter(pk__in=pks).update(status=S.SENDING, claimed_at=now)
    return pks


def attempt(row: WebhookDelivery) -> delivery.Outcome:
    """Sign and POST one claimed row (no transaction is open). An endpoint switched off
    meanwhile is not posted to."""
    endpoint = row.endpoint
    if not endpoint.is_active:
        return delivery.Outcome(None, "EndpointInactive")
    body = row.body.encode("utf-8")
    stamp = int(timezone.now().timestamp())
    headers = signing.headers(endpoint.signing_secrets(), str(row.event_id), stamp, body)
    return delivery.post(endpoint.url, body, headers)


def record(row: WebhookDelivery, outcome: delivery.Outcome) -> str:
    """Write the outcome of one attempt to its row; returns the new status."""
    now = timezone.now()
    attempts = row.attempts + 1
    fields = {"attempts": attempts, "last_status_code": outcome.status_code,
              "last_error": outcome.error, "claimed_at": None}
    if outcome.delivered:
        fields.update(status=S.DELIVERED, delivered_at=now)
    elif attempts >= settings.TOOLKID_WEBHOOK_MAX_ATTEMPTS or outcome.error == "EndpointInactive":
        fields.update(status=S.GAVE_UP)
    else:
        fields.update(status=S.RETRYING, next_attempt_at=now + backoff(attempts))
    # Only while it is still this run's claim: a row taken over after the claim expired (or
    # re-sent by hand meanwhile) is the other run's to record.
    WebhookDelivery.objects.filter(pk=row.pk, status=S.SENDING, claimed_at=row.claimed_at).update(**fields)
    return fields["status"]


@dataclass
class RunResult:
    delivered: int = 0
    failed: int = 0
    gave_up: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"delivered": self.delivered, "failed": self.failed, "gave_up": self.gave_up}


def deliver_due(*, batch_size: int = BATCH_SIZE, run_seconds: float = RUN_SECONDS) -> RunResult:
    """Deliver what is due now, batch by batch, until nothing is due or the run's time is up.
    Safe to run twice and in several workers at once. Counts only."""
    result = RunResult()
    started = time.monotonic()
    while time.monotonic() - started < run_seconds:
        pks = claim(now=timezone.now(), batch_size=batch_size)
        if not pks:
            break
        rows = WebhookDelivery.objects.filter(pk__in=pks).select_related("endpoint").order_by("pk")
        for row in rows:
            status = record(row, attempt(row))
            result.delivered += status == S.DELIVERED
            result.failed += status == S.RETRYING
            result.gave_up += status == S.GAVE_UP
    return result
