"""Scoped queries: an official never sees objects outside their department and division subtree.

Every later app filters its querysets through :func:`scope_queryset`, e.g.::

    scope_queryset(user, Application.objects.all(), division_field="division", department_field="department")
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from yiwang.accounts.models import RoleAssignment, User

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Scope:
    """One (department, division subtree) pair in which a user holds a role."""

    department_id: int
    division_prefix: str
    role_code: str


def user_scopes(user: User, *, role: str | None = None) -> list[Scope]:
    """The scopes in force now for this user, optionally only those of one role."""
    if not user.is_authenticated or not user.is_active:
        return []
    now = timezone.now()
    qs = (
        RoleAssignment.objects.filter(user=user, valid_from__lte=now)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("division", "role")
    )
    if role is not None:
        qs = qs.filter(role__code=role)
    return [Scope(a.department_id, a.division.prefix, a.role.code) for a in qs]


def scope_queryset(
    user: User,
    queryset: QuerySet[M],
    *,
    division_field: str | None = "division",
    department_field: str | None = "department",
    role: str | None = None,
) -> QuerySet[M]:
    """Restrict ``queryset`` to the caller's scopes.

    ``division_field`` names a FK to Division (or a path to one, e.g. ``"applicant__division"``) and
    ``department_field`` a FK to Department; pass ``None`` for a dimension the model does not have. An
    administrator sees everything; anyone without a matching role assignment sees nothing.
    """
    if user.is_authenticated and user.is_administrator:
        return queryset
    condition = Q(pk__in=[])
    for scope in user_scopes(user, role=role):
        part = Q()
        if division_field:
            part &= Q(**{f"{division_field}__code__startswith": scope.division_prefix})
        if department_field:
            part &= Q(**{f"{department_field}_id": scope.department_id})
        condition |= part
    return queryset.filter(condition)


def in_scope(user: User, obj: Model, **kwargs: str | None) -> bool:
    """Whether one object is inside the caller's scope (same rules as :func:`scope_queryset`)."""
    model = type(obj)
    return scope_queryset(user, model._default_manager.filter(pk=obj.pk), **kwargs).exists()


def has_scoped_permission(user: User, permission: str, division_code: str) -> bool:
    """Whether ``user`` holds ``permission`` (``app_label.codename``) through a role whose scope covers the division.

    Administrators hold every permission everywhere.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_administrator:
        return True
    app_label, codename = permission.split(".", 1)
    now = timezone.now()
    assignments = (
        RoleAssignment.objects.filter(
            user=user,
            valid_from__lte=now,
            role__permissions__codename=codename,
            role__permissions__content_type__app_label=app_label,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        .select_related("division")
    )
    return any(division_code.startswith(a.division.prefix) for a in assignments)
