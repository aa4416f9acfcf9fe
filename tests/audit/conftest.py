"""Fixtures for the audit tests: an organisation, a user and their actor, made directly in
the database so that no other audit events are written before a test starts."""

from __future__ import annotations

import pytest

from audit.catalogue import register
from audit.grounds import Sensitivity
from audit.purposes import Purpose
from tests.requests.conftest import (  # noqa: F401 - requests filed through the services
    filed_request,
    legal_advisor,
    other_provider,
    outsider_clinician,
    teamleider,
)
from toolkid.actors import Actor
from toolkid.models import Organisation, OrganisationKind, Role, User

from .helpers import TestAuditCode


@pytest.fixture(autouse=True, scope="session")
def _test_audit_codes() -> None:
    """The codes only these tests write: ``record`` refuses a code nobody registered."""
    register(
        TestAuditCode,
        purposes={code: Purpose.SYSTEM for code in TestAuditCode.values},
        sensitivities={code: Sensitivity.PERSONAL for code in TestAuditCode.values},
    )


@pytest.fixture
def audit_org(db) -> Organisation:
    return Organisation.objects.create(
        name="Mondriaan (audit)", kind=OrganisationKind.VOLWASSENENZORG, municipality="Heerlen"
    )


@pytest.fixture
def audit_user(db) -> User:
    return User.objects.create_user(username="zorgverlener.audit", password="correct-horse-battery")


@pytest.fixture
def actor(audit_user, audit_org) -> Actor:
    return Actor(
        user=audit_user,
        organisation=audit_org,
        roles=frozenset({Role.ZORGVERLENER}),
        ip_address="192.0.2.10",
    )
