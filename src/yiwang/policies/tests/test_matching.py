"""Matching runs: the engine's eligible lists equal a brute-force explanation per entity; the evidence re-derives."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiwang.policies.facts import ENTERPRISE_SCHEMA, entity_facts, entity_snapshot
from yiwang.policies.models import MatchResult, Policy
from yiwang.policies.rulesets import RulesInvalid, definition_of
from yiwang.policies.services import run_matching, sandbox
from yiwang.rules import explain

VARIED_POLICIES = {
    "T-TECH": """
conditions:
  all:
    - {id: tech, fact: tags, op: contains_any, value: [高新技术企业, 科技型中小企业], clause: "办法第三条"}
    - {id: credit, fact: credit_class, op: in, value: [A, B], clause: "办法第五条"}
    - {id: age, fact: founding_date, op: le, value: {years_ago: 2}, clause: "办法第三条第二项"}
amount:
  percentage: {fact: tax_paid, rate: 0.05, cap: 300000}
""",
    "T-JOBS": """
conditions:
  all:
    - {id: district, fact: district, op: in, value: ["330106", "330102"], clause: "细则第二条"}
    - any:
        - {id: small, fact: size, op: in, value: [small, micro], clause: "细则第三条第一项"}
        - {id: insured, fact: social_insurance_headcount, op: ge, value: 100, clause: "细则第三条第二项"}
    - not: {id: risky, fact: credit_class, op: eq, value: D, clause: "细则第六条"}
amount:
  tiered: {fact: headcount, tiers: [{min: 0, amount: 2000}, {min: 50, amount: 8000}, {min: 200, amount: 20000}]}
""",
    "T-SOFT": """
conditions:
  all:
    - {id: industry, fact: industry, op: eq, value: "65", clause: "政策第二条"}
    - {id: revenue, fact: annual_revenue, op: between, value: [5000000, 200000000], clause: "政策第三条"}
    - {id: status, fact: status, op: eq, value: active, clause: "政策第一条"}
amount:
  fixed: 50000
""",
}


def brute_force(policy: Policy, entities, as_of) -> list[str]:
    definition = definition_of(policy.current_version)
    return sorted(
        e.uscc
        for e in entities
        if e.status == "active" and explain(definition, entity_facts(e), ENTERPRISE_SCHEMA, as_of).result == "true"
    )


def test_eligible_lists_equal_brute_force_explanation(generated_entities, make_policy, official):
    policies = [make_policy(code=code, rules=rules) for code, rules in VARIED_POLICIES.items()]
    run = run_matching(actor=official)
    for policy in policies:
        result = MatchResult.objects.get(run=run, version=policy.current_version)
        expected = brute_force(policy, generated_entities, run.as_of)
        assert result.eligible_usccs() == expected
        assert run.counts[policy.code] == len(expected) == result.eligible_count
    assert 0 < sum(run.counts.values()) < 3 * len(generated_entities)  # the fixture gives real, partial coverage


def test_run_stores_hash_and_compact_result_that_rederive_the_list(generated_entities, make_policy, official):
    policy = make_policy(code="T-SOFT", rules=VARIED_POLICIES["T-SOFT"])
    run = run_matching(actor=official)
    snapshot = entity_snapshot()
    assert run.snapshot_hash == snapshot.snapshot_hash and len(run.snapshot_hash) == 64
    active = sorted(e.uscc for e in generated_entities if e.status == "active")
    assert run.entity_count == len(active)
    assert [u.decode() for u in run.usccs()] == active  # the USCC order is kept once per run
    result = MatchResult.objects.get(run=run, version=policy.current_version)
    assert len(bytes(result.bitmap)) < 200  # a packed bitmap, not one row per pair
    assert result.eligible_usccs() == brute_force(policy, generated_entities, run.as_of)
    expected_total = Decimal(50000) * result.eligible_count
    assert result.amount_total == expected_total == run.amounts_total

    changed = generated_entities[0]
    changed.headcount = (changed.headcount or 0) + 1
    changed.save()
    assert entity_snapshot().snapshot_hash != run.snapshot_hash


def test_a_version_used_by_a_run_is_immutable(generated_entities, make_policy, official):
    policy = make_policy()
    run_matching(actor=official)
    version = policy.current_version
    version.rules = version.rules.replace("10000000", "1")
    with pytest.raises(ValueError, match="immutable"):
        version.save()


def test_yaml_errors_name_every_path_and_nothing_is_created(org, official):
    from yiwang.policies import services

    bad = """
conditions:
  all:
    - {id: district, fact: distrct, op: eq, value: "330106", clause: "第二条"}
    - {id: revenue, fact: annual_revenue, op: ge, value: "lots", clause: "第三条"}
amount:
  percentage: {fact: tax_paid, rate: 5}
"""
    with pytest.raises(RulesInvalid) as caught:
        services.create_policy(code="BAD-1", title="坏规则", department=org.xihu_samr, rules=bad, actor=official)
    paths = [p["path"] for p in caught.value.problems]
    assert "rules.conditions.all[0].fact" in paths
    assert any(p.startswith("rules.conditions.all[1].value") for p in paths)
    assert "rules.amount.percentage.rate" in paths
    body = caught.value.as_dict()
    assert body["field"] == "rules" and body["code"] == "rules_invalid" and "rules.conditions.all[0]" in body["message"]
    assert not Policy.objects.filter(code="BAD-1").exists()

    with pytest.raises(RulesInvalid) as syntax:
        services.create_policy(
            code="BAD-2", title="坏规则", department=org.xihu_samr, rules="conditions: [\n  - {a: 1", actor=official
        )
    assert "line" in syntax.value.problems[0]["path"]


def test_sandbox_lowering_the_revenue_threshold_reports_added_entities_and_cost(make_entity, make_policy, official):
    rich = [make_entity(annual_revenue=Decimal("1500.00")) for _ in range(3)]
    middling = [make_entity(annual_revenue=Decimal("600.00")) for _ in range(2)]
    make_entity(annual_revenue=Decimal("100.00"))
    policy = make_policy()
    draft = policy.current_version.rules.replace("value: 10000000", "value: 5000000")
    result = sandbox(policy, draft, actor=official)
    assert (result["current_count"], result["draft_count"]) == (len(rich), len(rich) + len(middling))
    assert (result["gained"], result["lost"]) == (2, 0)
    assert sorted(result["gained_usccs"]) == sorted(e.uscc for e in middling)
    assert Decimal(result["cost_delta"]) == Decimal("20000.00")


def test_entity_facts_agree_with_the_snapshot_row(generated_entities):
    snapshot = entity_snapshot()
    for entity in generated_entities[:40]:
        row = snapshot.row_of(entity.uscc)
        if entity.status != "active":
            assert row is None
            continue
        from_table = snapshot.table.row(row)
        facts = entity_facts(entity)
        assert set(from_table) == set(facts)
        for name, value in facts.items():
            got = from_table[name]
            if isinstance(value, Decimal):
                assert got == pytest.approx(float(value))
            elif name == "tags":
                assert set(got) == set(value)
            else:
                assert got == value


def test_a_run_over_an_empty_registry_or_without_policies_is_recorded(org, make_policy, official):
    empty = run_matching(actor=official)
    assert (empty.entity_count, empty.counts) == (0, {})
    make_policy()
    run = run_matching(actor=official)
    assert run.entity_count == 0 and run.counts == {"XH-TEST-001": 0} and run.offers_created == 0
