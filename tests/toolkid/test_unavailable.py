"""Losing the database gives a 503 "tijdelijk niet beschikbaar" page with Retry-After, logged
once, and nothing half-written (issue #12, item 6). toolkid/views_health.py: server_error."""

from __future__ import annotations

import logging

import pytest
from django.db import DatabaseError, InterfaceError, OperationalError, connection, connections
from django.test import Client
from django.urls import reverse

from audit.models import AuditEvent
from toolkid.models import Membership, Role
from toolkid.views_health import RETRY_AFTER_SECONDS

pytestmark = pytest.mark.django_db

TITLE = "Tijdelijk niet beschikbaar"
BODY = "toolKID is even niet bereikbaar. Probeer het over een paar minuten opnieuw."
NOT_HALF = "Wat u net instuurde, is niet half opgeslagen"


def no_raise(client: Client) -> Client:
    # A real server turns the exception into a response; the test client would re-raise it.
    client.raise_request_exception = False
    return client


@pytest.fixture
def database_down(monkeypatch):
    """Call it, and every query from then on fails as when the server cannot be reached."""

    def switch(error: type[DatabaseError] = OperationalError) -> None:
        def refuse(*args, **kwargs):
            raise error('connection to server at "db" (10.0.0.5), port 5432 failed: Connection refused')

        monkeypatch.setattr(connection, "ensure_connection", refuse)

    return switch


def assert_unavailable_page(response) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == str(RETRY_AFTER_SECONDS)
    html = response.content.decode()
    assert f"<h1>{TITLE}</h1>" in html
    assert BODY in html and NOT_HALF in html
    assert "Er ging iets mis" not in html  # not the 500 page
    assert '<html lang="nl">' in html
    return html


@pytest.mark.parametrize("error", [OperationalError, InterfaceError])
def test_a_logged_in_page_without_database_is_a_503(verified_client, requester, database_down, error, caplog):
    client = no_raise(verified_client(requester))
    database_down(error)
    with caplog.at_level(logging.INFO):
        response = client.get("/verzoeken/")
    html = assert_unavailable_page(response)
    # The page needs no database: no user, no organisation, no notification count in it.
    assert requester.username not in html
    # Logged once, one line, without the traceback Django would add to its own record.
    records = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(records) == 1, [r.getMessage() for r in records]
    assert records[0].name == "toolkid.availability"
    assert records[0].exc_info is None
    assert "GET /verzoeken/" in records[0].getMessage()
    assert error.__name__ in records[0].getMessage()


def test_an_anonymous_page_without_database_is_a_503(client, database_down):
    # The session cookie is what makes the first query; a visitor with one lands here too.
    client.cookies["sessionid"] = "x" * 32
    database_down()
    response = no_raise(client).get("/account/inloggen/")
    assert_unavailable_page(response)


def test_the_page_follows_the_chosen_language(verified_client, requester, database_down):
    client = no_raise(verified_client(requester))
    client.cookies["django_language"] = "en"
    database_down()
    response = client.get("/verzoeken/")
    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="en">' in html and "Temporarily unavailable" in html


def test_other_errors_still_get_the_500_page(verified_client, requester, monkeypatch):
    client = no_raise(verified_client(requester))

    def broken(*args, **kwargs):
        raise ValueError("a bug")

    monkeypatch.setattr("toolkid.views.render", broken)
    response = client.get("/")
    assert response.status_code == 500
    assert "Er ging iets mis" in response.content.decode()
    assert "Retry-After" not in response


@pytest.fixture
def beheerder(make_user, mondriaan):
    return make_user((mondriaan, Role.BEHEERDER), username="beheer.m")


def test_losing_the_database_mid_write_leaves_nothing_half_written(
    verified_client, beheerder, clinician, mondriaan
):
    """The membership is ended, then the audit row cannot be written: the 503 page, and the
    membership is still active (one transaction, rolled back as a whole)."""
    client = no_raise(verified_client(beheerder))
    membership = Membership.objects.get(user=clinician, organisation=mondriaan)
    events_before = AuditEvent.objects.count()
    audit_table = AuditEvent._meta.db_table

    def cut_at_the_audit_row(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith("INSERT") and audit_table in sql:
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(cut_at_the_audit_row):
        response = client.post(reverse("members_end", args=[membership.pk]))
    assert_unavailable_page(response)
    membership.refresh_from_db()
    assert membership.is_active
    assert AuditEvent.objects.count() == events_before


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_real_lost_connection_on_postgresql_is_a_503(verified_client, requester, settings):
    """On PostgreSQL: the server ends this connection (pg_terminate_backend from a second
    one), then refuses new ones (a closed port). Both are a 503, not a 500."""
    client = no_raise(verified_client(requester))
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()
    port = connection.settings_dict.get("PORT")
    try:
        assert_unavailable_page(client.get("/verzoeken/"))
        connection.close()
        connection.settings_dict["PORT"] = "1"  # nothing listens there: connection refused
        assert_unavailable_page(client.get("/verzoeken/"))
    finally:
        connection.settings_dict["PORT"] = port
        connection.close()
    # And back again once the database is.
    assert client.get("/verzoeken/").status_code == 200
