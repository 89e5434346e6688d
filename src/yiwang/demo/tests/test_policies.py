"""Demo policies (data/policies/*.yaml): at least 200, all loadable by the engine, deterministic and idempotent,
each passing its own test cases."""

from __future__ import annotations

import pytest

from yiwang.demo.policies import ensure_demo_policies
from yiwang.policies.models import Policy, PolicyVersion
from yiwang.policies.rulesets import case_failures, definition_of, new_matcher, published_versions


def test_two_hundred_varied_demo_policies_load_and_are_idempotent(org):
    assert ensure_demo_policies(200) == 200
    assert ensure_demo_policies(200) == 0
    policies = Policy.objects.all()
    assert policies.count() == 200
    assert policies.filter(route=Policy.Route.FAST_TRACK).exists()
    assert {p.department.division_id for p in policies} >= {"330100", "330106", "330102"}
    versions = published_versions()
    assert len(versions) == 200
    kinds = {next(iter(definition_of(v).amount.as_dict()), "none") for v in versions}
    assert kinds == {"fixed", "tiered", "percentage"}
    assert all("演示" in p.legal_references for p in policies)
    new_matcher(versions)  # every policy compiles together
    xihu = Policy.objects.get(code="330106-GX-2026")
    assert xihu.title.startswith("西湖区") and '"330106"' in xihu.current_version.rules.replace("'", '"')


@pytest.mark.django_db
def test_every_demo_policy_passes_its_own_cases(org):
    from yiwang.accounts.divisions import load_divisions

    load_divisions(province_prefixes=["33"])
    ensure_demo_policies(200)
    versions = PolicyVersion.objects.select_related("policy")
    with_cases = [v for v in versions if "cases:" in v.rules]
    assert len(with_cases) >= 150
    for version in with_cases:
        assert case_failures(version.policy.code, version.policy.title, version.rules) == [], version.policy.code
