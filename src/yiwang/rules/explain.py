"""Single-entity evaluation with a full explanation (秒批 auto-approval, and the "why" of a policy match).

Logic is three-valued (Kleene): a condition on a missing fact is *unknown*; ``all`` is false if any child is
false, else unknown if any is unknown; ``any`` is true if any child is true, else unknown if any is unknown.
An unknown result sends the application to a person, never to an automatic yes or no. Every leaf is reported
with the value used, the fact's source data element and the legal clause (ARCHITECTURE.md, automated decisions).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np

from .describe import describe, describe_leaf
from .errors import RuleError
from .language import Group, Leaf, Node, Not, RelativeDate, value_as_json
from .policy import PolicyDef, RuleSet
from .schema import FactDef, FactSchema, FactType

TRUE, FALSE, UNKNOWN = "true", "false", "unknown"
LEAF_STATUS = {TRUE: "passed", FALSE: "failed", UNKNOWN: "unknown"}


def normalize_fact(fact: FactDef, raw: Any) -> Any:
    """A fact value in the form the evaluator compares; ``None`` means missing. Wrong types raise RuleError."""
    if raw is None or (isinstance(raw, float) and raw != raw):
        return None
    t = fact.type
    ok: Any = None
    if t == FactType.INT and isinstance(raw, int | np.integer) and not isinstance(raw, bool | np.bool_):
        ok = int(raw)
    elif t == FactType.DECIMAL and not isinstance(raw, bool | np.bool_):
        try:
            ok = Decimal(str(raw)) if isinstance(raw, int | float | str | Decimal | np.number) else None
        except InvalidOperation:
            ok = None
    elif t == FactType.BOOL and isinstance(raw, bool | np.bool_):
        ok = bool(raw)
    elif t == FactType.DATE:
        if isinstance(raw, dt.datetime):
            ok = raw.date()
        elif isinstance(raw, dt.date):
            ok = raw
        elif isinstance(raw, str):
            try:
                ok = dt.date.fromisoformat(raw)
            except ValueError:
                ok = None
    elif t == FactType.CATEGORY and isinstance(raw, str):
        ok = raw
    elif t == FactType.TAGS and isinstance(raw, Iterable) and not isinstance(raw, str | bytes):
        items = list(raw)
        ok = frozenset(items) if all(isinstance(x, str) for x in items) else None
    if ok is None:
        raise RuleError.single(f"facts.{fact.name}", "bad_fact", f"{raw!r} is not a valid {t.value} value")
    return ok


def resolve(value: Any, as_of: dt.date) -> Any:
    """Replace relative dates (``{years_ago: 3}``) by real dates counted back from ``as_of``."""
    if isinstance(value, RelativeDate):
        return value.resolve(as_of)
    if isinstance(value, tuple):
        return tuple(resolve(v, as_of) for v in value)
    return value


def holds(op: str, value: Any, actual: Any) -> bool:
    """Whether a condition holds for a present (non-missing) value; ``value`` already resolved."""
    if op == "present":
        return True
    if op == "missing":
        return False
    if op == "is_true":
        return actual is True
    if op == "is_false":
        return actual is False
    if op == "eq":
        return bool(actual == value)
    if op == "ne":
        return bool(actual != value)
    if op == "lt":
        return bool(actual < value)
    if op == "le":
        return bool(actual <= value)
    if op == "gt":
        return bool(actual > value)
    if op == "ge":
        return bool(actual >= value)
    if op == "between":
        return bool(value[0] <= actual <= value[1])
    if op == "in":
        return actual in value
    if op == "not_in":
        return actual not in value
    if op == "contains_any":
        return any(tag in actual for tag in value)
    if op == "contains_all":
        return all(tag in actual for tag in value)
    raise ValueError(f"unknown operator {op!r}")


def leaf_truth(leaf: Leaf, actual: Any, as_of: dt.date) -> str:
    """Three-valued outcome of one leaf given the normalised fact value (``None`` = missing)."""
    if leaf.op in ("present", "missing"):
        return TRUE if (actual is None) == (leaf.op == "missing") else FALSE
    if actual is None:
        return UNKNOWN
    return TRUE if holds(leaf.op, resolve(leaf.value, as_of), actual) else FALSE


@dataclass
class ConditionResult:
    """The evidence for one leaf condition, as stored with an automated decision."""

    id: str
    path: str
    status: str  # passed | failed | unknown, as the condition counts towards the result
    negated: bool  # under a "not": the leaf counts as passed when its own test is false
    fact: str
    fact_label: str
    source: str
    op: str
    value: Any
    actual: Any
    clause: str
    description: str


@dataclass
class GroupResult:
    id: str
    path: str
    kind: str
    outcome: str
    description: str


@dataclass
class Explanation:
    """Outcome of one rule set or policy for one entity, with every leaf's evidence; JSON via ``as_dict``."""

    rule_id: str
    title: str
    result: str  # true | false | unknown
    as_of: dt.date
    conditions: list[ConditionResult] = field(default_factory=list)
    groups: list[GroupResult] = field(default_factory=list)

    @property
    def failed(self) -> list[str]:
        return [c.id for c in self.conditions if c.status == "failed"]

    @property
    def unknown(self) -> list[str]:
        return [c.id for c in self.conditions if c.status == "unknown"]

    @property
    def missing_facts(self) -> list[str]:
        """Facts whose absence made a condition unknown: what a person must check or the applicant supply."""
        return list(dict.fromkeys(c.fact for c in self.conditions if c.status == "unknown"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "rule_id": self.rule_id,
            "title": self.title,
            "result": self.result,
            "as_of": self.as_of.isoformat(),
            "failed": self.failed,
            "unknown": self.unknown,
            "conditions": [asdict(c) for c in self.conditions],
            "groups": [asdict(g) for g in self.groups],
        }


def _combine(kind: str, outcomes: list[str]) -> str:
    win, lose = (FALSE, TRUE) if kind == "all" else (TRUE, FALSE)
    if win in outcomes:
        return win
    return UNKNOWN if UNKNOWN in outcomes else lose


class _Walker:
    def __init__(self, schema: FactSchema, facts: Mapping[str, Any], as_of: dt.date) -> None:
        self.schema, self.as_of = schema, as_of
        self.values = {name: normalize_fact(schema[name], raw) for name, raw in facts.items() if name in schema}
        self.conditions: list[ConditionResult] = []
        self.groups: list[GroupResult] = []

    def walk(self, node: Node, negated: bool = False) -> str:
        if isinstance(node, Leaf):
            return self._leaf(node, negated)
        if isinstance(node, Not):
            inner = self.walk(node.child, not negated)
            outcome = {TRUE: FALSE, FALSE: TRUE}.get(inner, UNKNOWN)
            kind = "not"
        else:
            assert isinstance(node, Group)
            outcome = _combine(node.kind, [self.walk(c, negated) for c in node.children])
            kind = node.kind
        self.groups.append(GroupResult(node.id, node.path, kind, outcome, describe(node, self.schema, self.as_of)))
        return outcome

    def _leaf(self, leaf: Leaf, negated: bool) -> str:
        fact = self.schema[leaf.fact]
        actual = self.values.get(leaf.fact)
        outcome = leaf_truth(leaf, actual, self.as_of)
        counted = {TRUE: FALSE, FALSE: TRUE}.get(outcome, UNKNOWN) if negated else outcome
        description = describe_leaf(leaf, self.schema, self.as_of)
        shown = sorted(actual) if isinstance(actual, frozenset) else actual
        self.conditions.append(
            ConditionResult(
                id=leaf.id,
                path=leaf.path,
                status=LEAF_STATUS[counted],
                negated=negated,
                fact=leaf.fact,
                fact_label=fact.label,
                source=fact.source,
                op=leaf.op,
                value=value_as_json(resolve(leaf.value, self.as_of)),
                actual=value_as_json(shown),
                clause=leaf.clause,
                description=f"并非（{description}）" if negated else description,
            )
        )
        return outcome


def explain(
    rule: RuleSet | PolicyDef | Node,
    facts: Mapping[str, Any],
    schema: FactSchema,
    as_of: dt.date | None = None,
) -> Explanation:
    """Evaluate one entity's facts against a rule set, policy or bare condition, explaining every leaf.

    ``facts`` maps fact names to values (int, Decimal/float, bool, date or ISO string, code string, iterable of
    tags); an absent name or ``None`` is missing data and makes the conditions on it unknown.
    """
    as_of = as_of or dt.date.today()
    node = rule if isinstance(rule, Leaf | Group | Not) else rule.condition
    walker = _Walker(schema, facts, as_of)
    result = walker.walk(node)
    rule_id = "" if isinstance(rule, Leaf | Group | Not) else rule.id
    title = "" if isinstance(rule, Leaf | Group | Not) else rule.title
    return Explanation(rule_id, title, result, as_of, walker.conditions, walker.groups)


def evaluate(
    rule: RuleSet | PolicyDef | Node, facts: Mapping[str, Any], schema: FactSchema, as_of: dt.date | None = None
) -> str:
    """Only the three-valued outcome: ``"true"``, ``"false"`` or ``"unknown"``."""
    return explain(rule, facts, schema, as_of).result
