"""The matching engine agrees with per-entity evaluation (``explain``) on random rules and data."""

from __future__ import annotations

from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from yiwang.rules import FactTable, Group, Matcher, PolicyDef, explain, what_if
from yiwang.rules.tests.strategies import AS_OF, SCHEMA, policy_sets, records

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def brute_force(policy: PolicyDef, rows: list[dict[str, Any]]) -> set[int]:
    return {i for i, r in enumerate(rows) if explain(policy, r, SCHEMA, AS_OF).result == "true"}


def matcher_for(policies: list[PolicyDef], rows: list[dict[str, Any]]) -> Matcher:
    m = Matcher(policies, SCHEMA, as_of=AS_OF, threads=2)  # two threads: the walk is split
    m.load(FactTable.from_records(SCHEMA, rows))
    return m


@SETTINGS
@given(policy_sets(), records(min_size=1))
def test_eligible_sets_equal_brute_force(policies: list[PolicyDef], rows: list[dict[str, Any]]) -> None:
    m = matcher_for(policies, rows)
    run = m.run()
    for p, count in zip(policies, run.counts, strict=True):
        expected = brute_force(p, rows)
        assert set(m.eligible(p.id).tolist()) == expected
        assert count == len(expected)


@SETTINGS
@given(policy_sets(), records(min_size=1), st.data())
def test_incremental_equals_full_run(
    policies: list[PolicyDef], rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    m = matcher_for(policies, rows)
    m.run()
    changed = sorted(data.draw(st.sets(st.integers(0, len(rows) - 1), min_size=1)))
    new_rows = data.draw(records(min_size=len(changed), max_size=len(changed)))
    updated = m.update(np.array(changed), FactTable.from_records(SCHEMA, new_rows))
    after = list(rows)
    for i, r in zip(changed, new_rows, strict=True):
        after[i] = r
    fresh = matcher_for(policies, after).run()
    assert updated.counts.tolist() == fresh.counts.tolist()
    for p in policies:  # the bitmaps were patched in place, too
        assert set(m.eligible(p.id).tolist()) == brute_force(p, after)


@SETTINGS
@given(policy_sets(), records(min_size=1, max_size=12))
def test_calculator_and_near_misses(policies: list[PolicyDef], rows: list[dict[str, Any]]) -> None:
    m = Matcher(policies, SCHEMA, as_of=AS_OF)
    for row in rows:
        result = m.calculate(row)
        outcome = {p.id: explain(p, row, SCHEMA, AS_OF).result for p in policies}
        assert {e["policy_id"] for e in result.eligible} == {k for k, v in outcome.items() if v == "true"}
        assert set(result.unknown) == {k for k, v in outcome.items() if v == "unknown"}
        expected_near = set()
        for p in policies:
            if isinstance(p.condition, Group) and p.condition.kind == "all":
                short = [c for c in p.condition.children if explain(c, row, SCHEMA, AS_OF).result != "true"]
                if len(short) == 1:
                    expected_near.add((p.id, short[0].id))
        assert {(n.policy_id, n.condition_id) for n in result.near_misses} == expected_near


@SETTINGS
@given(policy_sets(max_policies=2), policy_sets(max_policies=1), records(min_size=1))
def test_what_if_counts_gains_and_losses(
    current: list[PolicyDef], drafts: list[PolicyDef], rows: list[dict[str, Any]]
) -> None:
    m = matcher_for(current, rows)
    draft = PolicyDef(current[0].id, "草案", "enterprise", drafts[0].condition, drafts[0].amount)
    result = what_if(m, draft)
    old, new = brute_force(current[0], rows), brute_force(draft, rows)
    assert (result.current_count, result.draft_count) == (len(old), len(new))
    assert set(result.gained_rows.tolist()) == new - old
    assert set(result.lost_rows.tolist()) == old - new
    expected_cost = sum(draft.amount.compute(rows[i]) or 0 for i in new)
    assert abs(float(result.draft_cost) - float(expected_cost)) < 0.01 * max(1, len(new))


@SETTINGS
@given(policy_sets(max_policies=3), policy_sets(max_policies=1), records(min_size=1), st.data())
def test_incremental_after_a_sandbox_run(
    policies: list[PolicyDef], drafts: list[PolicyDef], rows: list[dict[str, Any]], data: st.DataObject
) -> None:
    m = matcher_for(policies, rows)
    m.run()
    what_if(m, drafts[0])  # may add atoms and negated sets to the snapshot's bitmaps
    changed = sorted(data.draw(st.sets(st.integers(0, len(rows) - 1), min_size=1)))
    new_rows = data.draw(records(min_size=len(changed), max_size=len(changed)))
    updated = m.update(np.array(changed), FactTable.from_records(SCHEMA, new_rows))
    after = list(rows)
    for i, r in zip(changed, new_rows, strict=True):
        after[i] = r
    assert updated.counts.tolist() == matcher_for(policies, after).run().counts.tolist()
    assert what_if(m, drafts[0]).draft_count == len(brute_force(drafts[0], after))
