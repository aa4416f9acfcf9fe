"""Registering, switching off and rotating endpoints: the platform administrator alone,
audited without URL or secret; in production only https to public addresses."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from audit.models import AuditEvent
from tests.toolkid.webhooks.conftest import TEST_TYPE
from toolkid.actors import Actor
from toolkid.errors import Incomplete
from toolkid.models import Role, WebhookEndpoint
from toolkid.webhooks.services import endpoint_register, endpoint_secret_rotate


@pytest.fixture
def production(settings):
    settings.TOOLKID_WEBHOOKS_ALLOW_LOCAL = False


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://93.184.215.14/hook", "Alleen https-adressen"),
        ("https://127.0.0.1/hook", "intern of privé-netwerk"),
        ("https://[::1]/hook", "intern of privé-netwerk"),
        ("https://10.1.2.3/hook", "intern of privé-netwerk"),
        ("https://192.168.0.10/hook", "intern of privé-netwerk"),
        ("https://169.254.169.254/latest/meta-data", "intern of privé-netwerk"),
        ("https://localhost/hook", "intern of privé-netwerk"),
        ("https://gebruiker:wachtwoord@93.184.215.14/hook", "gebruikersnaam of wachtwoord"),
        ("ftp://93.184.215.14/hook", "geen geldig adres"),
    ],
)
def test_production_refuses_what_is_not_https_to_a_public_address(
    production, register, wijkteam, url, message
):
    with pytest.raises(Incomplete) as caught:
        register(wijkteam, url)
    assert message in str(caught.value.errors["url"])
    assert not WebhookEndpoint.objects.exists()


def test_production_accepts_https_to_a_public_address(production, register, wijkteam):
    endpoint, _ = register(wijkteam, "https://93.184.215.14/hook")
    assert endpoint.is_active


def test_event_types_must_be_chosen_and_known(register, wijkteam):
    with pytest.raises(Incomplete) as caught:
        register(wijkteam, "https://wijkteam.example/hook", types=())
    assert "event_types" in caught.value.errors
    with pytest.raises(Incomplete):
        register(wijkteam, "https://wijkteam.example/hook", types=("nl.toolkid.bestaat.niet",))


def test_only_the_platform_administrator_registers(make_user, wijkteam):
    beheerder = make_user((wijkteam, Role.BEHEERDER))
    actor = Actor(user=beheerder, organisation=wijkteam, roles=frozenset({Role.BEHEERDER}))
    with pytest.raises(PermissionDenied):
        endpoint_register(actor=actor, organisation=wijkteam, url="https://wijkteam.example/h",
                          event_types=[TEST_TYPE])


def test_registration_is_audited_without_url_or_secret(register, wijkteam, platform_admin):
    endpoint, secret = register(wijkteam, "https://wijkteam.example/geheim-pad")
    assert secret.startswith("whsec_") and endpoint.secret == secret
    event = AuditEvent.objects.get(event="webhook.endpoint_registered")
    assert event.user_id == platform_admin.pk and event.object_id == str(endpoint.pk)
    text = json.dumps(event.payload)
    assert secret not in text and "geheim-pad" not in text
    assert event.payload == {"organisation_id": wijkteam.pk, "event_types": [TEST_TYPE]}


def test_a_rotated_secret_signs_beside_the_old_one_until_the_overlap_ends(register, wijkteam, admin_actor):
    start = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False) as clock:
        endpoint, old = register(wijkteam, "https://wijkteam.example/hook")
        endpoint, new = endpoint_secret_rotate(
            actor=admin_actor, endpoint=endpoint, overlap=dt.timedelta(hours=1)
        )
        assert new != old
        assert endpoint.signing_secrets() == [new, old]
        clock.shift(dt.timedelta(hours=1, seconds=1))
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).signing_secrets() == [new]
    assert AuditEvent.objects.filter(event="webhook.secret_rotated").count() == 1
