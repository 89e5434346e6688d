"""Loading rules: every problem reported at once with its path; canonical values; Chinese descriptions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from yiwang.rules import RuleError, describe, load_policies, load_rule_set
from yiwang.rules.language import RelativeDate
from yiwang.rules.tests.strategies import SCHEMA


def problems_of(source: object) -> dict[str, str]:
    with pytest.raises(RuleError) as err:
        load_rule_set(source, SCHEMA)  # type: ignore[arg-type]
    return {p.path: p.code for p in err.value.problems}


def test_all_problems_are_listed_with_their_paths() -> None:
    found = problems_of(
        {
            "id": "r",
            "rules": {
                "all": [
                    {"fact": "n", "op": "ge", "value": 3, "clause": "第一条"},
                    {"fact": "nope", "op": "eq", "value": 1, "clause": "第二条"},
                    {"fact": "n", "op": "ge", "value": "three", "clause": "第三条"},
                    {"fact": "flag", "op": "gt", "value": 1, "clause": "第四条"},
                    {"fact": "cat", "op": "in", "value": [6], "clause": "第五条"},
                    {"fact": "n", "op": "between", "value": [5, 1]},
                ]
            },
        }
    )
    assert found == {
        "rules.all[1].fact": "unknown_fact",
        "rules.all[2].value": "bad_value",
        "rules.all[3].op": "bad_op",
        "rules.all[4].value[0]": "bad_value",
        "rules.all[5].clause": "missing_clause",
        "rules.all[5].value": "empty_range",
    }


def test_the_message_names_the_path_and_the_rule() -> None:
    with pytest.raises(RuleError) as err:
        load_rule_set("id: r\nrules:\n  all:\n    - {fact: n, op: ge, value: x, clause: 第一条}\n", SCHEMA)
    assert "rules.all[0].value" in str(err.value)
    assert "integer" in str(err.value)
    assert err.value.as_dict()["problems"][0]["code"] == "bad_value"


def test_structure_errors() -> None:
    assert problems_of({"id": "r", "rules": {"all": []}}) == {"rules.all": "empty_group"}
    assert problems_of({"id": "r", "rules": {"fact": "n", "any": []}}) == {"rules": "bad_node"}
    assert problems_of({"rules": {"fact": "flag", "op": "is_true", "value": True, "clause": "c"}}) == {
        "id": "missing_id",
        "rules.value": "unexpected_value",
    }
    found = problems_of(
        {
            "id": "r",
            "rules": {
                "all": [
                    {"id": "a", "fact": "n", "op": "present", "clause": "c"},
                    {"id": "a", "fact": "n", "op": "missing", "clause": "c"},
                ]
            },
        }
    )
    assert found == {"rules.all[1].id": "duplicate_id"}


def test_a_group_clause_is_inherited_by_its_leaves() -> None:
    rules = load_rule_set(
        {"id": "r", "rules": {"clause": "第九条", "any": [{"fact": "n", "op": "ge", "value": 1}]}}, SCHEMA
    )
    assert rules.condition.children[0].clause == "第九条"  # type: ignore[union-attr]


def test_values_are_normalised() -> None:
    rules = load_rule_set(
        "id: r\nrules:\n  all:\n"
        "    - {fact: x, op: ge, value: 5000000, clause: c}\n"
        "    - {fact: day, op: le, value: {years_ago: 3}, clause: c}\n"
        "    - {fact: day, op: ge, value: 2020-01-31, clause: c}\n"
        "    - {fact: cat, op: in, value: [b, a, b], clause: c}\n",
        SCHEMA,
    )
    x, rel, day, cat = rules.condition.children  # type: ignore[union-attr]
    assert x.value == Decimal(5000000)
    assert rel.value == RelativeDate(years=3)
    assert day.value == dt.date(2020, 1, 31)
    assert cat.value == ("a", "b")


def test_relative_dates_count_calendar_years() -> None:
    assert RelativeDate(years=1).resolve(dt.date(2024, 2, 29)) == dt.date(2023, 2, 28)
    assert RelativeDate(months=1).resolve(dt.date(2026, 3, 31)) == dt.date(2026, 2, 28)
    assert RelativeDate(days=1).resolve(dt.date(2026, 3, 1)) == dt.date(2026, 2, 28)


def test_policy_loader_checks_amounts_and_audience() -> None:
    with pytest.raises(RuleError) as err:
        load_policies(
            {
                "policies": [
                    {
                        "id": "P1",
                        "audience": "robot",
                        "conditions": {"fact": "n", "op": "present", "clause": "c"},
                        "amount": {"percentage": {"fact": "cat", "rate": 2}},
                    },
                    {
                        "id": "P1",
                        "conditions": {"fact": "n", "op": "present", "clause": "c"},
                        "amount": {
                            "tiered": {"fact": "n", "tiers": [{"min": 5, "amount": 1}, {"min": 1, "amount": 2}]}
                        },
                    },
                ]
            },
            SCHEMA,
        )
    paths = {p.path: p.code for p in err.value.problems}
    assert paths["policies[0].audience"] == "bad_audience"
    assert paths["policies[0].amount.percentage.fact"] == "bad_amount_fact"
    assert paths["policies[0].amount.percentage.rate"] == "bad_rate"
    assert paths["policies[1].amount.tiered.tiers"] == "bad_tiers"


def test_descriptions_read_as_chinese() -> None:
    from benchmarks.synthetic import enterprise_schema

    schema = enterprise_schema()
    rules = load_rule_set(
        {
            "id": "r",
            "rules": {
                "all": [
                    {"fact": "revenue", "op": "ge", "value": 5000000, "clause": "c"},
                    {"fact": "tags", "op": "contains_any", "value": ["专精特新", "高新技术企业"], "clause": "c"},
                    {"fact": "founding_date", "op": "le", "value": {"years_ago": 3}, "clause": "c"},
                    {"not": {"fact": "serious_violation", "op": "is_true", "clause": "c"}},
                ]
            },
        },
        schema,
    )
    leaves = rules.condition.children  # type: ignore[union-attr]
    assert describe(leaves[0], schema) == "年营业收入 ≥ 5000000元"
    assert describe(leaves[1], schema) == "企业标签 包含 专精特新、高新技术企业 之一"
    assert describe(leaves[2], schema, dt.date(2026, 6, 30)) == "成立日期 ≤ 3年前（2023-06-30）"
    assert describe(leaves[3], schema) == "并非（列入严重违法失信名单 为 是）"
