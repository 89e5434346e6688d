"""Administrative divisions (行政区划): the shipped table and its idempotent loader.

The table is ``accounts/data/divisions.csv`` (NBS 统计用区划代码 2023, see ``data/README.md``). Reading it is pure
Python, so the demo generator and notebooks can use it without a database; :func:`load_divisions` writes it into
:class:`~yiwang.accounts.models.Division`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DIVISIONS_CSV = Path(__file__).resolve().parent / "data" / "divisions.csv"
_BATCH_SIZE = 2000


@dataclass(frozen=True, slots=True)
class DivisionRow:
    """One row of the shipped table."""

    code: str
    name: str
    level: int  # 1 province, 2 city, 3 county, 4 township (Division.Level)
    parent_code: str  # "" for a province


@lru_cache(maxsize=1)
def _all_rows() -> tuple[DivisionRow, ...]:
    with DIVISIONS_CSV.open(encoding="utf-8", newline="") as f:
        return tuple(DivisionRow(r["code"], r["name"], int(r["level"]), r["parent_code"]) for r in csv.DictReader(f))


def read_divisions(*, province_prefixes: Iterable[str] | None = None) -> list[DivisionRow]:
    """The shipped divisions, parents before children, optionally only those under some code prefixes.

    ``province_prefixes`` are code prefixes such as ``"33"`` (Zhejiang) or ``"3301"`` (Hangzhou); the ancestors of
    every selected division are included too, so that the result is always a closed tree.
    """
    rows = _all_rows()
    if province_prefixes is None:
        return list(rows)
    prefixes = tuple(province_prefixes)
    if not prefixes or not all(p.isdigit() and 2 <= len(p) <= 9 for p in prefixes):
        raise ValueError(f"province_prefixes must be digit strings like '33', got {prefixes!r}")
    by_code = {row.code: row for row in rows}
    wanted = {row.code for row in rows if row.code.startswith(prefixes)}
    for code in list(wanted):
        parent = by_code[code].parent_code
        while parent and parent not in wanted:
            wanted.add(parent)
            parent = by_code[parent].parent_code
    return [row for row in rows if row.code in wanted]


def load_divisions(*, province_prefixes: Iterable[str] | None = None) -> int:
    """Load the shipped divisions into the database; return how many rows were inserted or updated.

    Idempotent: existing codes get the shipped name (and level and parent), new codes are inserted, nothing is
    ever deleted (people, enterprises and scopes refer to codes). One transaction; inserts are batched with
    ``bulk_create``, parents before children, and ``prefix`` is computed here because ``bulk_create`` skips
    ``Division.save()``.
    """
    from django.db import transaction

    from yiwang.accounts.models import Division

    rows = read_divisions(province_prefixes=province_prefixes)
    with transaction.atomic():
        existing = {
            code: (name, level, parent_id)
            for code, name, level, parent_id in Division.objects.values_list("code", "name", "level", "parent_id")
        }
        new: list[Division] = []
        changed: list[Division] = []
        for row in rows:
            parent_id = row.parent_code or None
            division = Division(
                code=row.code,
                name=row.name,
                level=row.level,
                parent_id=parent_id,
                prefix=Division.prefix_for(row.code, row.level),
            )
            current = existing.get(row.code)
            if current is None:
                new.append(division)
            elif current != (row.name, row.level, parent_id):
                changed.append(division)
        # rows are sorted by level, so batches insert parents before children
        Division.objects.bulk_create(new, batch_size=_BATCH_SIZE)
        Division.objects.bulk_update(changed, ["name", "level", "parent", "prefix"], batch_size=_BATCH_SIZE)
    return len(new) + len(changed)
