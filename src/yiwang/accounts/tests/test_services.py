"""Granting and revoking roles is for administrators only, checked, and audited."""

from __future__ import annotations

import pytest

from yiwang.accounts.models import RoleAssignment
from yiwang.accounts.roles import ensure_default_roles
from yiwang.accounts.scopes import user_scopes
from yiwang.accounts.services import grant_role, revoke_role
from yiwang.accounts.tests import factories
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry


@pytest.mark.django_db
def test_grant_and_revoke_are_audited(org, admin_user):
    official = factories.member(username="o")
    role = ensure_default_roles()["approver"]
    assignment = grant_role(official, role, department=org.xihu_samr, division=org.xihu, actor=admin_user)
    assert [s.division_prefix for s in user_scopes(official)] == ["330106"]
    revoke_role(assignment, actor=admin_user, reason="调岗")
    assert user_scopes(official) == []
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", "reason"))
    assert actions[-2:] == [("permission.grant", ""), ("permission.revoke", "调岗")]


@pytest.mark.django_db
def test_grant_refuses_bad_requests_and_changes_nothing(org, admin_user, make_official):
    official = factories.member(username="o")
    citizen = factories.citizen(username="c")
    role = ensure_default_roles()["approver"]
    peer = make_official("peer", org.xihu_samr)
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        grant_role(official, role, department=org.xihu_samr, division=org.xihu, actor=peer)
    with pytest.raises(ValidationFailed) as exc:
        grant_role(citizen, role, department=org.xihu_samr, division=org.xihu, actor=admin_user)
    assert exc.value.field == "user"
    with pytest.raises(ValidationFailed) as exc:
        grant_role(official, role, department=org.xihu_samr, division=org.shangcheng, actor=admin_user)
    assert exc.value.field == "division"
    assert not RoleAssignment.objects.filter(user__in=[official, citizen]).exists()
    assert AuditEntry.objects.count() == before
