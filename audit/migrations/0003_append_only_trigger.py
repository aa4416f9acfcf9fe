"""PostgreSQL only: the database itself refuses UPDATE, DELETE and TRUNCATE of audit events.

The ORM already refuses them (audit.models); this also stops raw SQL, other clients and
mistakes in a psql session (L5: the log is changed by no one). SQLite has no such guard;
there the hash chain (``manage.py audit_verify``) detects changes afterwards.

One escape hatch, for TRUNCATE only: the transaction-local setting
``toolkid.audit_maintenance = 'on'``. The ``flush`` command in audit/management sets it for
test databases, so transactional tests can empty the database. UPDATE is refused always;
DELETE is refused always (retention deletion, L6, will get its own reviewed path).
"""

from django.db import migrations

FUNCTION = "audit_auditevent_refuse_change"

CREATE_SQL = [
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
    f"""
    CREATE TRIGGER audit_auditevent_append_only
        BEFORE UPDATE OR DELETE ON audit_auditevent
        FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
    """,
    f"""
    CREATE TRIGGER audit_auditevent_no_truncate
        BEFORE TRUNCATE ON audit_auditevent
        FOR EACH STATEMENT EXECUTE FUNCTION {FUNCTION}();
    """,
]

DROP_SQL = [
    "DROP TRIGGER IF EXISTS audit_auditevent_no_truncate ON audit_auditevent;",
    "DROP TRIGGER IF EXISTS audit_auditevent_append_only ON audit_auditevent;",
    f"DROP FUNCTION IF EXISTS {FUNCTION}();",
]


def _execute_on_postgresql(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        # params=None: no placeholder processing of the SQL text.
        schema_editor.execute(statement, params=None)


def create_trigger(apps, schema_editor):
    _execute_on_postgresql(schema_editor, CREATE_SQL)


def drop_trigger(apps, schema_editor):
    _execute_on_postgresql(schema_editor, DROP_SQL)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_chain_head")]

    operations = [
        migrations.RunPython(create_trigger, drop_trigger),
    ]
