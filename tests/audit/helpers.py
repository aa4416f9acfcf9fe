"""Tampering with the audit table the way an attacker with database access would; and the
codes the audit tests write that no app does."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection, models

from audit.grounds import Ground, GroundValue

#: The ground the tests give an event about a parent they write by hand (a request on path A).
A_GROUND = GroundValue(Ground.CONSENT, "vrijwillig", "verklaring:1")


class TestAuditCode(models.TextChoices):
    """Codes the audit tests record that no app writes (``record`` refuses unregistered codes),
    registered by tests/audit/conftest.py. All under ``test.``: no app will ever claim one."""

    __test__ = False  # not a test class, whatever pytest makes of the name

    REQUEST_CREATED = "test.request_created", "Testverzoek aangemaakt"
    REQUEST_ANSWERED = "test.request_answered", "Testverzoek beantwoord"
    REQUEST_UPDATED = "test.request_updated", "Testverzoek aangepast"
    TRANSITION = "test.transition", "Testverzoek van status veranderd"
    ESCALATED = "test.escalated", "Testverzoek geëscaleerd"
    CONSENT_ELSEWHERE_READ = "test.consent_elsewhere_read", "Testverklaring elders ingezien"
    CONCURRENT = "test.concurrent", "Testgebeurtenis van een gelijktijdige schrijver"
    OLD = "test.old", "Oude testgebeurtenis"
    AFTER_RETENTION = "test.after_retention", "Testgebeurtenis na de bewaartermijnronde"


@contextmanager
def triggers_disabled():
    """On PostgreSQL, switch the append-only triggers (events and seals) off for the rest of the
    test transaction (what a table owner could do in psql); on SQLite there are none."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # ALTER TABLE refuses while deferred foreign-key checks are pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            cursor.execute("ALTER TABLE audit_auditseal DISABLE TRIGGER USER")
    try:
        yield
    finally:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
                cursor.execute("ALTER TABLE audit_auditseal ENABLE TRIGGER USER")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def old_chain_head():
    """The head of the old chain (events before ADR 0006), locked, created when a flush removed
    it: for tests that write events the way the old code did."""
    from audit.models import AuditChainHead

    AuditChainHead.objects.get_or_create(pk=AuditChainHead.SINGLETON_PK)
    return AuditChainHead.objects.select_for_update().get(pk=AuditChainHead.SINGLETON_PK)


def raw_sql(sql: str, params: list | tuple = ()) -> None:
    with triggers_disabled(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert_events(actor, n: int, *, batch: int = 5000) -> None:
    """``n`` read events of ``actor`` numbered and hashed the way ``record`` does it (ADR 0006),
    but in batched raw INSERTs (the ORM refuses bulk inserts into the audit table; the trigger
    refuses only UPDATE and DELETE). For volume tests: ``record`` takes a few ms per event."""
    import datetime as dt

    from django.db import transaction

    from audit.events import _numbering
    from audit.hashing import HASHED_FIELDS, leaf_hash_of
    from audit.models import AuditEvent

    fields = {f.attname: f for f in AuditEvent._meta.concrete_fields}
    columns = (*HASHED_FIELDS, "hash")
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(AuditEvent._meta.db_table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with transaction.atomic(), _numbering() as draw, connection.cursor() as cursor:
        numbers = draw(n)
        start = dt.datetime.now(dt.UTC)
        rows = []
        for i, seq in enumerate(numbers):
            values = {
                "seq": seq,
                "occurred_at": start + dt.timedelta(microseconds=i),
                "event": "request.read",
                "action": "read",
                "outcome": "allowed",
                "user_id": actor.user.pk,
                "username": actor.user.username,
                "role": actor.role_label,
                "organisation_id": actor.organisation.pk,
                "on_behalf_of": "",
                "parent_ref": f"ouder:00000000-0000-0000-0000-{i % 4099:012d}",
                "object_type": "requests.informationrequest",
                "object_id": str(i % 9973),
                "ip_address": actor.ip_address,
                "payload": {"n": i},
                "prev_hash": "",
                "purpose": "behandelen",
                "audit_source": "toolkid-test",
                "site": str(actor.organisation.pk),
                "ground": "toestemming",
                "ground_framework": "vrijwillig",
                "ground_ref": f"verklaring:{i % 97}",
                "sensitivity": "gezondheid",
            }
            values["hash"] = leaf_hash_of(values)
            rows.append([fields[c].get_db_prep_save(values[c], connection) for c in columns])
            if len(rows) >= batch:
                cursor.executemany(sql, rows)
                rows.clear()
        if rows:
            cursor.executemany(sql, rows)
