"""Delivery to a real HTTP receiver on 127.0.0.1 (tests/toolkid/webhooks/receiver.py), which
checks the signature with its own hmac code and parses the body with the cloudevents SDK.
Time is moved with time-machine, never slept."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from tests.toolkid.webhooks.conftest import TEST_TYPE
from tests.toolkid.webhooks.receiver import Receiver
from toolkid.models import DeliveryStatus, WebhookDelivery
from toolkid.webhooks import events
from toolkid.webhooks.outbox import backoff, deliver_due
from toolkid.webhooks.services import delivery_resend, endpoint_deactivate

S = DeliveryStatus
START = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
SUBJECT = str(uuid.UUID(int=42))


def emit(organisation, source_key: str = "request_event:1") -> WebhookDelivery:
    events.emit(TEST_TYPE, organisation=organisation, subject=SUBJECT,
                data={"verzoek": SUBJECT, "link": f"http://testserver/api/v1/verzoeken/{SUBJECT}"},
                source_key=source_key)
    return WebhookDelivery.objects.get(source_key=source_key)


def fresh(row: WebhookDelivery) -> WebhookDelivery:
    return WebhookDelivery.objects.get(pk=row.pk)


@pytest.fixture
def endpoint(register, wijkteam, receiver):
    endpoint, secret = register(wijkteam, receiver.url)
    receiver.secret = secret
    return endpoint


def test_delivered_signed_as_a_cloudevent(endpoint, wijkteam, receiver):
    receiver.start()
    row = emit(wijkteam)

    assert deliver_due().delivered == 1

    [got] = receiver.received
    assert got.signed, "the receiver's own HMAC check failed"
    assert got.headers["content-type"] == "application/cloudevents+json"
    assert got.headers["webhook-id"] == str(row.event_id)
    assert got.body == row.body.encode()
    event = got.event
    assert event.get_id() == str(row.event_id)
    assert event.get_type() == TEST_TYPE
    assert event.get_subject() == SUBJECT
    assert event.get_specversion() == "1.0"
    assert event.get_data() == {"verzoek": SUBJECT, "link": f"http://testserver/api/v1/verzoeken/{SUBJECT}"}
    row = fresh(row)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (S.DELIVERED, 1, 204, "")
    assert row.delivered_at is not None
    # Nothing is sent twice.
    assert deliver_due().delivered == 0 and len(receiver.received) == 1


def test_a_receiver_that_is_down_for_a_while_gets_it_once_when_back(endpoint, wijkteam, receiver):
    with time_machine.travel(START, tick=False) as clock:
        row = emit(wijkteam)
        waits = []
        for attempt in (1, 2, 3):
            assert deliver_due().failed == 1  # the port is closed
            row = fresh(row)
            assert (row.status, row.attempts, row.last_status_code) == (S.RETRYING, attempt, None)
            assert row.last_error == "ConnectError"
            wait = (row.next_attempt_at - timezone.now()).total_seconds()
            # Attempt n waits 30 s · 2^(n−1), ±10 %.
            assert 0.9 * 30 * 2 ** (attempt - 1) <= wait <= 1.1 * 30 * 2 ** (attempt - 1)
            waits.append(wait)
            # Not due yet: a run now sends nothing.
            assert deliver_due().failed == 0 and fresh(row).attempts == attempt
            clock.move_to(row.next_attempt_at)

        receiver.start()
        assert deliver_due().delivered == 1
        assert deliver_due().delivered == 0

    assert len(receiver.accepted) == 1
    assert receiver.accepted[0].event.get_id() == str(row.event_id)
    row = fresh(row)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (S.DELIVERED, 4, 204, "")
    assert waits == sorted(waits)


def test_a_resend_delivers_again_with_the_same_id(endpoint, wijkteam, receiver, admin_actor):
    receiver.start()
    row = emit(wijkteam)
    deliver_due()
    delivery_resend(actor=admin_actor, delivery=fresh(row))
    assert fresh(row).status == S.PENDING
    assert deliver_due().delivered == 1
    ids = [r.event.get_id() for r in receiver.accepted]
    assert ids == [str(row.event_id), str(row.event_id)]
    assert fresh(row).attempts == 2


def test_a_non_2xx_answer_is_a_failed_attempt_without_its_body(endpoint, wijkteam, receiver):
    receiver.status = 500
    receiver.start()
    row = emit(wijkteam)
    assert deliver_due().failed == 1
    row = fresh(row)
    assert (row.status, row.last_status_code, row.last_error) == (S.RETRYING, 500, "HTTPStatusError")


def test_a_redirect_is_not_followed(endpoint, wijkteam, receiver):
    elsewhere = Receiver(secret=receiver.secret).start()
    try:
        receiver.status, receiver.location = 307, elsewhere.url
        receiver.start()
        row = emit(wijkteam)
        assert deliver_due().failed == 1
        assert fresh(row).last_status_code == 307
        assert elsewhere.received == []
    finally:
        elsewhere.stop()


def test_given_up_after_the_last_attempt(endpoint, wijkteam, settings):
    settings.TOOLKID_WEBHOOK_MAX_ATTEMPTS = 3
    with time_machine.travel(START, tick=False) as clock:
        row = emit(wijkteam)
        for _ in range(3):
            deliver_due()
            clock.move_to(fresh(row).next_attempt_at)
        clock.shift(dt.timedelta(days=7))
        assert deliver_due().failed == 0
    row = fresh(row)
    assert (row.status, row.attempts) == (S.GAVE_UP, 3)


def test_backoff_doubles_and_is_capped_at_six_hours():
    for attempts, base in ((1, 30), (2, 60), (5, 480), (10, 15360), (11, 6 * 3600), (15, 6 * 3600)):
        wait = backoff(attempts).total_seconds()
        assert 0.9 * base <= wait <= 1.1 * base, (attempts, wait)


def test_a_claim_older_than_ten_minutes_is_taken_again(endpoint, wijkteam, receiver):
    receiver.start()
    with time_machine.travel(START, tick=False) as clock:
        row = emit(wijkteam)
        WebhookDelivery.objects.filter(pk=row.pk).update(status=S.SENDING, claimed_at=timezone.now())
        clock.shift(dt.timedelta(minutes=9))
        assert deliver_due().delivered == 0  # another run may still be posting it
        clock.shift(dt.timedelta(minutes=2))
        assert deliver_due().delivered == 1  # that run died
    assert len(receiver.accepted) == 1


def test_a_switched_off_endpoint_is_not_posted_to(endpoint, wijkteam, receiver, admin_actor):
    receiver.start()
    row = emit(wijkteam)
    endpoint_deactivate(actor=admin_actor, endpoint=endpoint)
    assert deliver_due().gave_up == 1
    assert receiver.received == [] and fresh(row).status == S.GAVE_UP


def test_an_address_no_longer_allowed_is_checked_again_before_sending(endpoint, wijkteam, receiver, settings):
    receiver.start()
    row = emit(wijkteam)
    settings.TOOLKID_WEBHOOKS_ALLOW_LOCAL = False  # production: 127.0.0.1 over http is refused
    assert deliver_due().failed == 1
    assert receiver.received == []
    assert fresh(row).last_error == "UnsafeUrl"
