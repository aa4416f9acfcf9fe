"""PostgreSQL only: retention (L6, after the NEN 7513 minimum of 5 years) may delete the
oldest audit events, through one reviewed path, and nothing else changes.

Migration 0003 refuses UPDATE, DELETE and TRUNCATE always (TRUNCATE aside for test
flushes). This migration:

1. lets DELETE through only when the transaction-local setting
   ``toolkid.audit_retention = 'on'`` is set (``SET LOCAL``: it ends with the transaction).
   Only ``AuditEvent.objects._purge_prefix`` sets it, for one statement, in the transaction
   that also writes the retention register and the ``retention.deleted`` event. UPDATE
   stays refused always; the maintenance switch still opens TRUNCATE only;
2. adds a statement-level check after every DELETE: when an event older than the newest
   deleted one remains, the delete was not a prefix of the chain and is refused. What
   remains is therefore always one unbroken chain from an anchor to the head.
"""

from django.db import migrations

FUNCTION = "audit_auditevent_refuse_change"
PREFIX_FUNCTION = "audit_auditevent_prefix_only"

# The function of 0003, extended with the DELETE branch.
CREATE_SQL = [
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
    LANGUAGE plpgsql AS $body$
    BEGIN
        IF TG_OP = 'TRUNCATE'
           AND coalesce(current_setting('toolkid.audit_maintenance', true), '') = 'on' THEN
            RETURN NULL;
        END IF;
        IF TG_OP = 'DELETE'
           AND coalesce(current_setting('toolkid.audit_retention', true), '') = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit_auditevent is append-only'
            USING DETAIL = TG_OP || ' refused on ' || TG_TABLE_NAME,
                  HINT = 'Audit events are never changed or removed (NEN 7513).';
    END;
    $body$;
    """,
    f"""
    CREATE OR REPLACE FUNCTION {PREFIX_FUNCTION}() RETURNS trigger
    LANGUAGE plpgsql AS $body$
    BEGIN
        IF EXISTS (
            SELECT 1 FROM audit_auditevent
             WHERE seq < (SELECT max(seq) FROM removed_events)
        ) THEN
            RAISE EXCEPTION 'audit_auditevent is append-only'
                USING DETAIL = 'retention may only delete the oldest events (a prefix of the chain)',
                      HINT = 'Use audit.retention; never delete single audit events.';
        END IF;
        RETURN NULL;
    END;
    $body$;
    """,
    f"""
    CREATE TRIGGER audit_auditevent_prefix_only
        AFTER DELETE ON audit_auditevent
        REFERENCING OLD TABLE AS removed_events
        FOR EACH STATEMENT EXECUTE FUNCTION {PREFIX_FUNCTION}();
    """,
]

# Back to the function of 0003.
DROP_SQL = [
    "DROP TRIGGER IF EXISTS audit_auditevent_prefix_only ON audit_auditevent;",
    f"DROP FUNCTION IF EXISTS {PREFIX_FUNCTION}();",
    f"""
    CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger
    LANGUAGE plpgsql AS $body$
    BEGIN
        IF TG_OP = 'TRUNCATE'
           AND coalesce(current_setting('toolkid.audit_maintenance', true), '') = 'on' THEN
            RETURN NULL;
        END IF;
        RAISE EXCEPTION 'audit_auditevent is append-only'
            USING DETAIL = TG_OP || ' refused on ' || TG_TABLE_NAME,
                  HINT = 'Audit events are never changed or removed (NEN 7513).';
    END;
    $body$;
    """,
]


def _execute_on_postgresql(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        # params=None: no placeholder processing of the SQL text.
        schema_editor.execute(statement, params=None)


def extend_trigger(apps, schema_editor):
    _execute_on_postgresql(schema_editor, CREATE_SQL)


def restore_trigger(apps, schema_editor):
    _execute_on_postgresql(schema_editor, DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_retentionrecord")]

    operations = [
        migrations.RunPython(extend_trigger, restore_trigger),
    ]
