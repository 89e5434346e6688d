"""A columnar snapshot of many entities' facts (``FactTable``), the input of the matching engine.

Each fact is one numpy column plus a presence mask: integers as int64, decimals as float64 (NaN = missing),
booleans, dates as int64 days since 1970-01-01, categories as int32 codes into a dictionary (-1 = missing) and
tags as a uint64 bitmask over a vocabulary of at most 64 tags. This is the typed columnar form the reference
(``policy-engine.md``) evaluates predicates on; it is built from numpy arrays, Python lists or a pyarrow Table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import RuleError
from .explain import normalize_fact
from .schema import FactDef, FactSchema, FactType

EPOCH = dt.date(1970, 1, 1)
MAX_TAGS = 64


def date_to_days(value: dt.date) -> int:
    return (value - EPOCH).days


@dataclass
class Column:
    """One fact over all rows; ``present`` is ``None`` when no row is missing."""

    fact: FactDef
    values: np.ndarray
    present: np.ndarray | None = None
    dictionary: list[str] | None = None

    def code_of(self, code: str) -> int:
        """The integer code of a category/tag string, ``-1`` if no row has it."""
        assert self.dictionary is not None
        try:
            return self.dictionary.index(code)
        except ValueError:
            return -1

    def present_mask(self) -> np.ndarray:
        return np.ones(len(self.values), bool) if self.present is None else self.present

    def take(self, rows: np.ndarray) -> Column:
        present = None if self.present is None else self.present[rows]
        return Column(self.fact, self.values[rows], present, self.dictionary)

    def value_at(self, i: int) -> Any:
        """The Python value of row ``i`` (as ``explain`` takes it), ``None`` when missing."""
        if self.present is not None and not self.present[i]:
            return None
        v = self.values[i]
        t = self.fact.type
        if t == FactType.DATE:
            return EPOCH + dt.timedelta(days=int(v))
        if t == FactType.CATEGORY:
            return None if v < 0 else self.dictionary[int(v)]  # type: ignore[index]
        if t == FactType.TAGS:
            assert self.dictionary is not None
            return frozenset(tag for b, tag in enumerate(self.dictionary) if int(v) >> b & 1)
        if t == FactType.BOOL:
            return bool(v)
        if t == FactType.INT:
            return int(v)
        return float(v)


class FactTable:
    """Facts of ``n_rows`` entities by column; a fact absent from the table is missing for every row."""

    def __init__(self, schema: FactSchema, columns: Mapping[str, Column], n_rows: int) -> None:
        self.schema, self.n_rows = schema, n_rows
        self.columns: dict[str, Column] = dict(columns)

    def column(self, name: str) -> Column:
        """The column of a fact, or an all-missing one when the snapshot does not carry it."""
        col = self.columns.get(name)
        if col is None:
            col = _empty_column(self.schema[name], self.n_rows)
            self.columns[name] = col
        return col

    @classmethod
    def from_columns(cls, schema: FactSchema, data: Mapping[str, Any]) -> FactTable:
        """From numpy arrays or lists per fact. Missing: ``None``, NaN, NaT, a masked array, a negative
        category code. Categories: strings, or ``(codes, dictionary)``; tags: iterables of strings, or
        ``(bitmask, vocabulary)``."""
        columns = {name: _build_column(schema[name], raw) for name, raw in data.items() if name in schema}
        unknown = [name for name in data if name not in schema]
        if unknown:
            raise RuleError.single("columns", "unknown_fact", f"columns not in the fact schema: {unknown}")
        lengths = {len(c.values) for c in columns.values()}
        if len(lengths) > 1:
            raise RuleError.single("columns", "bad_length", f"columns differ in length: {sorted(lengths)}")
        return cls(schema, columns, lengths.pop() if lengths else 0)

    @classmethod
    def from_records(cls, schema: FactSchema, records: Sequence[Mapping[str, Any]]) -> FactTable:
        """From per-entity dicts, as ``explain`` takes them (used for small tables and tests)."""
        names = [f.name for f in schema if any(f.name in r for r in records)]
        data = {n: [normalize_fact(schema[n], r.get(n)) for r in records] for n in names}
        table = cls.from_columns(schema, data)
        table.n_rows = len(records)
        return table

    @classmethod
    def from_arrow(cls, schema: FactSchema, table: Any) -> FactTable:
        """From a pyarrow Table whose column names are fact names (nulls are missing values)."""
        import pyarrow as pa
        import pyarrow.compute as pc

        data: dict[str, Any] = {}
        for name in table.column_names:
            if name not in schema:
                continue
            arr = table.column(name).combine_chunks()
            fact = schema[name]
            if fact.type == FactType.TAGS:
                data[name] = arr.to_pylist()
                continue
            if fact.type == FactType.CATEGORY:
                enc = arr if pa.types.is_dictionary(arr.type) else pc.dictionary_encode(arr)
                codes = pc.fill_null(enc.indices, -1).to_numpy(zero_copy_only=False).astype(np.int32)
                data[name] = (codes, [str(x) for x in enc.dictionary.to_pylist()])
                continue
            nulls = pc.is_null(arr).to_numpy(zero_copy_only=False)
            if fact.type == FactType.DATE:
                values = pc.fill_null(arr.cast(pa.int32()), 0).to_numpy(zero_copy_only=False).astype(np.int64)
                data[name] = np.ma.MaskedArray(values.astype("datetime64[D]"), mask=nulls)
            else:
                filled = pc.fill_null(arr, False if fact.type == FactType.BOOL else 0)
                data[name] = np.ma.MaskedArray(filled.to_numpy(zero_copy_only=False), mask=nulls)
        out = cls.from_columns(schema, data)
        out.n_rows = table.num_rows
        return out

    def take(self, rows: np.ndarray) -> FactTable:
        """The sub-table of the given row indices."""
        rows = np.asarray(rows, dtype=np.int64)
        return FactTable(self.schema, {n: c.take(rows) for n, c in self.columns.items()}, len(rows))

    def row(self, i: int) -> dict[str, Any]:
        """Facts of one row as a dict (missing facts left out), e.g. to ``explain`` a match."""
        out = {n: c.value_at(i) for n, c in self.columns.items()}
        return {n: v for n, v in out.items() if v is not None}

    def update_rows(self, rows: np.ndarray, new: FactTable) -> None:
        """Overwrite the given rows with ``new``'s rows (same order); codes are re-mapped to our dictionaries."""
        rows = np.asarray(rows, dtype=np.int64)
        for name in set(self.columns) | set(new.columns):
            mine, theirs = self.column(name), new.column(name)
            values = recode(theirs, mine)
            mine.values[rows] = values
            present = theirs.present_mask()
            if mine.present is None and not present.all():
                mine.present = np.ones(self.n_rows, bool)
            if mine.present is not None:
                mine.present[rows] = present


def recode(src: Column, dst: Column) -> np.ndarray:
    """``src``'s values expressed in ``dst``'s dictionary (extending it with new codes)."""
    if src.dictionary is None or src.dictionary == dst.dictionary:
        return src.values
    assert dst.dictionary is not None
    if not src.dictionary:  # nothing coded: all missing (category) or no tags
        return np.full(len(src.values), -1, dst.values.dtype) if src.fact.type == FactType.CATEGORY else src.values
    mapping = np.empty(len(src.dictionary), np.int64)
    for i, code in enumerate(src.dictionary):
        if code not in dst.dictionary:
            dst.dictionary.append(code)
        mapping[i] = dst.dictionary.index(code)
    if src.fact.type == FactType.CATEGORY:
        return np.where(src.values >= 0, mapping[np.maximum(src.values, 0)], -1).astype(dst.values.dtype)
    if len(dst.dictionary) > MAX_TAGS:
        raise RuleError.single(src.fact.name, "too_many_tags", f"at most {MAX_TAGS} distinct tags")
    out = np.zeros(len(src.values), np.uint64)
    for i, j in enumerate(mapping):
        bit = ((src.values >> np.uint64(i)) & np.uint64(1)).astype(np.uint64)
        out |= bit << np.uint64(j)
    return out


def _empty_column(fact: FactDef, n: int) -> Column:
    dtype = {FactType.DECIMAL: np.float64, FactType.BOOL: np.bool_, FactType.CATEGORY: np.int32}
    values: np.ndarray = np.zeros(n, dtype.get(fact.type, np.uint64 if fact.type == FactType.TAGS else np.int64))
    if fact.type == FactType.CATEGORY:
        values[:] = -1
    return Column(fact, values, np.zeros(n, bool), [] if fact.type in (FactType.CATEGORY, FactType.TAGS) else None)


def _mask_of(raw: Any) -> tuple[np.ndarray, np.ndarray | None]:
    """Split a masked array into (data, present) ; plain arrays have no mask."""
    if isinstance(raw, np.ma.MaskedArray):
        mask = np.ma.getmaskarray(raw)
        return np.asarray(raw.data), (~mask if mask.any() else None)
    return np.asarray(raw), None


def _build_column(fact: FactDef, raw: Any) -> Column:
    t = fact.type
    if t == FactType.CATEGORY and isinstance(raw, tuple):
        codes, dictionary = raw
        codes = np.asarray(codes).astype(np.int32)
        present: np.ndarray | None = codes >= 0
        return Column(fact, codes, None if present.all() else present, [str(x) for x in dictionary])  # type: ignore[union-attr]
    if t == FactType.TAGS and isinstance(raw, tuple):
        mask, vocab, *rest = raw
        present = np.asarray(rest[0], bool) if rest else None
        return Column(fact, np.asarray(mask, np.uint64), present, [str(x) for x in vocab])
    if isinstance(raw, list) or (isinstance(raw, np.ndarray) and raw.dtype == object):
        return _column_from_list(fact, list(raw))
    data, present = _mask_of(raw)
    if t == FactType.DATE:
        days = data.astype("datetime64[D]")
        nat = np.isnat(days)
        values = days.astype(np.int64)
        if nat.any():
            present = ~nat if present is None else present & ~nat
        return Column(fact, values, present)
    if t == FactType.DECIMAL:
        values = data.astype(np.float64)
        nan = np.isnan(values)
        if nan.any():
            present = ~nan if present is None else present & ~nan
        if present is not None:
            values = np.where(present, values, np.nan)
        return Column(fact, values, present)
    if t == FactType.INT:
        if data.dtype.kind == "f":
            nan = np.isnan(data)
            present = (~nan if present is None else present & ~nan) if nan.any() else present
            data = np.where(nan, 0, data)
        return Column(fact, data.astype(np.int64), present)
    if t == FactType.BOOL:
        return Column(fact, data.astype(bool), present)
    if t == FactType.CATEGORY:  # an array of code strings
        items = data.tolist()
        if present is not None:
            items = [v if p else None for v, p in zip(items, present.tolist(), strict=True)]
        return _column_from_list(fact, items)
    raise RuleError.single(fact.name, "bad_column", f"cannot read column {fact.name!r} of type {t.value}")


def _column_from_list(fact: FactDef, items: list[Any]) -> Column:
    values = [normalize_fact(fact, v) for v in items]
    present = np.array([v is not None for v in values], bool)
    t = fact.type
    if t in (FactType.CATEGORY, FactType.TAGS):
        dictionary: list[str] = sorted(
            {x for v in values if v is not None for x in ([v] if t == FactType.CATEGORY else v)}
        )
        index = {code: i for i, code in enumerate(dictionary)}
        if t == FactType.CATEGORY:
            codes = np.array([index[v] if v is not None else -1 for v in values], np.int32)
            return Column(fact, codes, None if present.all() else present, dictionary)
        if len(dictionary) > MAX_TAGS:
            raise RuleError.single(fact.name, "too_many_tags", f"at most {MAX_TAGS} distinct tags")
        masks = np.array([sum(1 << index[x] for x in v) if v else 0 for v in values], np.uint64)
        return Column(fact, masks, None if present.all() else present, dictionary)
    fill: dict[FactType, Any] = {FactType.INT: 0, FactType.DECIMAL: np.nan, FactType.BOOL: False, FactType.DATE: 0}
    conv: dict[FactType, Any] = {
        FactType.INT: int,
        FactType.DECIMAL: float,
        FactType.BOOL: bool,
        FactType.DATE: date_to_days,
    }
    dtype = {FactType.INT: np.int64, FactType.DECIMAL: np.float64, FactType.BOOL: np.bool_, FactType.DATE: np.int64}
    arr: np.ndarray = np.array([conv[t](v) if v is not None else fill[t] for v in values], dtype[t])
    return Column(fact, arr, None if present.all() else present)


def tags_bitmask(rows: Iterable[Iterable[str] | None], vocabulary: Sequence[str]) -> np.ndarray:
    """Encode tag sets as a uint64 bitmask over ``vocabulary`` (helper for building snapshots)."""
    index = {t: i for i, t in enumerate(vocabulary)}
    return np.array([sum(1 << index[t] for t in r) if r else 0 for r in rows], np.uint64)
