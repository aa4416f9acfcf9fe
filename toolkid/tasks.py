"""Periodic housekeeping. Tasks are thin and idempotent; arguments are ids only."""

from __future__ import annotations

from celery import shared_task
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from toolkid.models import WorkerHeartbeat


@shared_task(name="toolkid.tasks.heartbeat")
def heartbeat() -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(name="beat").update(last_seen=now, beats=F("beats") + 1)
    if not updated:
        WorkerHeartbeat.objects.get_or_create(name="beat", defaults={"last_seen": now, "beats": 1})


@shared_task(name="toolkid.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    call_command("clearsessions")
