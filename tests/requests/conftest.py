"""Fixtures for the request tests: the people around one request, and ``filed_request``, a
factory that files a complete request through the services (reuse it for view tests).

Organisations and people (invented, DOMAIN.md): Wijkteam Heerlen asks Mondriaan (adult GGZ).
``requester`` (jeugdhulpverlener, wijkteam) and ``clinician`` (zorgverlener, Mondriaan) come from
tests/conftest.py; this file adds a team leader, a legal advisor, a second clinician, a
beheerder and outsiders of other organisations.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from requests.core import rules
from requests.filing.draft import request_draft_create, request_draft_update
from requests.filing.services import request_submit
from requests.models import ConsentPath, InformationRequest, LegalFramework
from toolkid.actors import Actor
from toolkid.models import Organisation, OrganisationKind, Role, User

from .helpers import (
    QUESTIONS,
    actor_for,
    children_data,
    complete_fields,
    make_consent,
    parent_data,
)


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked ``postgres`` need PostgreSQL (DATABASE_URL); skip them on SQLite."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL)")


# --- people ----------------------------------------------------------------------------------


@pytest.fixture
def teamleider(make_user, mondriaan) -> User:
    return make_user((mondriaan, Role.TEAMLEIDER), username="teamleider")


@pytest.fixture
def legal_advisor(make_user, mondriaan) -> User:
    return make_user((mondriaan, Role.JURIDISCH_ADVISEUR), username="jurist")


@pytest.fixture
def clinician2(make_user, mondriaan) -> User:
    return make_user((mondriaan, Role.ZORGVERLENER), username="zorg2")


@pytest.fixture
def beheerder(make_user, mondriaan) -> User:
    return make_user((mondriaan, Role.BEHEERDER), username="beheer")


@pytest.fixture
def wijkteam_teamleider(make_user, wijkteam) -> User:
    return make_user((wijkteam, Role.TEAMLEIDER), username="teamleider.wijk")


@pytest.fixture
def requester_colleague(make_user, wijkteam) -> User:
    return make_user((wijkteam, Role.JEUGDHULPVERLENER), username="jeugd2")


@pytest.fixture
def other_provider(make_organisation) -> Organisation:
    return make_organisation("GGZ Oostrand", OrganisationKind.VOLWASSENENZORG, "Kerkrade")


@pytest.fixture
def outsider_clinician(make_user, other_provider) -> User:
    """A clinician of another adult-care organisation."""
    return make_user((other_provider, Role.ZORGVERLENER), username="zorg.elders")


@pytest.fixture
def other_wijkteam(make_organisation) -> Organisation:
    return make_organisation("Wijkteam Kerkrade", OrganisationKind.WIJKTEAM, "Kerkrade")


@pytest.fixture
def outsider_requester(make_user, other_wijkteam) -> User:
    return make_user((other_wijkteam, Role.JEUGDHULPVERLENER), username="jeugd.elders")


# --- actors ----------------------------------------------------------------------------------


@pytest.fixture
def act() -> Callable[..., Actor]:
    """``act(user, organisation=None)``: the actor with the roles held at that organisation."""
    return actor_for


@pytest.fixture
def requester_actor(requester, wijkteam) -> Actor:
    return actor_for(requester, wijkteam)


@pytest.fixture
def clinician_actor(clinician, mondriaan) -> Actor:
    return actor_for(clinician, mondriaan)


@pytest.fixture
def clinician2_actor(clinician2, mondriaan) -> Actor:
    return actor_for(clinician2, mondriaan)


@pytest.fixture
def teamleider_actor(teamleider, mondriaan) -> Actor:
    return actor_for(teamleider, mondriaan)


@pytest.fixture
def legal_actor(legal_advisor, mondriaan) -> Actor:
    return actor_for(legal_advisor, mondriaan)


@pytest.fixture
def outsider_actor(outsider_clinician, other_provider) -> Actor:
    return actor_for(outsider_clinician, other_provider)


# --- requests --------------------------------------------------------------------------------

_REQUESTING_ORG_NAMES = {
    OrganisationKind.GI: ("Bureau Jeugdzorg Limburg", "Maastricht"),
    OrganisationKind.RVDK: ("Raad voor de Kinderbescherming Limburg", "Heerlen"),
    OrganisationKind.VEILIG_THUIS: ("Veilig Thuis Zuid-Limburg", "Heerlen"),
}


@pytest.fixture
def filed_request(
    make_organisation, make_user, wijkteam, mondriaan, requester
) -> Callable[..., InformationRequest]:
    """``filed_request(path="A"|"B"|"C", framework=None, ots=False, *, topics=("a", "b"),
    submit=True, receiving=None, incapacitated=False, fields=None)`` → a complete request filed
    through the services (submitted unless ``submit=False``).

    The requesting organisation follows the framework (L3): a GI for ``ots=True`` or
    ``framework="ots"``, the RvdK for ``"rvdk"``, Veilig Thuis for ``"veilig_thuis"``, else
    Wijkteam Heerlen (requester ``requester``). A framework other than the suggested one comes
    with a change reason. Path A gets a consent declaration for all six topics.

    The requester of a returned request is ``filed_request.requester_of(request)``.
    """
    sides: dict[str, tuple[Organisation, User]] = {OrganisationKind.WIJKTEAM: (wijkteam, requester)}

    def side(kind: str) -> tuple[Organisation, User]:
        if kind not in sides:
            name, municipality = _REQUESTING_ORG_NAMES[kind]
            org = make_organisation(name, kind, municipality)
            sides[kind] = (org, make_user((org, Role.JEUGDHULPVERLENER), username=f"jeugd.{kind}"))
        return sides[kind]

    def file(
        path: str = ConsentPath.A,
        framework: str | None = None,
        ots: bool = False,
        *,
        topics: tuple[str, ...] = ("a", "b"),
        submit: bool = True,
        receiving: Organisation | None = None,
        incapacitated: bool = False,
        fields: dict[str, Any] | None = None,
    ) -> InformationRequest:
        has_ots = ots or framework == LegalFramework.OTS
        kind = {
            LegalFramework.RVDK: OrganisationKind.RVDK,
            LegalFramework.VEILIG_THUIS: OrganisationKind.VEILIG_THUIS,
        }.get(framework, OrganisationKind.GI if has_ots else OrganisationKind.WIJKTEAM)
        org, user = side(kind)
        actor = actor_for(user, org)
        receiving = receiving or mondriaan

        values = complete_fields(path, receiving)
        values["has_ots"] = has_ots
        # L3: a draft's framework stays empty until chosen; choose the suggestion unless told.
        suggested = rules.suggest_framework(kind, has_ots, path)
        values["legal_framework"] = framework or suggested
        if framework and framework != suggested:
            values["framework_change_reason"] = "Er is sprake van ernstig gevaar; er is geen andere weg."
        values.update(fields or {})
        parent = parent_data()
        if incapacitated:
            parent.update(
                is_incapacitated=True, representative_name="M. Jansen", representative_kind="curator_mentor"
            )
        request = request_draft_create(actor=actor)
        request = request_draft_update(
            actor=actor,
            request=request,
            fields=values,
            parent=parent,
            children=children_data(),
            topics=[{"topic": letter, "question": QUESTIONS[letter]} for letter in topics],
        )
        if path == ConsentPath.A:
            declaration = make_consent(
                parent=request.parent,
                organisation=org,
                recipient=receiving,
                created_by=user,
                given_by="curator_mentor" if incapacitated else "ouder",
            )
            request = request_draft_update(
                actor=actor, request=request, fields={"consent_declaration": declaration}
            )
        if submit:
            request = request_submit(actor=actor, request=request, submit_token=uuid.uuid4())
        return request

    def requester_of(request: InformationRequest) -> Actor:
        return actor_for(request.requester, request.requesting_organisation)

    file.requester_of = requester_of  # type: ignore[attr-defined]
    return file


@pytest.fixture
def people(requester, requester_colleague, wijkteam_teamleider, clinician, clinician2, teamleider,
           legal_advisor, beheerder, outsider_clinician, outsider_requester) -> dict[str, Actor]:
    """Everyone around a request, as actors: both sides, every role, and outsiders of other
    organisations (for the walks through the policy)."""
    return {
        "requester": actor_for(requester),
        "requester_colleague": actor_for(requester_colleague),
        "wijkteam_teamleider": actor_for(wijkteam_teamleider),
        "clinician": actor_for(clinician),
        "clinician2": actor_for(clinician2),
        "teamleider": actor_for(teamleider),
        "legal": actor_for(legal_advisor),
        "beheerder": actor_for(beheerder),
        "outsider_clinician": actor_for(outsider_clinician),
        "outsider_requester": actor_for(outsider_requester),
    }
