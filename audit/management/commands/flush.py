"""``flush`` that can empty the audit table of a **test** database on PostgreSQL.

On PostgreSQL a trigger refuses TRUNCATE of ``audit_auditevent`` (migration 0003), and
Django's ``flush`` empties tables with one TRUNCATE. Transactional tests
(``TransactionTestCase``, ``django_db(transaction=True)``) flush after every test, so without
this they would all fail on PostgreSQL.

For a test database (name starting with ``test_``, or the configured TEST NAME) this runs
the flush with the transaction-local setting ``toolkid.audit_maintenance = 'on'``, which the
trigger honours for TRUNCATE only. For any other database nothing changes: the trigger
refuses, and a production flush cannot wipe the audit trail (L5: kept at least 5 years).
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as DjangoFlushCommand
from django.db import connections, transaction
from django.db.backends.base.creation import TEST_DATABASE_PREFIX


def is_test_database(connection) -> bool:
    name = str(connection.settings_dict.get("NAME") or "")
    test_name = (connection.settings_dict.get("TEST") or {}).get("NAME")
    return name.startswith(TEST_DATABASE_PREFIX) or (bool(test_name) and name == test_name)


class Command(DjangoFlushCommand):
    def handle(self, **options):
        database = options["database"]
        connection = connections[database]
        if connection.vendor != "postgresql" or not is_test_database(connection):
            return super().handle(**options)
        with transaction.atomic(using=database):
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL toolkid.audit_maintenance = 'on'")
            result = super().handle(**options)
            with connection.cursor() as cursor:
                # An empty log numbers from 1 again (ADR 0006), so the first seal of the next
                # test does not cover every number earlier tests drew.
                cursor.execute("SELECT to_regclass('audit_event_seq') IS NOT NULL")
                if cursor.fetchone()[0]:
                    cursor.execute("ALTER SEQUENCE audit_event_seq RESTART WITH 1")
            return result
