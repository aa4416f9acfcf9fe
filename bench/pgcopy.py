"""PostgreSQL bulk loading for the bench seeder (bench/seed.py): ``COPY … FROM STDIN`` through
psycopg's ``cursor.copy()``, with the plain indexes built after the load."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator

from django.core.management.color import no_style
from django.db import connection


def require_postgres() -> None:
    if connection.vendor != "postgresql":
        raise RuntimeError("bench seeding needs PostgreSQL (COPY); SQLite is refused")


def _column_plan(model, columns: Iterable[str] | None = None):
    """Per concrete field: attname, column, how to fill it when a row leaves it out, JSON or not."""
    from django.db import models

    plan = []
    for f in model._meta.concrete_fields:
        if columns is not None and f.attname not in columns:
            continue
        if f.has_default():
            fill = f.default if callable(f.default) else (lambda v=f.default: v)
        elif f.null:
            fill = lambda: None  # noqa: E731
        elif isinstance(f, models.CharField | models.TextField):
            fill = lambda: ""  # noqa: E731
        else:
            fill = None  # must be given
        plan.append((f.attname, f.column, fill, isinstance(f, models.JSONField)))
    return plan


def copy_rows(model, rows: Iterable[dict]) -> int:
    """COPY ``rows`` (dicts by attname; left-out fields take the model's default) into the
    model's table. Returns the number of rows."""
    plan = _column_plan(model)
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(c) for _, c, _, _ in plan)}) FROM STDIN"  # noqa: S608
    n = 0
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            out = []
            for attname, _column, fill, is_json in plan:
                if attname in row:
                    value = row[attname]
                elif fill is None:
                    raise ValueError(f"{model.__name__}.{attname} must be given")
                else:
                    value = fill()
                if is_json and value is not None:
                    value = json.dumps(value)
                out.append(value)
            copy.write_row(out)
            n += 1
    return n


@contextlib.contextmanager
def bulk_load(models_: list, *, fast: bool) -> Iterator[None]:
    """Load the way PostgreSQL loads fastest: the tables' plain indexes dropped during the COPY
    and built once afterwards, and (``fast``) the foreign-key triggers off for this transaction
    (``session_replication_role = replica``), as pg_restore does. The rows are generated
    consistent; tests/bench/test_seed.py seeds with the checks on."""
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        # Foreign keys are deferred: check what is pending now (an index cannot be dropped or
        # built while trigger events wait), and again after the load (below).
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        # Plain indexes only: those behind a primary key or unique constraint stay.
        cursor.execute(
            """SELECT i.indexname, i.indexdef FROM pg_indexes i
               WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)""",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        if fast:
            cursor.execute("SET LOCAL session_replication_role = replica")
    yield
    with connection.cursor() as cursor:
        if fast:
            cursor.execute("SET LOCAL session_replication_role = DEFAULT")
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _name, definition in indexes:
            cursor.execute(definition)


def next_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")  # noqa: S608
        return cursor.fetchone()[0] + 1


def reset_sequences(models_: list) -> None:
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models_):
            cursor.execute(sql)
