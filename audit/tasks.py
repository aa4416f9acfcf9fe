"""Periodic audit housekeeping. Thin and idempotent: the work is in :mod:`audit.retention`.

Beat entry (toolkid/settings/base.py, ``CELERY_BEAT_SCHEDULE``), once a day::

    "retention-sweep": {"task": "audit.tasks.retention_sweep",
                        "schedule": crontab(hour=3, minute=30)},
    "audit-seal": {"task": "audit.tasks.seal", "schedule": timedelta(seconds=30)},
"""

from __future__ import annotations

from celery import shared_task

from audit.retention import retention_run
from audit.sealing import seal_pending
from toolkid.actors import Actor

SYSTEM_NAME = "retention_sweep"


@shared_task(name="audit.tasks.retention_sweep")
def retention_sweep() -> dict[str, int]:
    """Delete what outlived its term (L6), with register and audit event. Running it twice
    deletes nothing the second time. Returns counts only (ids and numbers, no content)."""
    result = retention_run(actor=Actor.system(SYSTEM_NAME), dry_run=False)
    return {
        "items": len(result.items) - len(result.skipped),
        "skipped": len(result.skipped),
        "rows": sum(result.deleted.values()),
    }


@shared_task(name="audit.tasks.seal")
def seal() -> dict[str, int]:
    """Seal the audit events older than the grace period (ADR 0006). A second run at the same
    time skips (advisory lock); a missed run is caught up by the next. Counts only."""
    run = seal_pending()
    return {"seals": run.seals, "events": run.events, "busy": int(run.busy)}
