"""The one official-permission predicate: role × department × division scope."""

from __future__ import annotations

import pytest

from yiwang.accounts.permissions import acts_for, require_acts_for
from yiwang.accounts.tests import factories
from yiwang.core.errors import PermissionDenied


@pytest.mark.django_db
def test_an_official_acts_for_their_department_only_inside_their_division_subtree(org, make_official):
    official = make_official("wang", org.xihu_samr)
    assert acts_for(official, org.xihu_samr)
    assert acts_for(official, org.xihu_samr, division=org.xihu_town)
    assert not acts_for(official, org.xihu_samr, division=org.shangcheng)
    assert not acts_for(official, org.shangcheng_samr)


@pytest.mark.django_db
def test_membership_without_a_role_grants_nothing_and_roles_can_be_required(org, make_official):
    member = factories.member(org.xihu_samr)
    assert not acts_for(member, org.xihu_samr)
    acceptor = make_official("zhao", org.xihu_samr, roles=("acceptor",))
    assert acts_for(acceptor, org.xihu_samr, roles=["acceptor"])
    assert not acts_for(acceptor, org.xihu_samr, roles=["approver"])
    with pytest.raises(PermissionDenied) as caught:
        require_acts_for(acceptor, org.xihu_samr, roles=["approver"], field="decision")
    assert caught.value.field == "decision"


@pytest.mark.django_db
def test_citizens_anonymous_and_inactive_users_never_act_and_administrators_always_do(org, make_official, admin_user):
    citizen = factories.citizen()
    official = make_official("qian", org.xihu_samr)
    official.is_active = False
    assert not acts_for(citizen, org.xihu_samr)
    assert not acts_for(None, org.xihu_samr)
    assert not acts_for(official, org.xihu_samr)
    assert acts_for(admin_user, org.shangcheng_samr, division=org.xihu)
