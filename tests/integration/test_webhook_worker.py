"""Webhooks through a real Celery worker on Redis and PostgreSQL, to a real receiver on
127.0.0.1 (tests/toolkid/webhooks/receiver.py): the step's commit asks for a delivery run, the
worker posts, fails while the receiver is down, and delivers once when it is back. Runs in CI's
PostgreSQL/Redis pass; skipped otherwise."""

from __future__ import annotations

import uuid

import pytest
from django.db import transaction
from django.utils import timezone

from tests.toolkid.webhooks.receiver import Receiver
from toolkid.actors import Actor
from toolkid.models import DeliveryStatus, WebhookDelivery
from toolkid.webhooks import events
from toolkid.webhooks.services import endpoint_register
from toolkid.webhooks.tasks import deliver_webhooks

TIMEOUT_SECONDS = 60
#: A type the requests app registers (the worker builds nothing: the body is in the row).
EVENT_TYPE = "nl.toolkid.verzoek.ontvangen"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_once_the_receiver_is_back(celery_processes, wijkteam):
    receiver = Receiver()
    endpoint, receiver.secret = endpoint_register(
        actor=Actor.system("tests"), organisation=wijkteam, url=receiver.url, event_types=[EVENT_TYPE]
    )
    subject = str(uuid.uuid4())
    try:
        celery_processes.worker()
        with transaction.atomic():
            # The commit asks the worker for a run (emit → on_commit → deliver_webhooks.delay).
            events.emit(EVENT_TYPE, organisation=wijkteam, subject=subject,
                        data={"verzoek": subject}, source_key="integration:1")
        row = WebhookDelivery.objects.get(endpoint=endpoint)

        def failed_once():
            retrying = WebhookDelivery.objects.filter(status=DeliveryStatus.RETRYING, attempts=1)
            return retrying.filter(pk=row.pk).first()

        failed = celery_processes.wait_for(failed_once, TIMEOUT_SECONDS, "a first, failed attempt")
        assert failed.last_error == "ConnectError" and receiver.received == []

        receiver.start()
        # Instead of waiting out the 30 s backoff: the retry is due now; a run is asked for.
        WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        deliver_webhooks.delay()

        def delivered():
            return WebhookDelivery.objects.filter(pk=row.pk, status=DeliveryStatus.DELIVERED).first()

        done = celery_processes.wait_for(delivered, TIMEOUT_SECONDS, "the delivery")
        assert done.attempts == 2
        assert [r.event.get_id() for r in receiver.accepted] == [str(row.event_id)]
    finally:
        receiver.stop()
        celery_processes.stop_all()
