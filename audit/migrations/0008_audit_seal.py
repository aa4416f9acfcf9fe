"""ADR 0006: events take their number from a sequence, without a lock, and a sealer covers them
with seals. This adds the seal table, its append-only triggers and, on PostgreSQL, the sequence
``audit_event_seq``, started after the last number the old chain used. The chain head stays where
it is: the end of the old chain, where the first seal starts.

On SQLite there is no sequence: writers are serialised by BEGIN IMMEDIATE, so ``record`` takes
the next number after the highest one.
"""

import django.utils.timezone
from django.db import migrations, models

SEQUENCE = "audit_event_seq"

CREATE_SQL = [
    f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE} AS bigint START WITH 1",
    f"""
    SELECT setval('{SEQUENCE}', GREATEST(
        COALESCE((SELECT max(seq) FROM audit_auditevent), 0),
        COALESCE((SELECT last_seq FROM audit_auditchainhead WHERE id = 1), 0)
    ) + 1, false)
    """,
    # Seals: never updated; deleted only by retention (the oldest, with its licence, as events);
    # truncated only by the test flush (toolkid.audit_maintenance), as events.
    """
    CREATE OR REPLACE FUNCTION audit_auditseal_refuse_change() RETURNS trigger
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
        RAISE EXCEPTION 'audit_auditseal is append-only'
            USING DETAIL = TG_OP || ' refused on ' || TG_TABLE_NAME,
                  HINT = 'Audit seals are never changed or removed (NEN 7513).';
    END;
    $body$;
    """,
    """
    CREATE TRIGGER audit_auditseal_append_only
        BEFORE UPDATE OR DELETE ON audit_auditseal
        FOR EACH ROW EXECUTE FUNCTION audit_auditseal_refuse_change();
    """,
    """
    CREATE TRIGGER audit_auditseal_no_truncate
        BEFORE TRUNCATE ON audit_auditseal
        FOR EACH STATEMENT EXECUTE FUNCTION audit_auditseal_refuse_change();
    """,
]

DROP_SQL = [
    "DROP TRIGGER IF EXISTS audit_auditseal_no_truncate ON audit_auditseal;",
    "DROP TRIGGER IF EXISTS audit_auditseal_append_only ON audit_auditseal;",
    "DROP FUNCTION IF EXISTS audit_auditseal_refuse_change();",
    f"DROP SEQUENCE IF EXISTS {SEQUENCE};",
]


def _execute_on_postgresql(schema_editor, statements):
    if schema_editor.connection.vendor != "postgresql":
        return
    for statement in statements:
        schema_editor.execute(statement)


def create_sequence_and_triggers(apps, schema_editor):
    _execute_on_postgresql(schema_editor, CREATE_SQL)


def drop_sequence_and_triggers(apps, schema_editor):
    _execute_on_postgresql(schema_editor, DROP_SQL)


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0007_ground_sensitivity'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditSeal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_seq', models.BigIntegerField(editable=False, unique=True, verbose_name='eerste volgnummer')),
                ('last_seq', models.BigIntegerField(editable=False, unique=True, verbose_name='laatste volgnummer')),
                ('event_count', models.PositiveIntegerField(editable=False, verbose_name='aantal gebeurtenissen')),
                ('gaps', models.JSONField(default=list, editable=False, verbose_name='gaten')),
                ('last_at', models.DateTimeField(editable=False, null=True, verbose_name='laatste tijdstip')),
                ('merkle_root', models.CharField(editable=False, max_length=64, verbose_name='Merkle-wortel')),
                ('prev_hash', models.CharField(editable=False, max_length=64, verbose_name='vorige hash')),
                ('hash', models.CharField(editable=False, max_length=64, unique=True, verbose_name='hash')),
                ('sealed_at', models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name='verzegeld op')),
            ],
            options={
                'verbose_name': 'auditzegel',
                'verbose_name_plural': 'auditzegels',
                'ordering': ['first_seq'],
                'default_permissions': ('view',),
                'constraints': [models.CheckConstraint(condition=models.Q(('last_seq__gte', models.F('first_seq'))), name='audit_seal_range')],
            },
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name="vorige hash"),
        ),
        migrations.RunPython(create_sequence_and_triggers, drop_sequence_and_triggers),
    ]
