"""Who may operate a policy: an official with a role in its department over its division, nobody else."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiwang.accounts.models import User
from yiwang.core.errors import PermissionDenied
from yiwang.policies import services
from yiwang.policies.models import Objection, Policy, PolicyVersion
from yiwang.policies.selectors import policies_for
from yiwang.policies.tests.conftest import REVENUE_POLICY


@pytest.fixture
def member_without_role(org):
    """An official whose only link to the policy's department is ``User.department``."""
    return User.objects.create_user(
        "xihu_member", password="x", kind=User.Kind.OFFICIAL, department=org.xihu_samr, full_name="成员"
    )


@pytest.fixture
def role_elsewhere(org, make_official):
    """An official of the policy's department whose role covers another district (上城区)."""
    return make_official("xihu_elsewhere", org.xihu_samr, division=org.shangcheng)


OPERATIONS = {
    "new_version": lambda policy, actor: services.new_version(policy, REVENUE_POLICY, actor=actor),
    "retire_policy": lambda policy, actor: services.retire_policy(policy, actor=actor),
    "run_matching": lambda policy, actor: services.run_matching([policy], actor=actor),
    "sandbox": lambda policy, actor: services.sandbox(policy, REVENUE_POLICY, actor=actor),
    "export_batch": lambda policy, actor: services.export_batch(policy, actor=actor),
    "resolve_objection": lambda policy, actor: services.resolve_objection(
        Objection.objects.get(policy=policy), actor=actor, upheld=False, resolution="核查无误"
    ),
}


@pytest.mark.parametrize("who", ["member_without_role", "role_elsewhere"])
@pytest.mark.parametrize("operation", sorted(OPERATIONS))
def test_officials_without_a_role_for_the_policy_are_refused_and_nothing_changes(
    request, make_policy, org, who, operation
):
    policy = make_policy(budget=Decimal("50000"))
    services.file_objection(policy, reason="该企业已注销", uscc="91330106MA2AAAAA0X")
    actor = request.getfixturevalue(who)
    versions = PolicyVersion.objects.count()

    with pytest.raises(PermissionDenied):
        OPERATIONS[operation](policy, actor)

    policy.refresh_from_db()
    assert policy.status == Policy.Status.PUBLISHED and PolicyVersion.objects.count() == versions
    assert Objection.objects.get(policy=policy).status == Objection.Status.OPEN
    assert not policies_for(actor).exists()  # and the policy is not in their list either


def test_an_official_without_a_role_cannot_create_a_policy_for_their_department(org, member_without_role):
    with pytest.raises(PermissionDenied):
        services.create_policy(
            code="XH-NOROLE", title="无角色", department=org.xihu_samr, rules=REVENUE_POLICY, actor=member_without_role
        )
    assert not Policy.objects.filter(code="XH-NOROLE").exists()


def test_an_official_with_a_role_in_the_policys_district_may(make_policy, official):
    policy = make_policy()
    assert services.new_version(policy, REVENUE_POLICY, actor=official).number == 2
    assert list(policies_for(official)) == [policy]
