"""Periodic work on information requests. Tasks are thin and idempotent; arguments are ids
only (none here). The work is in ``requests/deadlines/services.py``.

Beat entries (toolkid/settings/base.py, ``CELERY_BEAT_SCHEDULE``): the deadline sweep every
``TOOLKID_SWEEP_SECONDS``, the removal of empty drafts once a night::

    "deadline-sweep": {"task": "requests.tasks.deadline_sweep", "schedule": ...}
    "remove-empty-drafts": {"task": "requests.tasks.remove_empty_drafts", "schedule": ...}
"""

from __future__ import annotations

from celery import shared_task

from requests.deadlines.services import deadline_sweep as _sweep
from requests.filing.draft import empty_drafts_remove
from toolkid.actors import Actor
from toolkid.health import SWEEP_HEARTBEAT, heartbeat_touch


@shared_task(name="requests.tasks.deadline_sweep")
def deadline_sweep() -> dict:
    """Send the reminders and escalations that are due as of now (caught up when a run was
    missed), then the e-mails of committed notifications. Running it twice, or in two workers
    at once, sends nothing twice. Returns counts only.

    A finished sweep touches its heartbeat: /gereed/ and the beat container's healthcheck
    turn unhealthy when it gets old (TOOLKID_SWEEP_STALE_AFTER). A failed sweep does not."""
    result = _sweep().as_dict()
    heartbeat_touch(name=SWEEP_HEARTBEAT)
    return result


@shared_task(name="requests.tasks.remove_empty_drafts")
def remove_empty_drafts() -> int:
    """Nightly: the drafts nobody typed anything in, a day after they were started."""
    return empty_drafts_remove(actor=Actor.system("empty_drafts"))
