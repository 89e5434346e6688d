"""Industries (国民经济行业分类, GB/T 4754-2017): the shipped table and its idempotent loader.

Reading ``registries/data/industries.csv`` is pure Python (used by the demo generator without a database);
:func:`load_industries` writes it into :class:`~yiwang.registries.models.Industry`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

INDUSTRIES_CSV = Path(__file__).resolve().parent / "data" / "industries.csv"


@dataclass(frozen=True, slots=True)
class IndustryRow:
    """One row of the shipped table: a section (门类, ``A``) or a division (大类, ``65``)."""

    code: str
    name: str
    section: str
    parent_code: str  # "" for a section


@lru_cache(maxsize=1)
def read_industries() -> tuple[IndustryRow, ...]:
    """The shipped industries, sections first (so parents precede children)."""
    with INDUSTRIES_CSV.open(encoding="utf-8", newline="") as f:
        return tuple(IndustryRow(r["code"], r["name"], r["section"], r["parent_code"]) for r in csv.DictReader(f))


def load_industries() -> int:
    """Load the shipped industries; return how many rows were inserted or updated. Idempotent, one transaction."""
    from django.db import transaction

    from yiwang.registries.models import Industry

    with transaction.atomic():
        existing = {
            code: (name, section, parent_id)
            for code, name, section, parent_id in Industry.objects.values_list("code", "name", "section", "parent_id")
        }
        new: list[Industry] = []
        changed: list[Industry] = []
        for row in read_industries():
            parent_id = row.parent_code or None
            industry = Industry(code=row.code, name=row.name, section=row.section, parent_id=parent_id)
            current = existing.get(row.code)
            if current is None:
                new.append(industry)
            elif current != (row.name, row.section, parent_id):
                changed.append(industry)
        Industry.objects.bulk_create(new, batch_size=1000)
        Industry.objects.bulk_update(changed, ["name", "section", "parent"], batch_size=1000)
    return len(new) + len(changed)
