"""Enterprise facts for policy rules (企业画像): the fact schema and columnar snapshots of the legal-entity registry.

Each fact is named after a registry data element (一数一源一标准) and cites it as its source. Money facts are in
yuan (the registry stores 万元), so that amount formulas (a percentage of tax paid) come out in yuan.
The snapshot is ordered by USCC: characters 3–8 of a USCC are the registering division, so this order clusters
districts and the engine's district-bound policies touch only their slice of the bitmaps.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

import numpy as np
from cryptography.hazmat.primitives import hashes

from yiwang.registries.credit import current_rating, current_risk_class_expression
from yiwang.registries.models import LegalEntity
from yiwang.rules import FactSchema, FactTable

#: Tag vocabulary of the registry (entity.tags).
TAGS = ("高新技术企业", "专精特新", "小微企业", "科技型中小企业")
WAN = Decimal(10000)
CHUNK_SIZE = 5000


@dataclass(frozen=True)
class FactSource:
    name: str
    type: str
    label: str
    element: str
    unit: str = ""
    codes: tuple[str, ...] = ()


FACTS: tuple[FactSource, ...] = (
    FactSource("district", "category", "所在区县", "entity.division"),
    FactSource("industry", "category", "国民经济行业大类", "entity.industry"),
    FactSource("size", "category", "企业规模", "entity.size", codes=("large", "medium", "small", "micro")),
    FactSource("headcount", "int", "从业人数", "entity.headcount", "人"),
    FactSource("annual_revenue", "decimal", "年营业收入", "entity.annual_revenue", "元"),
    FactSource("tax_paid", "decimal", "上年度纳税额", "entity.tax_paid", "元"),
    FactSource("social_insurance_headcount", "int", "社保参保人数", "entity.social_insurance_headcount", "人"),
    FactSource("founding_date", "date", "成立日期", "entity.founding_date"),
    FactSource("registered_capital", "decimal", "注册资本", "entity.registered_capital", "元"),
    FactSource("tags", "tags", "企业标签", "entity.tags", codes=TAGS),
    FactSource("credit_class", "category", "信用风险分类", "credit.risk_class", codes=("A", "B", "C", "D")),
    FactSource("status", "category", "登记状态", "entity.status", codes=("active", "revoked", "cancelled")),
)

ENTERPRISE_SCHEMA = FactSchema.from_dict(
    {
        f.name: {"type": f.type, "label": f.label, "source": f.element, "unit": f.unit, "codes": list(f.codes)}
        for f in FACTS
    }
)

_CATEGORY = ("district", "industry", "size", "credit_class", "status")
_DECIMAL = ("annual_revenue", "tax_paid", "registered_capital")
_INT = ("headcount", "social_insurance_headcount")
# Column order of the values_list below (after uscc).
_FIELDS = (
    "division_id",
    "industry_id",
    "size",
    "headcount",
    "annual_revenue",
    "tax_paid",
    "social_insurance_headcount",
    "founding_date",
    "registered_capital",
    "tags",
    "credit_class",
    "status",
)


class Snapshot(NamedTuple):
    """A columnar snapshot: facts, the USCC of each row (``S18`` array, ascending) and a content hash."""

    table: FactTable
    usccs: np.ndarray
    snapshot_hash: str

    def row_of(self, uscc: str) -> int | None:
        """The row of one USCC, or ``None`` when it is not in the snapshot."""
        key = uscc.encode("ascii")
        i = int(np.searchsorted(self.usccs, key))
        return i if i < len(self.usccs) and self.usccs[i] == key else None


def _district(division_code: str | None) -> str | None:
    return division_code[:6] if division_code else None


def _industry(code: str | None) -> str | None:
    """The 2-digit division (大类) of a GB/T 4754 code; a bare section letter has none."""
    return code[:2] if code and code[:2].isdigit() else None


def _yuan(value: Decimal | None) -> Decimal | None:
    """万元 → 元, exactly: in Decimal, before any float column (0.07 万元 is 700 元, not 700.0000000000001)."""
    return None if value is None else value * WAN


#: The registration statuses matched against policies: a revoked or cancelled enterprise gets no benefit, in a
#: matching run and in the calculator alike.
MATCHED_STATUSES = (LegalEntity.Status.ACTIVE,)


def is_matched(entity: LegalEntity) -> bool:
    """Whether policies apply to this entity at all (the one rule of matching runs and of the calculator)."""
    return entity.status in MATCHED_STATUSES


class _Columns:
    """Growing numpy columns, filled one chunk at a time (no Python object per entity outlives its chunk)."""

    def __init__(self) -> None:
        self.dictionaries: dict[str, dict[str, int]] = {name: {} for name in _CATEGORY}
        self.parts: dict[str, list[np.ndarray]] = {}
        self.usccs: list[np.ndarray] = []

    def add(self, name: str, array: np.ndarray) -> None:
        self.parts.setdefault(name, []).append(array)

    def codes(self, name: str, values: list[str | None]) -> np.ndarray:
        index = self.dictionaries[name]
        return np.array([-1 if v is None or v == "" else index.setdefault(v, len(index)) for v in values], np.int32)

    def add_chunk(self, rows: list[tuple[Any, ...]]) -> None:
        cols = list(zip(*rows, strict=True))
        self.usccs.append(np.array(cols[0], dtype="S18"))
        by_field = dict(zip(_FIELDS, cols[1:], strict=True))
        self.add("district", self.codes("district", [_district(v) for v in by_field["division_id"]]))
        self.add("industry", self.codes("industry", [_industry(v) for v in by_field["industry_id"]]))
        for name in ("size", "credit_class", "status"):
            self.add(name, self.codes(name, list(by_field[name])))
        for name in _INT:
            raw = by_field[name]
            self.add(name, np.array([-1 if v is None else v for v in raw], np.int64))
        for name in _DECIMAL:
            self.add(name, np.array([np.nan if v is None else float(v * WAN) for v in by_field[name]], np.float64))
        self.add("founding_date", np.array(by_field["founding_date"], dtype="datetime64[D]").astype(np.int64))
        bit = {t: 1 << i for i, t in enumerate(TAGS)}
        self.add("tags", np.array([sum(bit.get(t, 0) for t in set(v or ())) for v in by_field["tags"]], np.uint64))

    def table(self) -> tuple[FactTable, np.ndarray]:
        usccs = np.concatenate(self.usccs) if self.usccs else np.zeros(0, "S18")
        data: dict[str, Any] = {}
        for name, parts in self.parts.items():
            values = np.concatenate(parts)
            if name in _CATEGORY:
                data[name] = (values, list(self.dictionaries[name]))
            elif name in _INT:
                data[name] = np.ma.MaskedArray(np.maximum(values, 0), mask=values < 0)
            elif name == "tags":
                data[name] = (values, list(TAGS))
            elif name == "founding_date":
                data[name] = values.astype("datetime64[D]")
            else:
                data[name] = values
        if not self.parts:
            return FactTable(ENTERPRISE_SCHEMA, {}, 0), usccs
        table = FactTable.from_columns(ENTERPRISE_SCHEMA, data)
        table.n_rows = len(usccs)
        return table, usccs


def _rows(chunk_size: int) -> Iterator[list[tuple[Any, ...]]]:
    qs = (
        LegalEntity.objects.filter(status__in=MATCHED_STATUSES)
        .annotate(credit_class=current_risk_class_expression())
        .order_by("uscc")
        .values_list("uscc", *_FIELDS)
    )
    chunk: list[tuple[Any, ...]] = []
    for row in qs.iterator(chunk_size=chunk_size):
        chunk.append(row)
        if len(chunk) == chunk_size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def snapshot_hash(table: FactTable, usccs: np.ndarray) -> str:
    """SM3 over the USCC order and every column (values, presence, dictionary): equal snapshots, equal hash."""
    digest = hashes.Hash(hashes.SM3())
    digest.update(usccs.tobytes())
    for fact in ENTERPRISE_SCHEMA:
        col = table.column(fact.name)
        digest.update(fact.name.encode())
        digest.update(np.ascontiguousarray(col.values).tobytes())
        digest.update(col.present_mask().tobytes())
        digest.update("\x1f".join(col.dictionary or ()).encode())
    return digest.finalize().hex()


def entity_snapshot(*, chunk_size: int = CHUNK_SIZE) -> Snapshot:
    """All active legal entities as a columnar ``FactTable``, ordered by USCC, streamed in chunks."""
    columns = _Columns()
    for chunk in _rows(chunk_size):
        columns.add_chunk(chunk)
    table, usccs = columns.table()
    if len(usccs) > 1 and not bool(np.all(usccs[1:] >= usccs[:-1])):  # a database collation unlike bytes
        order = np.argsort(usccs, kind="stable")
        table, usccs = table.take(order), usccs[order]
    return Snapshot(table, usccs, snapshot_hash(table, usccs))


def entity_facts(entity: LegalEntity) -> dict[str, Any]:
    """The facts of one entity as ``explain``/``calculate`` take them (missing facts left out)."""
    rating = current_rating(entity)
    facts: dict[str, Any] = {
        "district": _district(entity.division_id),
        "industry": _industry(entity.industry_id),
        "size": entity.size or None,
        "headcount": entity.headcount,
        "annual_revenue": _yuan(entity.annual_revenue),
        "tax_paid": _yuan(entity.tax_paid),
        "social_insurance_headcount": entity.social_insurance_headcount,
        "founding_date": entity.founding_date if isinstance(entity.founding_date, date) else None,
        "registered_capital": _yuan(entity.registered_capital),
        "tags": [t for t in entity.tags or () if t in TAGS],
        "credit_class": rating.risk_class if rating else None,
        "status": entity.status,
    }
    return {k: v for k, v in facts.items() if v is not None}
