"""Scoped reads: an official sees the plans, visits and cases of the departments he acts for (or is drawn for)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from yiwang.accounts.models import User
from yiwang.accounts.scopes import user_scopes
from yiwang.regulation.models import EnforcementCase, Inspection, InspectionPlan


def _departments(user: User) -> set[int]:
    return {scope.department_id for scope in user_scopes(user)}


def plans_for(user: User) -> QuerySet[InspectionPlan]:
    qs = InspectionPlan.objects.select_related("lead_department").prefetch_related("draws", "tasks__department")
    return qs if user.is_administrator else qs.filter(tasks__department__in=_departments(user)).distinct()


def inspections_for(user: User) -> QuerySet[Inspection]:
    qs = Inspection.objects.select_related("target").filter(parts__active=True).distinct()
    if user.is_administrator:
        return qs
    return qs.filter(
        Q(parts__department__in=_departments(user)) | Q(parts__officers__user=user), parts__active=True
    ).distinct()


def inspection_for(user: User, code: str) -> Inspection:
    inspection = inspections_for(user).filter(code=code).first()
    if inspection is None:
        raise Http404
    return inspection


def cases_for(user: User) -> QuerySet[EnforcementCase]:
    qs = EnforcementCase.objects.select_related("entity", "department")
    return qs if user.is_administrator else qs.filter(department__in=_departments(user))


def case_for(user: User, number: str) -> EnforcementCase:
    case = cases_for(user).filter(number=number).first()
    if case is None:
        raise Http404
    return case
