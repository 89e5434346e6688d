"""Hypothesis strategies: a small fact schema, random records with missing values, random rule trees."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from yiwang.rules import FactSchema, PolicyDef, load_policies
from yiwang.rules.language import OPS_BY_TYPE

AS_OF = dt.date(2026, 3, 1)
SCHEMA = FactSchema.from_dict(
    {
        "n": {"type": "int", "label": "人数", "source": "测试.人数"},
        "x": {"type": "decimal", "label": "金额", "source": "测试.金额"},
        "flag": {"type": "bool", "label": "标志", "source": "测试.标志"},
        "day": {"type": "date", "label": "日期", "source": "测试.日期"},
        "cat": {"type": "category", "label": "类别", "source": "测试.类别"},
        "tags": {"type": "tags", "label": "标签", "source": "测试.标签"},
    }
)
DOMAIN: dict[str, list[Any]] = {
    "n": [0, 1, 2, 3, 5],
    "x": [0.0, 0.5, 1.0, 2.5],
    "flag": [True, False],
    "day": [AS_OF - dt.timedelta(days=d) for d in (0, 1, 2, 400)],
    "cat": ["a", "b", "c"],
}
TAGS = ["t1", "t2", "t3"]


def value_of(fact: str) -> st.SearchStrategy[Any]:
    if fact == "tags":
        return st.lists(st.sampled_from(TAGS), max_size=3).map(lambda t: sorted(set(t)))
    return st.sampled_from(DOMAIN[fact])


@st.composite
def records(draw: st.DrawFn, min_size: int = 0, max_size: int = 80) -> list[dict[str, Any]]:
    n = draw(st.integers(min_size, max_size))
    rows = []
    for _ in range(n):
        row = {}
        for fact in SCHEMA.facts:
            if draw(st.integers(0, 4)) > 0:  # one in five missing
                row[fact] = draw(value_of(fact))
        rows.append(row)
    return rows


def _value_for(draw: st.DrawFn, fact: str, op: str) -> Any:
    if op in ("is_true", "is_false", "present", "missing"):
        return None
    if fact == "tags":
        return draw(st.lists(st.sampled_from([*TAGS, "t9"]), min_size=1, max_size=3, unique=True))
    if fact == "day":
        one = st.one_of(
            st.sampled_from(DOMAIN["day"]).map(dt.date.isoformat),
            st.sampled_from([{"days_ago": 1}, {"days_ago": 2}, {"years_ago": 1}]),
        )
    elif fact == "x":
        one = st.sampled_from([0, 0.5, 1, 2.5, 3])
    elif fact == "cat":
        one = st.sampled_from(["a", "b", "c", "z"])
    elif fact == "flag":
        one = st.booleans()
    else:
        one = st.sampled_from([0, 1, 2, 3, 5, 7])
    if op in ("in", "not_in"):
        return draw(st.lists(one, min_size=1, max_size=3))
    if op == "between":
        lo, hi = draw(one), draw(one)
        if fact != "day":
            lo, hi = min(lo, hi), max(lo, hi)
        else:
            lo, hi = "2025-01-01", dt.date.isoformat(draw(st.sampled_from(DOMAIN["day"])))
        return [lo, hi]
    return draw(one)


@st.composite
def leaves(draw: st.DrawFn) -> dict[str, Any]:
    fact = draw(st.sampled_from(sorted(SCHEMA.facts)))
    op = draw(st.sampled_from(OPS_BY_TYPE[SCHEMA[fact].type]))
    leaf: dict[str, Any] = {"fact": fact, "op": op, "clause": f"测试条款{draw(st.integers(1, 9))}"}
    value = _value_for(draw, fact, op)
    if value is not None:
        leaf["value"] = value
    return leaf


def trees(max_leaves: int = 6) -> st.SearchStrategy[dict[str, Any]]:
    return st.recursive(
        leaves(),
        lambda kids: st.one_of(
            st.lists(kids, min_size=1, max_size=4).map(lambda c: {"all": c}),
            st.lists(kids, min_size=1, max_size=3).map(lambda c: {"any": c}),
            kids.map(lambda c: {"not": c}),
        ),
        max_leaves=max_leaves,
    )


@st.composite
def policy_sets(draw: st.DrawFn, max_policies: int = 6) -> list[PolicyDef]:
    n = draw(st.integers(1, max_policies))
    items = []
    for i in range(n):
        cond = draw(st.one_of(trees(), st.lists(trees(3), min_size=1, max_size=5).map(lambda c: {"all": c})))
        items.append(
            {
                "id": f"P{i}",
                "title": f"政策{i}",
                "conditions": cond,
                "amount": draw(
                    st.sampled_from(
                        [
                            {"fixed": 100},
                            {"percentage": {"fact": "x", "rate": 0.5, "cap": 1}},
                            {"tiered": {"fact": "n", "tiers": [{"min": 1, "amount": 10}, {"min": 3, "amount": 30}]}},
                        ]
                    )
                ),
            }
        )
    return load_policies({"policies": items}, SCHEMA)
