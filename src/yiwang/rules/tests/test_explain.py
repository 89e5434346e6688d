"""Single-entity evaluation (秒批): three-valued, every leaf explained, JSON-serialisable."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from yiwang.rules import RuleError, evaluate, explain, load_rule_set
from yiwang.rules.tests.strategies import AS_OF, SCHEMA

RULES = load_rule_set(
    {
        "id": "approval.test",
        "title": "测试事项",
        "rules": {
            "all": [
                {"id": "big", "fact": "n", "op": "ge", "value": 3, "clause": "《条例》第一条"},
                {
                    "any": [
                        {"id": "cat_a", "fact": "cat", "op": "eq", "value": "a", "clause": "《条例》第二条"},
                        {
                            "id": "tag",
                            "fact": "tags",
                            "op": "contains_all",
                            "value": ["t1", "t2"],
                            "clause": "《条例》第三条",
                        },
                    ]
                },
                {"id": "recent", "fact": "day", "op": "ge", "value": {"days_ago": 30}, "clause": "《条例》第四条"},
            ]
        },
    },
    SCHEMA,
)


def test_all_conditions_met() -> None:
    facts = {"n": 5, "cat": "b", "tags": ["t2", "t1"], "day": AS_OF}
    result = explain(RULES, facts, SCHEMA, AS_OF)
    assert result.result == "true"
    assert result.failed == ["cat_a"]  # a leaf of a satisfied ``any`` may fail; it is reported as such


def test_missing_data_gives_unknown_never_false_or_true() -> None:
    result = explain(RULES, {"n": 5, "cat": "a"}, SCHEMA, AS_OF)
    assert result.result == "unknown"
    assert result.unknown == ["tag", "recent"]  # "tag" does not matter (cat_a holds) but is unknown itself
    assert result.missing_facts == ["tags", "day"]
    assert evaluate(RULES, {}, SCHEMA, AS_OF) == "unknown"


def test_a_known_failure_wins_over_missing_data() -> None:
    assert evaluate(RULES, {"n": 1}, SCHEMA, AS_OF) == "false"


def test_every_leaf_carries_its_evidence() -> None:
    result = explain(RULES, {"n": 2, "day": "2026-02-01"}, SCHEMA, AS_OF)
    big = next(c for c in result.conditions if c.id == "big")
    assert (big.status, big.actual, big.value, big.clause) == ("failed", 2, 3, "《条例》第一条")
    assert (big.source, big.description) == ("测试.人数", "人数 ≥ 3")
    recent = next(c for c in result.conditions if c.id == "recent")
    assert recent.value == "2026-01-30" and recent.status == "passed"
    data = json.loads(json.dumps(result.as_dict(), ensure_ascii=False))
    assert data["result"] == "false" and data["as_of"] == AS_OF.isoformat()
    assert [c["id"] for c in data["conditions"]] == ["big", "cat_a", "tag", "recent"]


def test_bad_fact_values_are_refused() -> None:
    with pytest.raises(RuleError) as err:
        explain(RULES, {"n": "many"}, SCHEMA, AS_OF)
    assert err.value.problems[0].path == "facts.n"


def test_dates_default_to_today() -> None:
    assert explain(RULES, {}, SCHEMA).as_of == dt.date.today()
