"""Shared fixtures: organisations, users with roles, and clients logged in with two factors."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.utils import translation
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from toolkid.actors import Actor
from toolkid.models import Organisation, OrganisationKind, Role, User
from toolkid.services import membership_grant, organisation_create

SYSTEM = Actor.system("tests")


@pytest.fixture(autouse=True)
def _dutch(settings):
    """Each test starts in Dutch: a request that chose English must not leave the thread's
    active language behind for the next test."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Rate-limit counters (toolkid.api.throttling) live in the cache: each test starts at zero."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _needs_postgres(request):
    """Tests marked ``postgres`` prove something only PostgreSQL can show (row locks across
    connections, triggers); on SQLite they are skipped, on CI they run."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def make_organisation(db) -> Callable[..., Organisation]:
    counter = {"n": 0}

    def make(name: str | None = None, kind: str = OrganisationKind.WIJKTEAM, municipality: str = "Heerlen"):
        counter["n"] += 1
        return organisation_create(
            actor=SYSTEM, name=name or f"Organisatie {counter['n']}", kind=kind, municipality=municipality
        )

    return make


@pytest.fixture
def make_user(db) -> Callable[..., User]:
    counter = {"n": 0}

    def make(*memberships: tuple[Organisation, str], username: str | None = None, **fields) -> User:
        counter["n"] += 1
        user = User.objects.create_user(
            username=username or f"gebruiker{counter['n']}", password="correct-horse-battery", **fields
        )
        for organisation, role in memberships:
            membership_grant(actor=SYSTEM, user=user, organisation=organisation, role=role)
        return user

    return make


def verify_client(client: Client, user: User) -> Client:
    """Log ``user`` in as if both factors were given (the login flow itself is tested in
    tests/toolkid/test_accounts_*.py)."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, name="authenticator", defaults={"confirmed": True}
    )
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


@pytest.fixture
def verified_client(db) -> Callable[[User], Client]:
    def make(user: User) -> Client:
        return verify_client(Client(), user)

    return make


@pytest.fixture
def wijkteam(make_organisation) -> Organisation:
    return make_organisation("Wijkteam Heerlen", OrganisationKind.WIJKTEAM, "Heerlen")


@pytest.fixture
def mondriaan(make_organisation) -> Organisation:
    return make_organisation("Mondriaan", OrganisationKind.VOLWASSENENZORG, "Heerlen")


@pytest.fixture
def requester(make_user, wijkteam) -> User:
    return make_user((wijkteam, Role.JEUGDHULPVERLENER), username="jeugd")


@pytest.fixture
def clinician(make_user, mondriaan) -> User:
    return make_user((mondriaan, Role.ZORGVERLENER), username="zorg")


def api_client(key: str | None = None, person: str | None = None):
    """An API client as a connected system calls: its key as Bearer, the person it acts for in
    ``Toolkid-Gebruiker`` (docs/adr/0007 §2)."""
    from rest_framework.test import APIClient

    client = APIClient()
    headers = {}
    if key:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {key}"
    if person:
        headers["HTTP_TOOLKID_GEBRUIKER"] = person
    client.credentials(**headers)
    return client


@pytest.fixture
def connected_system(db):
    """``make(organisation, **fields) -> (system, key)``: a system of that organisation that may
    act for its people with every role and scope unless told otherwise, and one fresh key."""
    from toolkid.api.models import ConnectedSystem, Scope
    from toolkid.api.services import system_key_issue, system_save

    counter = {"n": 0}

    def make(organisation: Organisation, **fields):
        counter["n"] += 1
        values = {
            "name": f"Systeem {counter['n']}", "slug": f"systeem-{counter['n']}",
            "roles": list(Role.values), "scopes": list(Scope.values), "acts_for_people": True,
            **fields,
        }
        system = system_save(actor=SYSTEM, system=ConnectedSystem(organisation=organisation, **values))
        _key, plaintext = system_key_issue(actor=SYSTEM, system=system)
        return system, plaintext

    return make
