"""Periodic housekeeping. Tasks are thin and idempotent; arguments are ids only."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command

from toolkid.health import BEAT_HEARTBEAT, heartbeat_touch


@shared_task(name="toolkid.tasks.heartbeat")
def heartbeat() -> None:
    """Beat scheduled this and a worker ran it: the beat container's healthcheck
    (``manage.py health_check --heartbeat``) reads the row."""
    heartbeat_touch(name=BEAT_HEARTBEAT)


@shared_task(name="toolkid.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    call_command("clearsessions")


# The webhook delivery run lives with the webhooks; imported here so the worker registers it
# (Celery's autodiscovery looks at toolkid.tasks only).
from toolkid.webhooks.tasks import deliver_webhooks  # noqa: E402, F401
