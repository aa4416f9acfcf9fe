"""Periodic work on information requests. Tasks are thin and idempotent; arguments are ids
only (here: none, or a count). The work is in ``requests/deadlines/services.py``.

Beat entries (toolkid/settings/base.py, ``CELERY_BEAT_SCHEDULE``): the deadline sweep every
``TOOLKID_SWEEP_SECONDS``, the removal of empty drafts once a night::

    "deadline-sweep": {"task": "requests.tasks.deadline_sweep", "schedule": ...}
    "remove-empty-drafts": {"task": "requests.tasks.remove_empty_drafts", "schedule": ...}

The sweep enqueues ``requests.tasks.deliver_emails`` (argument: a count) for the e-mails.
"""

from __future__ import annotations

from celery import shared_task

from requests.deadlines.services import deadline_sweep as _sweep
from requests.filing.draft import empty_drafts_remove
from toolkid import notifications
from toolkid.actors import Actor
from toolkid.health import SWEEP_HEARTBEAT, heartbeat_touch


@shared_task(name="requests.tasks.deadline_sweep")
def deadline_sweep() -> dict:
    """Send the reminders and escalations that are due as of now (caught up when a run was
    missed), then fan the e-mails of committed notifications out over delivery tasks
    (:func:`deliver_emails`). Running it twice, or in two workers at once, sends nothing twice.
    Returns counts only.

    A finished sweep touches its heartbeat: /gereed/ and the beat container's healthcheck
    turn unhealthy when it gets old (TOOLKID_SWEEP_STALE_AFTER). A failed sweep does not."""
    result = _sweep(deliver_emails=False).as_dict()
    result["email_tasks"] = _fan_out_emails()
    heartbeat_touch(name=SWEEP_HEARTBEAT)
    return result


#: E-mails per delivery task, and at most this many tasks per sweep: 10,000 notices mean some
#: 20,000 e-mails, which several workers send side by side (each claims its own rows).
EMAIL_CHUNK = 500
MAX_EMAIL_TASKS = 8


def _fan_out_emails() -> int:
    waiting = notifications.emails_waiting(cap=EMAIL_CHUNK * MAX_EMAIL_TASKS)
    tasks = -(-waiting // EMAIL_CHUNK)
    for _ in range(tasks):
        deliver_emails.delay(EMAIL_CHUNK)
    return tasks


@shared_task(name="requests.tasks.deliver_emails")
def deliver_emails(limit: int) -> dict:
    """Send up to ``limit`` waiting e-mails (each claimed by one task only: see
    ``toolkid.notifications.deliver_pending_emails``). Counts only."""
    return notifications.deliver_pending_emails(batch_size=limit)


@shared_task(name="requests.tasks.remove_empty_drafts")
def remove_empty_drafts() -> int:
    """Nightly: the drafts nobody typed anything in, a day after they were started."""
    return empty_drafts_remove(actor=Actor.system("empty_drafts"))
