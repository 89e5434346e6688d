"""Scoped reads: an official sees the leads of the departments he acts for and the firms of his divisions."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from yiwang.accounts.models import User
from yiwang.accounts.scopes import scope_queryset
from yiwang.registries.models import LegalEntity
from yiwang.registries.selectors import entities_for
from yiwang.risk.models import Alert, ClassificationRun, Objection, RiskScore


def alerts_for(user: User) -> QuerySet[Alert]:
    qs = Alert.objects.select_related("entity", "department", "assignee")
    return scope_queryset(user, qs, division_field="entity__division", department_field="department")


def alerts_in_divisions(user: User) -> QuerySet[Alert]:
    """Leads about the firms of the caller's divisions, whichever department handles them (for reading figures
    and a firm's page; acting on a lead stays with its department)."""
    qs = Alert.objects.select_related("entity", "department")
    return scope_queryset(user, qs, division_field="entity__division", department_field=None)


def alert_for(user: User, number: str) -> Alert:
    alert = alerts_for(user).filter(number=number).first()
    if alert is None:
        raise Http404
    return alert


def entity_for(user: User, uscc: str) -> LegalEntity:
    entity = entities_for(user).filter(uscc=uscc).first()
    if entity is None:
        raise Http404
    return entity


def latest_run() -> ClassificationRun | None:
    return ClassificationRun.objects.select_related("model", "department").order_by("-month").first()


def scores_for(user: User) -> QuerySet[RiskScore]:
    return scope_queryset(user, RiskScore.objects.all(), division_field="entity__division", department_field=None)


def objections_for(user: User) -> QuerySet[Objection]:
    qs = Objection.objects.select_related("score__entity", "score__run", "submitted_by")
    return scope_queryset(
        user, qs, division_field="score__entity__division", department_field="score__run__department"
    ).order_by("-status", "-created_at")
