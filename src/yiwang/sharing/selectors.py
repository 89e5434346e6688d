"""Scoped reads of the sharing pages: an official sees the grants of the departments they act for."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from yiwang.accounts.models import User
from yiwang.accounts.scopes import user_scopes
from yiwang.sharing.models import Alert, Grant, JointStatistic


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
