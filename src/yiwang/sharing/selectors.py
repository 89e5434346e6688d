"""Scoped reads of the sharing pages: an official sees the grants, thematic databases, returns, 授权运营 and
dataset applications of the departments they act for; anything else is a 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from yiwang.accounts.models import User
from yiwang.accounts.scopes import user_scopes
from yiwang.sharing.models import (
    Alert,
    DatasetApplication,
    Grant,
    JointStatistic,
    OperationAgreement,
    ReturnSchedule,
    ThematicRegistry,
)


def _departments(user: User) -> set[int]:
    return {scope.department_id for scope in user_scopes(user)}


def grants_for(user: User) -> QuerySet[Grant]:
    qs = Grant.objects.select_related("resource__provider", "consumer", "requested_by")
    if user.is_administrator:
        return qs
    departments = _departments(user)
    return qs.filter(Q(resource__provider_id__in=departments) | Q(consumer_id__in=departments))


def grant_for(user: User, pk: int) -> Grant:
    """A grant the user may see, or 404."""
    return get_object_or_404(grants_for(user), pk=pk)


def alerts_for(user: User) -> QuerySet[Alert]:
    qs = Alert.objects.select_related("grant__resource", "grant__consumer")
    if user.is_administrator:
        return qs
    return qs.filter(grant__resource__provider_id__in=_departments(user))


def joint_counts_for(user: User) -> QuerySet[JointStatistic]:
    """The joint counts (PSI) of the departments the official acts for."""
    qs = JointStatistic.objects.select_related("party_a", "party_b").order_by("-created_at")
    if user.is_administrator:
        return qs
    departments = _departments(user)
    return qs.filter(Q(party_a_id__in=departments) | Q(party_b_id__in=departments))


def thematic_registries_for(user: User) -> QuerySet[ThematicRegistry]:
    """The thematic databases of the departments the official acts for."""
    qs = ThematicRegistry.objects.select_related("department").order_by("code")
    return qs if user.is_administrator else qs.filter(department_id__in=_departments(user))


def thematic_registry_for(user: User, code: str) -> ThematicRegistry:
    return get_object_or_404(thematic_registries_for(user), code=code)


def return_schedules_for(user: User) -> QuerySet[ReturnSchedule]:
    """Returns the official's departments provide or receive (数据回流)."""
    qs = ReturnSchedule.objects.select_related("resource__provider", "division", "recipient").order_by("pk")
    if user.is_administrator:
        return qs
    departments = _departments(user)
    return qs.filter(Q(resource__provider_id__in=departments) | Q(recipient_id__in=departments))


def return_schedule_for(user: User, pk: int) -> ReturnSchedule:
    return get_object_or_404(return_schedules_for(user), pk=pk)


def operations_for(user: User) -> QuerySet[OperationAgreement]:
    """授权运营 applications and agreements on the resources of the official's departments."""
    qs = OperationAgreement.objects.select_related("resource__provider").order_by("-created_at")
    return qs if user.is_administrator else qs.filter(resource__provider_id__in=_departments(user))


def operation_for(user: User, pk: int) -> OperationAgreement:
    return get_object_or_404(operations_for(user), pk=pk)


def dataset_applications_for(user: User) -> QuerySet[DatasetApplication]:
    """Applications for the conditionally open datasets the official's departments publish (有条件开放)."""
    qs = DatasetApplication.objects.select_related("dataset__publisher", "applicant").order_by("-created_at")
    return qs if user.is_administrator else qs.filter(dataset__publisher_id__in=_departments(user))


def dataset_application_for(user: User, pk: int) -> DatasetApplication:
    return get_object_or_404(dataset_applications_for(user), pk=pk)
