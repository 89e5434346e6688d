"""Scoped reads of applications: the official's inbox and the applicant's own cases."""

from __future__ import annotations

from django.db.models import F, Q, QuerySet

from yiwang.accounts.models import User
from yiwang.accounts.scopes import scope_queryset
from yiwang.applications.lifecycle import FINAL_STATES
from yiwang.applications.models import Application


def cases_for(user: User) -> QuerySet[Application]:
    """Every application of the official's departments and divisions, finished ones included."""
    qs = Application.objects.select_related("item", "department")
    return scope_queryset(user, qs, division_field="division", department_field="department")


def inbox_for(user: User) -> QuerySet[Application]:
    """Open applications in the official's scope, most urgent first (earliest deadline, then longest waiting)."""
    return cases_for(user).exclude(state__in=FINAL_STATES).order_by(F("due_on").asc(nulls_last=True), "submitted_at")


def applications_of(user: User) -> QuerySet[Application]:
    """The applications the user submitted (their own, or for their enterprise)."""
    return (
        Application.objects.filter(Q(submitted_by=user) | Q(on_behalf_of=user))
        .select_related("item")
        .order_by("-submitted_at")
    )
