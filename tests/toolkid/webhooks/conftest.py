"""Fixtures for the webhook tests: a platform administrator, a test event type, endpoints
registered through the service, and a real local receiver."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from django.utils.translation import gettext_lazy as _

from tests.toolkid.webhooks.receiver import Receiver
from toolkid.actors import Actor
from toolkid.models import Organisation, WebhookEndpoint
from toolkid.webhooks import events
from toolkid.webhooks.services import endpoint_register

#: A type the tests register themselves: the kernel's tests do not lean on the domain's types.
TEST_TYPE = "nl.toolkid.test.gebeurd"
OTHER_TYPE = "nl.toolkid.test.anders"


@pytest.fixture(autouse=True)
def _test_types() -> Iterator[None]:
    events.register(TEST_TYPE, _("Testgebeurtenis"))
    events.register(OTHER_TYPE, _("Andere testgebeurtenis"))
    yield
    for name in (TEST_TYPE, OTHER_TYPE):
        events._types.pop(name, None)


@pytest.fixture
def platform_admin(make_user):
    return make_user(username="functioneel", is_functional_admin=True)


@pytest.fixture
def admin_actor(platform_admin) -> Actor:
    return Actor(user=platform_admin, ip_address="192.0.2.1")


@pytest.fixture
def register(admin_actor) -> Callable[..., tuple[WebhookEndpoint, str]]:
    def make(organisation: Organisation, url: str, types: tuple[str, ...] = (TEST_TYPE,)):
        return endpoint_register(
            actor=admin_actor, organisation=organisation, url=url, event_types=list(types)
        )

    return make


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver that is NOT started yet (its port is closed): call ``.start()``."""
    made = Receiver()
    yield made
    made.stop()
