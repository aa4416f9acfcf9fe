"""Periodic work on information requests. Tasks are thin and idempotent; arguments are ids
only (here: none, or a count). The work is in ``requests/deadlines/services.py``.

Beat entries (toolkid/settings/base.py, ``CELERY_BEAT_SCHEDULE``): the deadline sweep every
``TOOLKID_SWEEP_SECONDS``, the removal of empty drafts once a night::

    "deadline-sweep": {"task": "requests.tasks.deadline_sweep", "schedule": ...}
    "remove-empty-drafts": {"task": "requests.tasks.remove_empty_drafts", "schedule": ...}

The sweep enqueues ``requests.tasks.deliver_emails`` for the e-mails: the ids of the
notifications it made, in chunks, and a count for those that waited from before.
"""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from requests.deadlines.services import deadline_sweep as _sweep
from requests.filing.draft import empty_drafts_remove
from toolkid import notifications
from toolkid.actors import Actor
from toolkid.health import SWEEP_HEARTBEAT, heartbeat_touch


@shared_task(name="requests.tasks.deadline_sweep")
def deadline_sweep() -> dict:
    """Send the reminders and escalations that are due as of now (caught up when a run was
    missed), then fan the e-mails of committed notifications out over delivery tasks
    (:func:`deliver_emails`): the ones this sweep made by id, and those still waiting from
    before it. Running it twice, or in two workers at once, sends nothing twice.
    Returns counts only.

    A finished sweep touches its heartbeat: /gereed/ and the beat container's healthcheck
    turn unhealthy when it gets old (TOOLKID_SWEEP_STALE_AFTER). A failed sweep does not."""
    started = timezone.now()
    outcome = _sweep(deliver_emails=False)
    result = outcome.as_dict()
    result["email_tasks"] = _fan_out_emails(outcome.notification_ids, before=started)
    heartbeat_touch(name=SWEEP_HEARTBEAT)
    return result


#: E-mails per delivery task: 10,000 notices mean some 20,000 e-mails, which several workers
#: send side by side (each claims its own rows). At most ``MAX_EMAIL_TASKS`` tasks per sweep
#: for the e-mails left from before it (a failed mail server, other services' notifications).
EMAIL_CHUNK = 500
MAX_EMAIL_TASKS = 8


def _fan_out_emails(ids: list[int], *, before: dt.datetime) -> int:
    """The sweep's own e-mails by id: a later sweep does not enqueue them again while they are
    being sent. Then the ones that waited before this sweep began, by count."""
    tasks = 0
    for start in range(0, len(ids), EMAIL_CHUNK):
        deliver_emails.delay(ids=ids[start:start + EMAIL_CHUNK])
        tasks += 1
    waiting = notifications.emails_waiting(cap=EMAIL_CHUNK * MAX_EMAIL_TASKS, before=before)
    for _ in range(-(-waiting // EMAIL_CHUNK)):
        deliver_emails.delay(EMAIL_CHUNK)
        tasks += 1
    return tasks


@shared_task(name="requests.tasks.deliver_emails")
def deliver_emails(limit: int | None = None, ids: list[int] | None = None) -> dict:
    """Send these notifications' e-mails (``ids``), or up to ``limit`` waiting ones; each
    claimed by one task only (see ``toolkid.notifications``). Counts only."""
    if ids is not None:
        return notifications.deliver_emails_by_id(ids)
    return notifications.deliver_pending_emails(batch_size=limit)


@shared_task(name="requests.tasks.remove_empty_drafts")
def remove_empty_drafts() -> int:
    """Nightly: the drafts nobody typed anything in, a day after they were started."""
    return empty_drafts_remove(actor=Actor.system("empty_drafts"))
