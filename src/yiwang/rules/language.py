"""The condition language: all/any/not trees over named facts, each leaf citing its legal clause.

A leaf is ``{fact, op, value, clause, id?, label?}``. Dates are compared with ordinary operators against
either an ISO date or a date relative to the evaluation date ``as_of``: ``{years_ago: 3}`` (also
``months_ago``, ``days_ago``). So "founded at least 3 years ago" is ``founding_date le {years_ago: 3}``: one
design, valid for every date operator, and resolved once per run. Like OpenFisca we cite the clause for every
rule: a leaf citing no clause (neither its own nor its group's) is an error, so every explanation names its article.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Union

from .errors import Problems
from .schema import FactDef, FactSchema, FactType

NUMERIC_OPS = ("eq", "ne", "lt", "le", "gt", "ge", "between")
SET_OPS = ("in", "not_in")
PRESENCE_OPS = ("present", "missing")
OPS_BY_TYPE: dict[FactType, tuple[str, ...]] = {
    FactType.INT: (*NUMERIC_OPS, *SET_OPS, *PRESENCE_OPS),
    FactType.DECIMAL: (*NUMERIC_OPS, *PRESENCE_OPS),
    FactType.DATE: (*NUMERIC_OPS, *PRESENCE_OPS),
    FactType.BOOL: ("is_true", "is_false", "eq", "ne", *PRESENCE_OPS),
    FactType.CATEGORY: ("eq", "ne", *SET_OPS, *PRESENCE_OPS),
    FactType.TAGS: ("contains_any", "contains_all", *PRESENCE_OPS),
}
ALL_OPS = tuple(dict.fromkeys(op for ops in OPS_BY_TYPE.values() for op in ops))
NO_VALUE_OPS = ("is_true", "is_false", *PRESENCE_OPS)
LEAF_KEYS = {"fact", "op", "value", "clause", "id", "label"}
GROUP_KEYS = {"id", "label", "clause"}


@dataclass(frozen=True)
class RelativeDate:
    """A date counted back from ``as_of``: ``{years_ago: 3}`` is as_of minus three calendar years."""

    years: int = 0
    months: int = 0
    days: int = 0

    def resolve(self, as_of: dt.date) -> dt.date:
        months = as_of.year * 12 + (as_of.month - 1) - (self.years * 12 + self.months)
        year, month = divmod(months, 12)
        month += 1
        day = as_of.day
        while True:  # 29 Feb minus one year is 28 Feb
            try:
                base = dt.date(year, month, day)
                break
            except ValueError:
                day -= 1
        return base - dt.timedelta(days=self.days)

    def as_json(self) -> dict[str, int]:
        out = {"years_ago": self.years, "months_ago": self.months, "days_ago": self.days}
        return {k: v for k, v in out.items() if v}

    def describe(self) -> str:
        parts = [f"{self.years}年" if self.years else "", f"{self.months}个月" if self.months else ""]
        parts.append(f"{self.days}天" if self.days else "")
        return "".join(parts) + "前" if any(parts) else "当日"


DateValue = dt.date | RelativeDate
Scalar = int | Decimal | bool | str | dt.date | RelativeDate


@dataclass(frozen=True)
class Leaf:
    """One condition on one fact. ``value`` is normalised: Decimal for decimals, tuple for sets/ranges."""

    fact: str
    op: str
    value: Any
    clause: str
    id: str
    label: str = ""
    path: str = ""


@dataclass(frozen=True)
class Group:
    """``all`` (every child holds) or ``any`` (at least one holds), Kleene three-valued."""

    kind: str
    children: tuple[Node, ...]
    id: str
    label: str = ""
    clause: str = ""
    path: str = ""


@dataclass(frozen=True)
class Not:
    """Negation; unknown stays unknown."""

    child: Node
    id: str
    label: str = ""
    clause: str = ""
    path: str = ""


Node = Union[Leaf, Group, Not]  # noqa: UP007 (a runtime alias used in isinstance-free annotations)


def iter_leaves(node: Node) -> list[Leaf]:
    """All leaves of a tree, in document order."""
    if isinstance(node, Leaf):
        return [node]
    if isinstance(node, Not):
        return iter_leaves(node.child)
    return [leaf for child in node.children for leaf in iter_leaves(child)]


def parse_condition(data: Any, schema: FactSchema, path: str, problems: Problems, clause: str = "") -> Node | None:
    """Parse and validate one condition tree; problems are collected, ``None`` returned when broken.

    A group's ``clause`` is inherited by the leaves under it that cite none.
    """
    if not isinstance(data, Mapping):
        problems.add(path, "not_mapping", "a condition must be a mapping (all/any/not or a leaf with fact)")
        return None
    kinds = [k for k in ("all", "any", "not", "fact") if k in data]
    if len(kinds) != 1:
        problems.add(path, "bad_node", "a condition needs exactly one of all, any, not or fact")
        return None
    kind = kinds[0]
    if kind == "fact":
        return _parse_leaf(data, schema, path, problems, clause)
    unknown = set(data) - GROUP_KEYS - {kind}
    if unknown:
        problems.add(path, "unknown_key", f"unknown key(s) {sorted(unknown)}")
    node_id = str(data.get("id") or path)
    label, own_clause = str(data.get("label") or ""), str(data.get("clause") or "")
    clause = own_clause or clause
    if kind == "not":
        child = parse_condition(data["not"], schema, f"{path}.not", problems, clause)
        return Not(child, node_id, label, clause, path) if child is not None else None
    items = data[kind]
    if not isinstance(items, list) or not items:
        problems.add(f"{path}.{kind}", "empty_group", f"{kind} needs a non-empty list of conditions")
        return None
    children = [parse_condition(c, schema, f"{path}.{kind}[{i}]", problems, clause) for i, c in enumerate(items)]
    if any(c is None for c in children):
        return None
    return Group(kind, tuple(c for c in children if c is not None), node_id, label, clause, path)


def _parse_leaf(
    data: Mapping[str, Any], schema: FactSchema, path: str, problems: Problems, inherited: str
) -> Leaf | None:
    before = len(problems.items)
    unknown = set(data) - LEAF_KEYS
    if unknown:
        problems.add(path, "unknown_key", f"unknown key(s) {sorted(unknown)}")
    clause = data.get("clause") or inherited
    if not isinstance(clause, str) or not clause.strip():
        problems.add(f"{path}.clause", "missing_clause", "every condition must cite its legal clause")
    name, op = data.get("fact"), data.get("op")
    fact = schema.facts.get(name) if isinstance(name, str) else None
    if fact is None:
        problems.add(f"{path}.fact", "unknown_fact", f"fact {name!r} is not in the fact schema")
        return None
    allowed = OPS_BY_TYPE[fact.type]
    if op not in allowed:
        problems.add(
            f"{path}.op",
            "bad_op",
            f"operator {op!r} does not apply to {fact.type.value} fact {name!r}; use one of {', '.join(allowed)}",
        )
        return None
    value = _parse_value(fact, str(op), data.get("value"), "value" in data, f"{path}.value", problems)
    if len(problems.items) > before:
        return None
    node_id = str(data.get("id") or path)
    return Leaf(str(name), str(op), value, str(clause), node_id, str(data.get("label") or ""), path)


def _parse_value(fact: FactDef, op: str, raw: Any, given: bool, path: str, problems: Problems) -> Any:
    if op in NO_VALUE_OPS:
        if given and raw is not None:
            problems.add(path, "unexpected_value", f"operator {op!r} takes no value")
        return None
    if not given or raw is None:
        problems.add(path, "missing_value", f"operator {op!r} needs a value")
        return None
    if op == "between":
        if not isinstance(raw, list | tuple) or len(raw) != 2:
            problems.add(path, "bad_between", "between needs a list [low, high] (both inclusive)")
            return None
        lo = _scalar(fact, raw[0], f"{path}[0]", problems)
        hi = _scalar(fact, raw[1], f"{path}[1]", problems)
        comparable = not isinstance(lo, RelativeDate) and not isinstance(hi, RelativeDate)
        if lo is not None and hi is not None and comparable and lo > hi:
            problems.add(path, "empty_range", "between's low bound is above its high bound")
        return (lo, hi)
    if op in ("in", "not_in", "contains_any", "contains_all"):
        if not isinstance(raw, list | tuple) or not raw:
            problems.add(path, "bad_list", f"operator {op!r} needs a non-empty list")
            return None
        items = [_scalar(fact, v, f"{path}[{i}]", problems) for i, v in enumerate(raw)]
        return tuple(sorted(dict.fromkeys(v for v in items if v is not None), key=str))
    return _scalar(fact, raw, path, problems)


def _scalar(fact: FactDef, raw: Any, path: str, problems: Problems) -> Any:
    """Check and normalise one value for a fact of the given type."""
    t = fact.type
    if t == FactType.INT:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        problems.add(path, "bad_value", f"fact {fact.name!r} is an integer; got {raw!r}")
    elif t == FactType.DECIMAL:
        if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal | str):
            problems.add(path, "bad_value", f"fact {fact.name!r} is a number; got {raw!r}")
            return None
        try:
            value = Decimal(str(raw))
        except InvalidOperation:
            problems.add(path, "bad_value", f"fact {fact.name!r} is a number; got {raw!r}")
            return None
        if not value.is_finite():
            problems.add(path, "bad_value", "a number must be finite")
            return None
        return value
    elif t == FactType.BOOL:
        if isinstance(raw, bool):
            return raw
        problems.add(path, "bad_value", f"fact {fact.name!r} is true/false; got {raw!r}")
    elif t == FactType.DATE:
        return _date_value(fact, raw, path, problems)
    else:  # category, tags: codes are strings (quote them in YAML: '06' would otherwise be read as 6)
        if not isinstance(raw, str) or not raw:
            problems.add(path, "bad_value", f"codes of {fact.name!r} are quoted strings; got {raw!r}")
            return None
        if fact.codes and raw not in fact.codes:
            problems.add(path, "unknown_code", f"{raw!r} is not a code of fact {fact.name!r}")
            return None
        return raw
    return None


def _date_value(fact: FactDef, raw: Any, path: str, problems: Problems) -> DateValue | None:
    if isinstance(raw, dt.datetime):
        problems.add(path, "bad_value", "give a date, not a date-time")
        return None
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, str):
        try:
            return dt.date.fromisoformat(raw)
        except ValueError:
            pass
    if isinstance(raw, Mapping) and raw and set(raw) <= {"years_ago", "months_ago", "days_ago"}:
        parts = {k: raw[k] for k in raw}
        if all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in parts.values()):
            return RelativeDate(parts.get("years_ago", 0), parts.get("months_ago", 0), parts.get("days_ago", 0))
    problems.add(path, "bad_value", f"fact {fact.name!r} is a date: give YYYY-MM-DD or {{years_ago: n}}; got {raw!r}")
    return None


def value_as_json(value: Any) -> Any:
    """A normalised condition value (or fact value) in JSON form, for explanations."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, RelativeDate):
        return value.as_json()
    if isinstance(value, tuple | list | set | frozenset):
        items = [value_as_json(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value
