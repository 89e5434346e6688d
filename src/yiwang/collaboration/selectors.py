"""Scoped reads of 一网协同."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yiwang.accounts.models import User
from yiwang.accounts.scopes import user_scopes
from yiwang.collaboration.models import Instruction, OrgUnit, Receipt, TaskForce


def instructions_for(user: User) -> QuerySet[Instruction]:
    """Instructions the user sent or that their departments sent."""
    if user.is_administrator:
        return Instruction.objects.all()
    departments = {s.department_id for s in user_scopes(user)}
    return Instruction.objects.filter(Q(sender=user) | Q(department_id__in=departments))


def root_units_for(user: User) -> QuerySet[OrgUnit]:
    """Units down to townships the user may send to (inside the division scopes of their roles)."""
    units = OrgUnit.objects.filter(level__lte=OrgUnit.Level.TOWNSHIP)
    if user.is_administrator:
        return units
    condition = Q(pk__in=[])
    for scope in user_scopes(user):
        condition |= Q(division__code__startswith=scope.division_prefix)
    return units.filter(condition)


def receipts_to_answer(user: User) -> QuerySet[Receipt]:
    """The receipts of the units whose liaison the user is, newest first."""
    return (
        Receipt.objects.filter(unit__liaison=user)
        .select_related("instruction", "unit")
        .order_by("-instruction__sent_at")
    )


def task_forces_for(user: User) -> QuerySet[TaskForce]:
    if user.is_administrator:
        return TaskForce.objects.all()
    departments = {s.department_id for s in user_scopes(user)}
    return TaskForce.objects.filter(
        Q(leader=user) | Q(department_id__in=departments) | Q(members__user=user)
    ).distinct()
