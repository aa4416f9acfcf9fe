"""The delivery run as a Celery task: no arguments, it works on rows (``toolkid.webhooks.outbox``).

Started two ways, both the same task: by ``emit()`` once the step's transaction committed (an
event goes out within seconds), and by beat every 30 s (``webhook-delivery`` in
``CELERY_BEAT_SCHEDULE``) for retries that came due and for runs asked for while Redis was away.
Not ``self.retry(countdown=…)``: a retry that lives in a broker message is lost with it, and the
house rule is thin tasks over rows.
"""

from __future__ import annotations

from celery import shared_task

from toolkid.webhooks.outbox import deliver_due


@shared_task(name="toolkid.webhooks.tasks.deliver_webhooks")
def deliver_webhooks() -> dict[str, int]:
    """Deliver every webhook that is due now. Counts only."""
    return deliver_due().as_dict()
