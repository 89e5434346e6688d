"""An official sees only their department's objects inside their division subtree."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yiwang.accounts.models import Department, RoleAssignment
from yiwang.accounts.scopes import in_scope, scope_queryset, user_scopes
from yiwang.accounts.tests import factories


@pytest.mark.django_db
def test_division_subtree_scope(org, make_official):
    xihu_official = make_official("xihu", org.xihu_samr)
    depts = Department.objects.all()
    # A department is in scope when it is the official's own and its division lies in the subtree.
    visible = scope_queryset(xihu_official, depts, division_field="division", department_field=None)
    assert set(visible.values_list("code", flat=True)) == {"330106-SCJGJ"}
    assert in_scope(xihu_official, org.xihu_samr, department_field=None)
    assert not in_scope(xihu_official, org.shangcheng_samr, department_field=None)


@pytest.mark.django_db
def test_city_scope_covers_its_districts(org, make_official):
    city_official = make_official("city", org.xihu_samr, division=org.city)
    visible = scope_queryset(city_official, Department.objects.all(), department_field=None)
    assert visible.count() == 2


@pytest.mark.django_db
def test_no_role_sees_nothing_and_admin_sees_all(org, admin_user):
    person = factories.citizen()
    assert scope_queryset(person, Department.objects.all(), department_field=None).count() == 0
    assert scope_queryset(admin_user, Department.objects.all(), department_field=None).count() == 2


@pytest.mark.django_db
def test_expired_assignment_grants_nothing(org, make_official):
    official = make_official("old", org.xihu_samr)
    RoleAssignment.objects.filter(user=official).update(valid_until=timezone.now() - timedelta(days=1))
    assert user_scopes(official) == []
    assert scope_queryset(official, Department.objects.all(), department_field=None).count() == 0


@pytest.mark.django_db
def test_role_filter(org, make_official):
    official = make_official("acc", org.xihu_samr, roles=("acceptor",))
    assert [s.role_code for s in user_scopes(official)] == ["acceptor"]
    assert scope_queryset(official, Department.objects.all(), department_field=None, role="approver").count() == 0
