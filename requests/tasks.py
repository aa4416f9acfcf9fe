"""Periodic work on information requests. Tasks are thin and idempotent; arguments are ids
only (none here). The work is in ``requests/deadlines/services.py``.

Beat entry (toolkid/settings/base.py, ``CELERY_BEAT_SCHEDULE``), every
``TOOLKID_SWEEP_SECONDS``::

    "deadline-sweep": {"task": "requests.tasks.deadline_sweep", "schedule": ...}
"""

from __future__ import annotations

from celery import shared_task

from requests.deadlines.services import deadline_sweep as _sweep


@shared_task(name="requests.tasks.deadline_sweep")
def deadline_sweep() -> dict:
    """Send the reminders and escalations that are due as of now (caught up when a run was
    missed), then the e-mails of committed notifications. Running it twice, or in two workers
    at once, sends nothing twice. Returns counts only."""
    return _sweep().as_dict()
