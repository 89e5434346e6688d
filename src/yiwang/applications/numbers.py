"""Application numbers (办件编号): ``<division><YYYYMMDD><5-digit number of the day>``, e.g. 330102 20261203 00042.

The number of the day comes from a database sequence per division and day on PostgreSQL (``nextval`` never waits
for another transaction, so taking a number serialises nothing), and from one upsert of the day's counter row on
SQLite (whose single writer orders every submission anyway). A PostgreSQL sequence does not roll back: a refused or
failed submission leaves a hole in the day's numbers, never a number given twice.
"""

from __future__ import annotations

import threading
from datetime import date

from django.db import DatabaseError, connection, transaction

from yiwang.applications.models import DailyCounter

__all__ = ["application_number", "prepare_day", "taken_before_transaction"]

_known: set[str] = set()  # sequences this process has seen exist
_known_lock = threading.Lock()


def _sequence(division_id: str, day: date) -> str:
    if not division_id.isdigit():
        raise ValueError(f"a division code is digits, not {division_id!r}")
    return f"applications_no_{division_id}_{day:%Y%m%d}"


def taken_before_transaction() -> bool:
    """Whether a number may be taken before the submission's transaction (a PostgreSQL sequence is not
    transactional); on SQLite the day's counter row is written inside it, so a failed submission gives it back."""
    return connection.vendor == "postgresql"


def prepare_day(division_id: str, day: date) -> None:
    """Make sure the day's sequence exists (PostgreSQL), before the submission's transaction opens: created in
    autocommit when outside a transaction, so a first submission of the day does not hold the others back."""
    if connection.vendor != "postgresql":
        return
    name = _sequence(division_id, day)
    if name in _known:
        return
    committed = not connection.in_atomic_block  # created in a transaction, it exists only if that one commits
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {name} MINVALUE 1 START WITH 1")
    except DatabaseError:  # created at the same moment by another process: it exists now
        pass
    if committed:
        with _known_lock:
            _known.add(name)


def application_number(division_id: str, day: date) -> str:
    """The next number of ``division_id`` on ``day``, inside the caller's transaction."""
    if connection.vendor == "postgresql":
        prepare_day(division_id, day)
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(%s)", [_sequence(division_id, day)])
            number = int(cursor.fetchone()[0])
    else:
        table = DailyCounter._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (division_id, day, last) VALUES (%s, %s, 1) "  # noqa: S608 - our table
                "ON CONFLICT (division_id, day) DO UPDATE SET last = last + 1 RETURNING last",
                [division_id, day.isoformat()],
            )
            number = int(cursor.fetchone()[0])
    return f"{division_id[:6]}{day:%Y%m%d}{number:05d}"
