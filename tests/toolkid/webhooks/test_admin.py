"""Platformbeheer: an endpoint is registered through the service and its secret shown once;
deliveries are listed with status and attempts and can be sent again."""

from __future__ import annotations

import pytest

from audit.models import AuditEvent
from tests.toolkid.webhooks.conftest import OTHER_TYPE, TEST_TYPE
from toolkid.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from toolkid.webhooks import events

ADD = "/beheer/toolkid/webhookendpoint/add/"
LIST = "/beheer/toolkid/webhookendpoint/"
DELIVERIES = "/beheer/toolkid/webhookdelivery/"


@pytest.fixture
def admin_client(verified_client, platform_admin):
    return verified_client(platform_admin)


def add(admin_client, organisation, url="https://wijkteam.example/hook"):
    return admin_client.post(ADD, {"organisation": organisation.pk, "description": "Zaaksysteem",
                                   "url": url, "event_types": [TEST_TYPE, OTHER_TYPE]})


def test_the_secret_is_shown_once_right_after_saving(admin_client, wijkteam):
    response = add(admin_client, wijkteam)
    assert response.status_code == 200
    endpoint = WebhookEndpoint.objects.get()
    page = response.content.decode()
    assert endpoint.secret in page and "maar één keer getoond" in page
    assert "no-store" in response["Cache-Control"]
    assert sorted(endpoint.event_types) == sorted([TEST_TYPE, OTHER_TYPE])
    assert endpoint.created_by.username == "functioneel"
    assert AuditEvent.objects.filter(event="webhook.endpoint_registered", object_id=str(endpoint.pk)).exists()
    # Never again: not in the list, not on its own page.
    for url in (LIST, f"{LIST}{endpoint.pk}/change/"):
        later = admin_client.get(url)
        assert later.status_code == 200
        assert endpoint.secret not in later.content.decode()


def test_a_refused_address_is_a_form_error(admin_client, wijkteam, settings):
    settings.TOOLKID_WEBHOOKS_ALLOW_LOCAL = False
    response = add(admin_client, wijkteam, url="https://127.0.0.1/hook")
    assert response.status_code == 200
    assert "intern of privé-netwerk" in response.content.decode()
    assert not WebhookEndpoint.objects.exists()


def test_rotating_shows_the_new_secret(admin_client, register, wijkteam):
    endpoint, old = register(wijkteam, "https://wijkteam.example/hook")
    response = admin_client.post(LIST, {"action": "rotate_secret", "_selected_action": [endpoint.pk]})
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret in response.content.decode()
    assert endpoint.previous_secret == old


def test_deliveries_are_listed_and_sent_again(admin_client, register, wijkteam):
    endpoint, _ = register(wijkteam, "https://wijkteam.example/hook")
    events.emit(TEST_TYPE, organisation=wijkteam, subject="s", data={"verzoek": "s"}, source_key="k:1")
    row = WebhookDelivery.objects.get()
    WebhookDelivery.objects.filter(pk=row.pk).update(
        status=DeliveryStatus.GAVE_UP, attempts=15, last_status_code=503, last_error="HTTPStatusError"
    )
    page = admin_client.get(f"{DELIVERIES}?endpoint__id__exact={endpoint.pk}").content.decode()
    for text in ("Opgegeven", "503", "HTTPStatusError", "Testgebeurtenis", "Opnieuw versturen"):
        assert text in page, text

    response = admin_client.post(DELIVERIES, {"action": "resend", "_selected_action": [row.pk]})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.attempts) == (DeliveryStatus.PENDING, 15)
    assert AuditEvent.objects.filter(event="webhook.delivery_resent", object_id=str(row.pk)).exists()


def test_an_organisation_beheerder_does_not_reach_it(verified_client, make_user, wijkteam):
    from toolkid.models import Role

    beheerder = make_user((wijkteam, Role.BEHEERDER), is_staff=True)
    assert verified_client(beheerder).get(LIST).status_code in (302, 403)
