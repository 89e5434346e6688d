"""Each policy version carries YAML test cases; a version whose own cases fail is not saved; the demo's all pass."""

from __future__ import annotations

import pytest

from yiwang.policies.models import PolicyVersion
from yiwang.policies.rulesets import RulesInvalid, case_failures

RULES = """
conditions:
  all:
    - {id: revenue, fact: annual_revenue, op: ge, value: 5000000, clause: "《示例办法》第三条"}
    - {id: credit, fact: credit_class, op: in, value: ["A", "B"], clause: "《示例办法》第五条"}
amount: {fixed: 10000}
cases:
  - name: 营收达标且信用良好
    facts: {annual_revenue: 6000000, credit_class: "A"}
    expect: {result: "true"}
  - name: 信用 C 类
    facts: {annual_revenue: 6000000, credit_class: "C"}
    expect: {result: "false", failed: [credit]}
"""


def test_cases_pass_and_a_wrong_expectation_is_reported():
    assert case_failures("P1", "示例政策", RULES) == []
    wrong = RULES.replace('expect: {result: "false", failed: [credit]}', 'expect: {result: "false", failed: [revenue]}')
    problems = case_failures("P1", "示例政策", wrong)
    assert [p["path"] for p in problems] == ["rules.cases[1]"] and "revenue" in problems[0]["message"]


@pytest.mark.django_db
def test_a_version_with_failing_cases_is_refused(make_policy, official):
    policy = make_policy()
    from yiwang.policies import services

    bad = RULES.replace('{result: "true"}', '{result: "false"}')
    with pytest.raises(RulesInvalid) as exc:
        services.new_version(policy, bad, actor=official)
    assert exc.value.problems[0]["path"] == "rules.cases[0]"


@pytest.mark.django_db
def test_every_demo_policy_passes_its_own_cases(org):
    from yiwang.accounts.divisions import load_divisions
    from yiwang.policies.demo import ensure_demo_policies

    load_divisions(province_prefixes=["33"])
    ensure_demo_policies(200)
    versions = PolicyVersion.objects.select_related("policy")
    with_cases = [v for v in versions if "cases:" in v.rules]
    assert len(with_cases) >= 150
    for version in with_cases:
        assert case_failures(version.policy.code, version.policy.title, version.rules) == [], version.policy.code
