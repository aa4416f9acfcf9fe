"""Tampering with the audit table the way an attacker with database access would."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


@contextmanager
def triggers_disabled():
    """On PostgreSQL, switch the append-only trigger off for the rest of the test transaction
    (what a table owner could do in psql); on SQLite there is no trigger to switch off."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # ALTER TABLE refuses while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def raw_sql(sql: str, params: list | tuple = ()) -> None:
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)
