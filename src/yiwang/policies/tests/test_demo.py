"""Demo policies: at least 200, all loadable by the engine, deterministic and idempotent."""

from __future__ import annotations

from yiwang.policies.demo import ensure_demo_policies
from yiwang.policies.models import Policy
from yiwang.policies.rulesets import definition_of, new_matcher, published_versions


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
