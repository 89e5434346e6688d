"""Snapshots from numpy, lists and Arrow agree; synthetic data is deterministic and matches brute force."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import numpy as np
import pyarrow as pa

from benchmarks.synthetic import enterprise_columns, enterprise_schema, generate_policies
from yiwang.rules import FactTable, Matcher, explain, load_policies, what_if
from yiwang.rules.tests.strategies import AS_OF, SCHEMA

RECORDS = [
    {"n": 3, "x": 1.5, "flag": True, "day": dt.date(2026, 1, 2), "cat": "a", "tags": ["t1", "t2"]},
    {"n": None, "x": None, "flag": None, "day": None, "cat": None, "tags": None},
    {"n": 0, "x": 0.0, "flag": False, "day": dt.date(2020, 5, 6), "cat": "c", "tags": []},
]


def as_rows(table: FactTable) -> list[dict[str, object]]:
    return [table.row(i) for i in range(table.n_rows)]


def test_numpy_list_and_arrow_inputs_give_the_same_facts() -> None:
    from_records = FactTable.from_records(SCHEMA, RECORDS)
    from_numpy = FactTable.from_columns(
        SCHEMA,
        {
            "n": np.ma.MaskedArray([3, 0, 0], mask=[False, True, False]),
            "x": np.array([1.5, np.nan, 0.0]),
            "flag": np.ma.MaskedArray([True, False, False], mask=[False, True, False]),
            "day": np.array(["2026-01-02", "NaT", "2020-05-06"], dtype="datetime64[D]"),
            "cat": (np.array([0, -1, 1]), ["a", "c"]),
            "tags": (np.array([3, 0, 0], np.uint64), ["t1", "t2"], np.array([True, False, True])),
        },
    )
    arrow = pa.table(
        {
            "n": pa.array([3, None, 0], pa.int64()),
            "x": pa.array([1.5, None, 0.0]),
            "flag": pa.array([True, None, False]),
            "day": pa.array([dt.date(2026, 1, 2), None, dt.date(2020, 5, 6)]),
            "cat": pa.array(["a", None, "c"]).dictionary_encode(),
            "tags": pa.array([["t1", "t2"], None, []]),
        }
    )
    from_arrow = FactTable.from_arrow(SCHEMA, arrow)
    expected = as_rows(from_records)
    assert expected[1] == {}
    assert as_rows(from_numpy) == expected
    assert as_rows(from_arrow) == expected


def test_synthetic_data_is_deterministic_and_realistic() -> None:
    a, b = enterprise_columns(500, seed=3), enterprise_columns(500, seed=3)
    assert np.array_equal(a["revenue"], b["revenue"], equal_nan=True)
    assert 30 <= len(a) <= 50
    policies = generate_policies(300, seed=3)
    assert policies == generate_policies(300, seed=3)
    assert all(5 <= len(p["conditions"]["all"]) <= 10 for p in policies)


def test_engine_matches_brute_force_on_synthetic_policies() -> None:
    schema = enterprise_schema()
    as_of = dt.date(2026, 6, 30)
    policies = load_policies({"policies": generate_policies(120, seed=5)}, schema)
    table = FactTable.from_columns(schema, enterprise_columns(400, seed=5, as_of=as_of))
    m = Matcher(policies, schema, as_of=as_of)
    m.load(table)
    run = m.run()
    rows = [table.row(i) for i in range(table.n_rows)]
    for p, count in zip(policies[:40], run.counts, strict=False):
        expected = {i for i, r in enumerate(rows) if explain(p, r, schema, as_of).result == "true"}
        assert set(m.eligible(p.id).tolist()) == expected and count == len(expected)
    assert len(m.registry.keys) > 100  # conditions are shared: far fewer atoms than leaves


def test_amounts_and_sandbox_cost() -> None:
    policies = load_policies(
        {
            "policies": [
                {
                    "id": "P",
                    "conditions": {"fact": "n", "op": "ge", "value": 1, "clause": "第一条"},
                    "amount": {"percentage": {"fact": "x", "rate": 0.5, "cap": 0.6}},
                }
            ]
        },
        SCHEMA,
    )
    m = Matcher(policies, SCHEMA, as_of=AS_OF)
    m.load(FactTable.from_records(SCHEMA, RECORDS))
    assert m.cost("P") == Decimal("0.60")  # row 0: min(1.5 × 0.5, 0.6)
    draft = load_policies(
        {
            "policies": [
                {
                    "id": "P",
                    "conditions": {"fact": "n", "op": "ge", "value": 0, "clause": "第一条"},
                    "amount": {"fixed": 10},
                }
            ]
        },
        SCHEMA,
    )[0]
    result = what_if(m, draft)
    assert (result.current_count, result.draft_count, result.gained, result.lost) == (1, 2, 1, 0)
    assert result.as_dict()["cost_delta"] == "19.40"
