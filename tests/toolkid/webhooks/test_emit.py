"""emit(): one delivery row per active endpoint of the organisation that chose the type, in
the caller's transaction, once per cause; a body of ids and a link only."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from django.db import transaction
from kombu.exceptions import OperationalError

from tests.toolkid.webhooks.conftest import OTHER_TYPE, TEST_TYPE
from toolkid.models import DeliveryStatus, WebhookDelivery
from toolkid.webhooks import events
from toolkid.webhooks.services import endpoint_deactivate
from toolkid.webhooks.tasks import deliver_webhooks

SUBJECT = str(uuid.UUID(int=7))
DATA = {"verzoek": SUBJECT, "link": f"http://testserver/api/v1/verzoeken/{SUBJECT}"}


def emit(organisation, *, source_key="request_event:1", event_type=TEST_TYPE, data=None) -> int:
    return events.emit(event_type, organisation=organisation, subject=SUBJECT, data=data or DATA,
                       source_key=source_key)


def test_rows_only_for_the_organisations_active_endpoints_that_chose_the_type(
    register, admin_actor, wijkteam, mondriaan
):
    wanted, _ = register(wijkteam, "https://wijkteam.example/hook")
    register(wijkteam, "https://wijkteam.example/other", types=(OTHER_TYPE,))
    switched_off, _ = register(wijkteam, "https://wijkteam.example/old")
    endpoint_deactivate(actor=admin_actor, endpoint=switched_off)
    register(mondriaan, "https://mondriaan.example/hook")

    emit(wijkteam)

    rows = list(WebhookDelivery.objects.all())
    assert [(r.endpoint_id, r.event_type, r.status) for r in rows] == [
        (wanted.pk, TEST_TYPE, DeliveryStatus.PENDING)
    ]


def test_the_same_cause_twice_is_one_row(register, wijkteam):
    register(wijkteam, "https://wijkteam.example/hook")
    emit(wijkteam, source_key="request_event:9")
    emit(wijkteam, source_key="request_event:9")
    emit(wijkteam.pk, source_key="request_event:9")
    assert WebhookDelivery.objects.count() == 1
    emit(wijkteam, source_key="request_event:10")
    assert WebhookDelivery.objects.count() == 2


def test_rows_roll_back_with_the_step(register, wijkteam):
    register(wijkteam, "https://wijkteam.example/hook")
    with pytest.raises(RuntimeError), transaction.atomic():
        emit(wijkteam)
        raise RuntimeError("the step failed")
    assert not WebhookDelivery.objects.exists()


def test_the_body_is_compact_sorted_cloudevents_json_with_ids_and_a_link(register, wijkteam, settings):
    settings.SITE_URL = "https://toolkid.example"
    register(wijkteam, "https://wijkteam.example/hook")
    emit(wijkteam)
    row = WebhookDelivery.objects.get()
    event = json.loads(row.body)
    assert row.body == json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert event == {
        "specversion": "1.0",
        "id": str(row.event_id),
        "type": TEST_TYPE,
        "source": "https://toolkid.example/api/v1",
        "subject": SUBJECT,
        "time": event["time"],
        "datacontenttype": "application/json",
        "data": DATA,
    }
    assert event["time"].endswith("Z")


@pytest.mark.parametrize("value", ["Sanne de Vries\nBSN 111222333", "x" * 301, ["a"], {"naam": "x"}])
def test_data_holds_identifiers_and_links_only(register, wijkteam, value):
    register(wijkteam, "https://wijkteam.example/hook")
    with pytest.raises(ValueError, match="identifiers and links only"):
        emit(wijkteam, data={"verzoek": SUBJECT, "extra": value})
    assert not WebhookDelivery.objects.exists()


def test_an_unregistered_type_is_refused(wijkteam):
    with pytest.raises(ValueError, match="unknown webhook event type"):
        emit(wijkteam, event_type="nl.toolkid.bestaat.niet")


def test_a_delivery_run_is_asked_for_after_commit(register, wijkteam, django_capture_on_commit_callbacks,
                                                  monkeypatch):
    asked = []
    monkeypatch.setattr(deliver_webhooks, "delay", lambda: asked.append(True))
    register(wijkteam, "https://wijkteam.example/hook")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        emit(wijkteam)
        assert not asked
    for callback in callbacks:
        callback()
    assert asked == [True]


def test_a_broker_that_is_away_costs_one_log_line_not_the_step(
    register, wijkteam, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # Sending to the broker fails as kombu fails when Redis is away (tests/toolkid/
    # test_celery_outage.py does the same for beat); the row stays and beat delivers it.
    def away():
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_webhooks, "delay", away)
    register(wijkteam, "https://wijkteam.example/hook")
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        emit(wijkteam)
    assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 1
    lines = [r for r in caplog.records if r.name == "toolkid.webhooks.events"]
    assert len(lines) == 1 and not lines[0].exc_info
    assert "OperationalError: Error 111" in lines[0].getMessage()


def test_a_body_that_is_more_than_ids_and_a_link_is_refused(register, wijkteam):
    register(wijkteam, "https://wijkteam.example/hook")
    many = {f"id{number}": "x" * 300 for number in range(10)}
    with pytest.raises(ValueError, match="ids and a link only"):
        emit(wijkteam, data=many)
