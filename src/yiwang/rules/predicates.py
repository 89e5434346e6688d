"""Canonical atomic predicates shared across policies, and formulas over them (negation normal form).

Every leaf becomes a *literal*: an atom ``(fact, op, value)`` with a sign. Operators are canonicalised so that
identical conditions are one atom even when written differently: ``lt v`` is ``not ge v``, ``ne v`` is
``not eq v``, ``missing`` is ``not present``, ``in [v]`` is ``eq v``, relative dates are resolved against
``as_of``. Per the reference (``policy-engine.md``), 12,000 policies reuse a few hundred atoms, so each atom
is evaluated once per run. Negation is pushed to the leaves (Kleene logic keeps De Morgan's laws): a negated
literal is true where the fact is present and the atom false, so a missing value never satisfies a condition.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from .columnar import Column, date_to_days
from .explain import resolve
from .language import Group, Leaf, Node, Not
from .schema import FactSchema, FactType

AtomKey = tuple[str, str, Any]  # (fact, canonical op, canonical value)
# A formula in negation normal form: ("lit", atom_id, negated) | ("and" | "or", (formula, ...))
Formula = tuple[Any, ...]


def _canon_scalar(ftype: FactType, value: Any) -> Any:
    if ftype == FactType.DECIMAL:
        return float(value) if isinstance(value, Decimal) else value
    if ftype == FactType.DATE and isinstance(value, dt.date):
        return date_to_days(value)
    return value


def canonical_literal(leaf: Leaf, schema: FactSchema, as_of: dt.date) -> tuple[AtomKey, bool]:
    """The atom and sign of one leaf: identical conditions, however written, give the same atom."""
    ftype = schema[leaf.fact].type
    value = resolve(leaf.value, as_of)
    value = tuple(_canon_scalar(ftype, v) for v in value) if isinstance(value, tuple) else _canon_scalar(ftype, value)
    op, neg = leaf.op, False
    flips = {"ne": "eq", "lt": "ge", "gt": "le", "not_in": "in", "is_false": "is_true", "missing": "present"}
    if op in flips:
        op, neg = flips[op], True
    if ftype == FactType.BOOL and op == "eq":
        op, neg = "is_true", (neg != (value is False))
        value = None
    if op == "in":
        value = tuple(sorted(set(value), key=str))
        if len(value) == 1:
            op, value = "eq", value[0]
    elif op == "between" and value[0] == value[1]:
        op, value = "eq", value[0]
    elif op in ("contains_any", "contains_all"):
        value = tuple(sorted(set(value)))
        if len(value) == 1:
            op = "contains_any"
    return (leaf.fact, op, value), neg


@dataclass
class AtomRegistry:
    """Interns atoms: the same key always gets the same id, across all policies compiled with it."""

    schema: FactSchema
    as_of: dt.date
    keys: list[AtomKey] = field(default_factory=list)
    ids: dict[AtomKey, int] = field(default_factory=dict)

    def intern(self, key: AtomKey) -> int:
        atom_id = self.ids.get(key)
        if atom_id is None:
            atom_id = self.ids[key] = len(self.keys)
            self.keys.append(key)
        return atom_id

    def literal(self, leaf: Leaf, negated: bool = False) -> Formula:
        key, neg = canonical_literal(leaf, self.schema, self.as_of)
        return ("lit", self.intern(key), neg != negated)

    def formula(self, node: Node, negated: bool = False) -> Formula:
        """Negation normal form of a tree; nested and/or of the same kind are flattened, duplicates removed."""
        if isinstance(node, Leaf):
            return self.literal(node, negated)
        if isinstance(node, Not):
            return self.formula(node.child, not negated)
        assert isinstance(node, Group)
        kind = "and" if (node.kind == "all") != negated else "or"
        parts: list[Formula] = []
        for child in node.children:
            f = self.formula(child, negated)
            parts.extend(f[1] if f[0] == kind else (f,))
        unique = tuple(dict.fromkeys(parts))
        return unique[0] if len(unique) == 1 else (kind, unique)


# ---- evaluation over columns -------------------------------------------------------------------------


def atom_hits(key: AtomKey, col: Column) -> np.ndarray:
    """Boolean array: where the atom holds (values at missing rows are meaningless; mask with presence)."""
    _, op, value = key
    v = col.values
    if op == "present":
        return col.present_mask()
    if op == "is_true":
        return v
    if col.fact.type == FactType.CATEGORY:
        codes = [col.code_of(x) for x in ((value,) if op == "eq" else value)]
        codes = [c for c in codes if c >= 0]
        if not codes:
            return np.zeros(len(v), bool)
        if len(codes) == 1:
            return v == codes[0]
        if len(codes) <= 4:
            out = v == codes[0]
            for c in codes[1:]:
                out |= v == c
            return out
        lut = np.zeros(len(col.dictionary or ()) + 1, bool)
        lut[np.array(codes) + 1] = True
        return lut[v + 1]
    if op in ("contains_any", "contains_all"):
        bits = [col.code_of(t) for t in value]
        if op == "contains_all" and min(bits) < 0:
            return np.zeros(len(v), bool)
        mask = np.uint64(sum(1 << b for b in bits if b >= 0))
        both = v & mask
        return both != 0 if op == "contains_any" else both == mask
    if op == "eq":
        return v == value
    if op == "ge":
        return v >= value
    if op == "le":
        return v <= value
    if op == "between":
        return (v >= value[0]) & (v <= value[1])
    if op == "in":
        return np.isin(v, np.array(value))
    raise ValueError(f"unknown atom operator {op!r}")


def scalar_atom(key: AtomKey, ftype: FactType) -> Callable[[Any], bool]:
    """A Python test of one present fact value (in canonical form, see ``canonical_fact_value``)."""
    _, op, value = key
    tests: dict[str, Callable[[Any], bool]] = {
        "present": lambda x: True,
        "is_true": lambda x: x is True,
        "eq": lambda x: x == value,
        "ge": lambda x: x >= value,
        "le": lambda x: x <= value,
        "between": lambda x: value[0] <= x <= value[1],
        "in": lambda x: x in value,
        "contains_any": lambda x: not x.isdisjoint(value),
        "contains_all": lambda x: x.issuperset(value),
    }
    return tests[op]


def canonical_fact_value(ftype: FactType, value: Any) -> Any:
    """A normalised fact value (see ``explain.normalize_fact``) in the domain atoms compare in."""
    if ftype == FactType.DECIMAL:
        return float(value)
    if ftype == FactType.DATE:
        return date_to_days(value)
    return value


def literals_of(formula: Formula) -> list[tuple[int, bool]]:
    """Every (atom id, negated) pair a formula uses."""
    if formula[0] == "lit":
        return [(formula[1], formula[2])]
    return [lit for part in formula[1] for lit in literals_of(part)]


def conjunction_terms(formula: Formula) -> Sequence[Formula]:
    """The terms ANDed at the top: each is a literal or a compound (or/and) sub-formula."""
    return formula[1] if formula[0] == "and" else (formula,)
