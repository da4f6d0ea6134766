"""After a transactional test, only the tables it wrote are emptied (PostgreSQL).

Every Django table carries a statement-level trigger that notes its name in `WRITES` the first
time a statement writes it, whichever connection wrote (the test's, a live server thread's, a
worker's). After a transactional test, pytest-django flushes the database: instead of a DELETE
of every table and the bank put back in bulk (about 0.25 s a test), the tables noted are emptied,
and nothing else is done when the test wrote none. A write to a table that holds the bank or to
one that `migrate` fills (content types, permissions), or a table without the trigger (a test
that migrated backwards made it anew), falls back to emptying every table, the bank then being
put back; the missing triggers are made again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper

WRITES = "test_tables_written"
TRIGGER = "test_note_write"
# What `migrate` fills: never emptied (post_migrate would only make them again).
KEPT = frozenset({"django_content_type", "auth_permission"})

_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT FROM {WRITES} WHERE name = TG_TABLE_NAME) THEN
        INSERT INTO {WRITES} (name) VALUES (TG_TABLE_NAME);
    END IF;
    RETURN NULL;
END $$
"""  # noqa: S608 (our own table)


def _trigger(table: str) -> str:
    return (
        f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE"
        f' ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()'
    )


def install(db: BaseDatabaseWrapper = connection) -> None:
    """The notes table (unlogged: it only lives as long as the test database) and a trigger on
    every table of the models, no table noted yet. No unique index: two transactions noting
    the same table never wait for each other (a name may be noted twice)."""
    tables = db.introspection.django_table_names(only_existing=True, include_views=False)
    with db.cursor() as cursor:
        cursor.execute(f"CREATE UNLOGGED TABLE IF NOT EXISTS {WRITES} (name text NOT NULL)")
        cursor.execute(_FUNCTION)
        for table in tables:
            cursor.execute(_trigger(table))
        cursor.execute(f"DELETE FROM {WRITES}")  # noqa: S608 (our own table)


def written(db: BaseDatabaseWrapper = connection) -> set[str]:
    """The tables noted since the last `forget()`."""
    with db.cursor() as cursor:
        cursor.execute(f"SELECT DISTINCT name FROM {WRITES}")  # noqa: S608 (our own table)
        return {name for (name,) in cursor.fetchall()}


def untracked(tables: Iterable[str], db: BaseDatabaseWrapper = connection) -> set[str]:
    """Those of `tables` without the trigger."""
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c WHERE c.relname = ANY(%s)"
            " AND c.relnamespace = current_schema()::regnamespace AND NOT EXISTS"
            " (SELECT FROM pg_trigger t WHERE t.tgrelid = c.oid AND t.tgname = %s)",
            [list(tables), TRIGGER],
        )
        return {name for (name,) in cursor.fetchall()}


def forget(db: BaseDatabaseWrapper = connection) -> None:
    with db.cursor() as cursor:
        cursor.execute(f"DELETE FROM {WRITES}")  # noqa: S608 (our own table)


class Flush:
    """The SQL that empties the database after a transactional test (in place of PostgreSQL's
    `DatabaseOperations.sql_flush`, whichever thread or context flushes): `emptied_all` tells
    whether it emptied every table (the bank goes back then), `post_migrate` whether `migrate`'s
    own rows may need making again, and `flushed` whether it ran since the bank last went back."""

    def __init__(self, truncate: Callable[..., list[str]], bank_tables: set[str]):
        self.truncate = truncate
        self.bank_tables = bank_tables
        self.flushed = False
        self.emptied_all = False
        self.post_migrate = True

    def __call__(
        self, ops: Any, style: Any, tables: list[str], *, reset_sequences=False, allow_cascade=False
    ) -> list[str]:
        db = ops.connection
        forget_them = f"DELETE FROM {WRITES};"  # noqa: S608 (our own table)
        self.flushed = True
        if reset_sequences:  # TRUNCATE, every table with its sequence, as Django does
            self.emptied_all, self.post_migrate = True, True
            return [
                *self.truncate(
                    ops, style, tables, reset_sequences=True, allow_cascade=allow_cascade
                ),
                forget_them,
            ]
        noted = written(db)
        missing = untracked(tables, db)
        full = bool(missing or noted & (self.bank_tables | KEPT))
        self.emptied_all, self.post_migrate = full, bool(noted & KEPT)
        chosen = [t for t in tables if t not in KEPT and (full or t in noted)]
        if not chosen and not missing:
            return [forget_them] if noted else []
        statements = [f"DELETE FROM {ops.quote_name(table)};" for table in chosen]  # noqa: S608
        statements += [f"{_trigger(table)};" for table in sorted(missing)]
        return [*statements, forget_them]
