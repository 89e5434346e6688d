"""Rule sets (秒批 approval rules of a service item) and policies (免申即享 benefits), loaded from YAML or dicts.

A ``RuleSet`` is a titled condition tree. A ``PolicyDef`` adds the audience (enterprise or person) and the
amount formula (fixed, tiered on a fact, or a percentage of a fact with a cap). Budgets belong to the Django side.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import numpy as np

from .errors import Problems, RuleError
from .language import Node, iter_leaves, parse_condition
from .schema import FactSchema, FactType, read_yaml

AUDIENCES = ("enterprise", "person")
CENT = Decimal("0.01")
_INT64_SAFE = 2**62


def to_cent(value: Decimal) -> Decimal:
    """An amount in yuan rounded to the fen, half up (四舍五入): the one rounding rule of every amount."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def fen_of(value: Decimal) -> int:
    """An amount in yuan as whole fen, rounded half up."""
    return int((value * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def yuan_of_fen(fen: Any) -> Decimal:
    """Whole fen (an int or a numpy integer, e.g. a sum) as yuan with two places, exactly."""
    return (Decimal(int(fen)) / 100).quantize(CENT)


@dataclass(frozen=True)
class Amount:
    """How much a beneficiary gets, in yuan. ``tiers`` are ``(minimum, amount)`` ascending: the highest
    tier whose minimum the fact reaches applies, none reached gives 0. ``percentage``: rate × fact, capped."""

    kind: str = "none"
    fixed: Decimal = Decimal(0)
    fact: str = ""
    tiers: tuple[tuple[Decimal, Decimal], ...] = ()
    rate: Decimal = Decimal(0)
    cap: Decimal | None = None

    def compute(self, facts: Mapping[str, Any]) -> Decimal | None:
        """The amount for one entity in yuan (a percentage rounded to the fen, half up); ``None`` when the fact
        it depends on is missing. :meth:`compute_fen` gives the same amounts over many rows, in whole fen."""
        if self.kind == "none":
            return Decimal(0)
        if self.kind == "fixed":
            return self.fixed
        raw = facts.get(self.fact)
        if raw is None:
            return None
        value = Decimal(str(raw))
        if self.kind == "tiered":
            reached = [amount for minimum, amount in self.tiers if value >= minimum]
            return reached[-1] if reached else Decimal(0)
        out = max(value * self.rate, Decimal(0))
        if self.cap is not None:
            out = min(out, self.cap)
        return to_cent(out)

    def compute_fen(self, values: np.ndarray | None, present: np.ndarray | None, n: int) -> np.ndarray:
        """Vectorised amounts in whole fen (int64) for ``n`` matched rows; a missing fact gives 0.

        Exact, and equal to :meth:`compute` row by row: a money fact holds yuan to the fen, so ``rint(v × 100)`` is
        its exact fen; a rate is an exact fraction ``p/q``, so ``fen × p / q`` is rounded half up in integers.
        """
        if self.kind in ("none", "fixed"):
            return np.full(n, fen_of(self.fixed), dtype=np.int64)
        assert values is not None
        v = values.astype(np.float64, copy=False)
        missing = np.isnan(v) if present is None else ~present | np.isnan(v)
        v = np.where(missing, 0.0, v)
        if self.kind == "tiered":
            mins = np.array([float(m) for m, _ in self.tiers])
            amounts = np.array([0, *(fen_of(a) for _, a in self.tiers)], dtype=np.int64)
            out = amounts[np.searchsorted(mins, v, side="right")]
        else:
            fen = np.maximum(np.rint(v * 100), 0.0).astype(np.int64)
            p, q = self.rate.as_integer_ratio()
            top = int(fen.max()) if len(fen) else 0
            if top * p * 2 + q >= _INT64_SAFE:  # beyond int64: exact Python integers
                exact = [(2 * f * p + q) // (2 * q) for f in fen.tolist()]
                out = np.array(exact, dtype=object)
            else:
                out = (2 * fen * p + q) // (2 * q)
            if self.cap is not None:
                out = np.minimum(out, fen_of(self.cap))
            out = out.astype(np.int64)
        return np.where(missing, 0, out).astype(np.int64)

    def compute_array(self, values: np.ndarray | None, present: np.ndarray | None, n: int) -> np.ndarray:
        """Vectorised amounts (float yuan) for ``n`` matched rows: :meth:`compute_fen` / 100."""
        return self.compute_fen(values, present, n) / 100.0

    def as_dict(self) -> dict[str, Any]:
        if self.kind == "fixed":
            return {"fixed": str(self.fixed)}
        if self.kind == "tiered":
            return {"tiered": {"fact": self.fact, "tiers": [{"min": str(m), "amount": str(a)} for m, a in self.tiers]}}
        if self.kind == "percentage":
            cap = None if self.cap is None else str(self.cap)
            return {"percentage": {"fact": self.fact, "rate": str(self.rate), "cap": cap}}
        return {}


@dataclass(frozen=True)
class RuleSet:
    """The approval rules of one item (秒批): a condition tree with an id and title."""

    id: str
    title: str
    condition: Node
    version: str = ""


@dataclass(frozen=True)
class PolicyDef:
    """One benefit policy (惠企/惠民政策): who it is for, when one qualifies, and how much."""

    id: str
    title: str
    audience: str
    condition: Node
    amount: Amount = field(default_factory=Amount)
    version: str = ""


def load_rule_set(source: str | Path | Mapping[str, Any], schema: FactSchema) -> RuleSet:
    """Load ``{id, title, rules: <condition>}``; raises ``RuleError`` listing every problem."""
    data = read_yaml(source)
    problems = Problems()
    if not isinstance(data, Mapping):
        raise RuleError.single("", "not_mapping", "a rule file must be a mapping with id, title and rules")
    for key in set(data) - {"id", "title", "rules", "version", "schema", "as_of"}:
        problems.add(str(key), "unknown_key", f"unknown key {key!r}")
    if not data.get("id"):
        problems.add("id", "missing_id", "a rule set needs an id")
    node = parse_condition(data.get("rules"), schema, "rules", problems)
    if node is not None:
        _check_unique_ids(node, problems)
    problems.raise_if_any()
    assert node is not None
    return RuleSet(str(data["id"]), str(data.get("title", "")), node, str(data.get("version", "")))


def load_policies(source: str | Path | Mapping[str, Any], schema: FactSchema) -> list[PolicyDef]:
    """Load ``{policies: [...]}`` (or a single policy mapping); raises ``RuleError`` listing every problem."""
    data = read_yaml(source)
    problems = Problems()
    items = data.get("policies") if isinstance(data, Mapping) and "policies" in data else [data]
    if not isinstance(items, list):
        raise RuleError.single("policies", "bad_list", "policies must be a list")
    policies = [_parse_policy(item, schema, f"policies[{i}]", problems) for i, item in enumerate(items)]
    seen: set[str] = set()
    for i, p in enumerate(policies):
        if p is not None and p.id in seen:
            problems.add(f"policies[{i}].id", "duplicate_id", f"policy id {p.id!r} is used twice")
        if p is not None:
            seen.add(p.id)
    problems.raise_if_any()
    return [p for p in policies if p is not None]


def policy_from_dict(data: Mapping[str, Any], schema: FactSchema, path: str = "policy") -> PolicyDef:
    """One policy from a plain dict, e.g. a draft edited in the sandbox (政策沙盘)."""
    problems = Problems()
    policy = _parse_policy(data, schema, path, problems)
    problems.raise_if_any()
    assert policy is not None
    return policy


def _parse_policy(data: Any, schema: FactSchema, path: str, problems: Problems) -> PolicyDef | None:
    if not isinstance(data, Mapping):
        problems.add(path, "not_mapping", "a policy must be a mapping")
        return None
    for key in set(data) - {"id", "code", "title", "audience", "conditions", "amount", "version"}:
        problems.add(f"{path}.{key}", "unknown_key", f"unknown key {key!r}")
    pid = data.get("id") or data.get("code")
    if not pid:
        problems.add(f"{path}.id", "missing_id", "a policy needs an id (or code)")
    audience = data.get("audience", "enterprise")
    if audience not in AUDIENCES:
        problems.add(f"{path}.audience", "bad_audience", f"audience must be one of {', '.join(AUDIENCES)}")
    node = parse_condition(data.get("conditions"), schema, f"{path}.conditions", problems)
    if node is not None:
        _check_unique_ids(node, problems)
    amount = _parse_amount(data.get("amount"), schema, f"{path}.amount", problems)
    if node is None or amount is None or not pid:
        return None
    return PolicyDef(str(pid), str(data.get("title", "")), str(audience), node, amount, str(data.get("version", "")))


def _money(raw: Any, path: str, problems: Problems, *, fen: bool = False) -> Decimal | None:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        problems.add(path, "bad_amount", f"an amount must be a number; got {raw!r}")
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        problems.add(path, "bad_amount", f"an amount must be a number; got {raw!r}")
        return None
    if not value.is_finite() or value < 0:
        problems.add(path, "bad_amount", "an amount must be a finite number ≥ 0")
        return None
    if fen and value != to_cent(value):
        problems.add(path, "bad_amount", "an amount is in yuan to the fen (at most two decimal places)")
        return None
    return value


def _numeric_fact(name: Any, schema: FactSchema, path: str, problems: Problems) -> str | None:
    fact = schema.facts.get(name) if isinstance(name, str) else None
    if fact is None or fact.type not in (FactType.INT, FactType.DECIMAL):
        problems.add(path, "bad_amount_fact", f"{name!r} is not a numeric fact of the schema")
        return None
    return fact.name


def _parse_amount(raw: Any, schema: FactSchema, path: str, problems: Problems) -> Amount | None:
    if raw is None:
        return Amount()
    if not isinstance(raw, Mapping) or len(raw) != 1:
        problems.add(path, "bad_amount", "amount needs exactly one of fixed, tiered, percentage")
        return None
    kind, spec = next(iter(raw.items()))
    if kind == "fixed":
        value = _money(spec, f"{path}.fixed", problems, fen=True)
        return Amount("fixed", fixed=value) if value is not None else None
    if kind not in ("tiered", "percentage") or not isinstance(spec, Mapping):
        problems.add(path, "bad_amount", "amount needs exactly one of fixed, tiered, percentage")
        return None
    fact = _numeric_fact(spec.get("fact"), schema, f"{path}.{kind}.fact", problems)
    if kind == "tiered":
        tiers_raw = spec.get("tiers")
        if not isinstance(tiers_raw, list) or not tiers_raw:
            problems.add(f"{path}.tiered.tiers", "bad_tiers", "tiers must be a non-empty list of {min, amount}")
            return None
        tiers = []
        for i, t in enumerate(tiers_raw):
            here = f"{path}.tiered.tiers[{i}]"
            if not isinstance(t, Mapping):
                problems.add(here, "bad_tiers", "a tier is a mapping {min, amount}")
                continue
            lo, amt = (
                _money(t.get("min"), f"{here}.min", problems),
                _money(t.get("amount"), f"{here}.amount", problems, fen=True),
            )
            if lo is not None and amt is not None:
                tiers.append((lo, amt))
        if [m for m, _ in tiers] != sorted({m for m, _ in tiers}):
            problems.add(f"{path}.tiered.tiers", "bad_tiers", "tier minimums must be strictly ascending")
            return None
        return Amount("tiered", fact=fact, tiers=tuple(tiers)) if fact else None
    rate = _money(spec.get("rate"), f"{path}.percentage.rate", problems)
    cap = _money(spec["cap"], f"{path}.percentage.cap", problems, fen=True) if spec.get("cap") is not None else None
    if rate is not None and rate > 1:
        problems.add(f"{path}.percentage.rate", "bad_rate", "rate is a fraction between 0 and 1 (0.1 = 10%)")
        return None
    if fact is None or rate is None:
        return None
    return Amount("percentage", fact=fact, rate=rate, cap=cap)


def _check_unique_ids(node: Node, problems: Problems) -> None:
    seen: dict[str, str] = {}
    for leaf in iter_leaves(node):
        if leaf.id in seen:
            problems.add(f"{leaf.path}.id", "duplicate_id", f"condition id {leaf.id!r} is also used at {seen[leaf.id]}")
        seen[leaf.id] = leaf.path
