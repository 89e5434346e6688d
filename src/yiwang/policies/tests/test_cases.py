"""Each policy version carries YAML test cases; a version whose own cases fail is not saved."""

from __future__ import annotations

import pytest

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
