"""Scoped reads of 免申即享: what an official may see, by the same role × department × division scope that
:func:`yiwang.accounts.permissions.acts_for` asks before they change anything."""

from __future__ import annotations

from django.db.models import QuerySet

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for
from yiwang.accounts.scopes import scope_queryset, user_scopes
from yiwang.policies.models import Policy


def policies_for(user: User) -> QuerySet[Policy]:
    """The policies an official may manage: those of the departments they act for; an administrator's: all."""
    qs = Policy.objects.select_related("department", "current_version")
    return scope_queryset(user, qs, division_field="department__division", department_field="department")


def departments_for(user: User) -> QuerySet[Department]:
    """The departments an official may author policies for (an administrator: every department)."""
    qs = Department.objects.order_by("code")
    if user.is_administrator:
        return qs
    candidates = qs.filter(pk__in={scope.department_id for scope in user_scopes(user)})
    return qs.filter(pk__in=[d.pk for d in candidates if acts_for(user, d)])
