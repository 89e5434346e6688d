"""Many rows of one model in a few ``executemany`` calls (an instruction's 30,000 receipts, 50,000 colours).

Django's ``bulk_create`` compiles every value of every row through the field machinery (about 1 ms a row here)
and, on SQLite, splits the rows into batches of a few dozen; an instruction to a province's villages would spend
seconds there. The caller prepares each column's value once (:func:`db_value`) and passes plain tuples. No
signals, no ``save()``, no model validation: for rows a service has already validated. On PostgreSQL the rows go
through ``COPY … FROM STDIN`` (into the table, or into a temporary table that one ``INSERT … SELECT … ON CONFLICT``
then merges): one statement for the lot instead of one per row.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connections, models, router, transaction

__all__ = ["db_value", "insert_rows", "upsert_rows"]

CHUNK = 5000
_temp_tables = itertools.count()


def _copy(cursor: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """``COPY table (columns) FROM STDIN`` of ``rows`` through psycopg (``cursor`` is Django's wrapper)."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _merge_through_temp(
    connection: Any, model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence[Any]], tail: str
) -> None:
    """COPY ``rows`` into a temporary table shaped like ``columns`` of ``model``'s, then ``INSERT … SELECT`` them
    into the table with ``tail`` (an ``ON CONFLICT`` clause); the temporary table is dropped."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    temp = quote(f"yw_bulk_{next(_temp_tables)}")
    listed = ", ".join(columns)
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        # names from the model's metadata, quoted; values travel by COPY
        cursor.execute(f"CREATE TEMPORARY TABLE {temp} AS SELECT {listed} FROM {table} WITH NO DATA")  # noqa: S608
        try:
            _copy(cursor, temp, columns, rows)
            cursor.execute(f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {temp} {tail}")  # noqa: S608
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {temp}")


def db_value(model: type[models.Model], field_name: str, value: Any) -> Any:
    """``value`` as the database driver takes it for ``model.field_name`` (prepare a constant once)."""
    using = router.db_for_write(model)
    field = model._meta.get_field(field_name)
    assert isinstance(field, models.Field)
    return field.get_db_prep_save(value, connections[using])


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field)
    return str(field.column)


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, ignore_conflicts: bool = False
) -> None:
    """INSERT ``rows`` (tuples of prepared values in the order of ``fields``) into ``model``'s table."""
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        quoted = [quote(_column(model, name)) for name in fields]
        if ignore_conflicts:
            _merge_through_temp(connection, model, quoted, rows, "ON CONFLICT DO NOTHING")
        else:
            with connection.cursor() as cursor:
                _copy(cursor, quote(model._meta.db_table), quoted, rows)
        return
    columns = ", ".join(quote(_column(model, name)) for name in fields)
    marks = ", ".join(["%s"] * len(fields))
    # Table and column names come from the model's metadata, quoted; values are parameters.
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    if ignore_conflicts:
        sql += " ON CONFLICT DO NOTHING"
    chunk: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)


def upsert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, conflict: Sequence[str]
) -> None:
    """INSERT ``rows`` into ``model``'s table, or UPDATE the other ``fields`` of the row whose ``conflict`` columns
    (a unique key) match: ``INSERT … ON CONFLICT (…) DO UPDATE SET col = excluded.col`` (PostgreSQL, SQLite ≥ 3.24)."""
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    columns = [quote(_column(model, name)) for name in fields]
    keys = [quote(_column(model, name)) for name in conflict]
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c not in keys)
    if connection.vendor == "postgresql":
        _merge_through_temp(
            connection, model, columns, rows, f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
        )
        return
    marks = ", ".join(["%s"] * len(fields))
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) VALUES ({marks}) "  # noqa: S608
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )
    chunk: list[Sequence[Any]] = []
    with connection.cursor() as cursor:
        for row in rows:
            chunk.append(row)
            if len(chunk) == CHUNK:
                cursor.executemany(sql, chunk)
                chunk = []
        if chunk:
            cursor.executemany(sql, chunk)
