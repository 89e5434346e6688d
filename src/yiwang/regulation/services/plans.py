"""Sampling ratios (configured per year and division) and plans, per department or joint."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import ValidationFailed
from yiwang.regulation.models import InspectionPlan, ItemKind, PlanTask, RegulatoryItem, SamplingRatio

PLAN_ROLES = ("approver",)


@transaction.atomic
def set_ratio(
    year: int,
    division: Division,
    item_kind: str,
    risk_class: str,
    ratio_bp: int,
    *,
    actor: User,
    max_per_year: int | None = None,
) -> SamplingRatio:
    """Set the sampling ratio (万分比) and yearly frequency limit for one stratum (year × division × kind × class)."""
    require_acts_for(actor, None, division=division, roles=PLAN_ROLES)
    if item_kind not in ItemKind.values:
        raise ValidationFailed(_("事项类别应为一般或重点"), field="item_kind")
    if risk_class not in ("A", "B", "C", "D"):
        raise ValidationFailed(_("信用风险分类应为 A、B、C 或 D"), field="risk_class")
    if not 0 <= ratio_bp <= 10000:
        raise ValidationFailed(_("抽查比例应在 0 至 100% 之间"), field="ratio_bp")
    ratio, _created = SamplingRatio.objects.update_or_create(
        year=year,
        division=division,
        item_kind=item_kind,
        risk_class=risk_class,
        defaults={"ratio_bp": ratio_bp, "max_per_year": max_per_year},
    )
    audit.record("regulation.ratio.set", actor=actor, obj=ratio, data={"ratio_bp": ratio_bp, "max": max_per_year})
    return ratio


def ratios_for(year: int, division: Division, item_kind: str) -> dict[str, SamplingRatio]:
    """The ratios in force: the division's own, else its nearest ancestor's, per class. Missing ones are an error."""
    found: dict[str, SamplingRatio] = {}
    node: Division | None = division
    while node is not None and len(found) < 4:
        for ratio in SamplingRatio.objects.filter(year=year, division=node, item_kind=item_kind):
            found.setdefault(ratio.risk_class, ratio)
        node = node.parent
    missing = [c for c in "ABCD" if c not in found]
    if missing:
        raise ValidationFailed(
            format_lazy(
                _("{year}年{division}未配置{kind}的抽查比例：{classes}类"),
                year=year,
                division=division.name,
                kind=ItemKind(item_kind).label,
                classes="、".join(missing),
            ),
            field="ratios",
        )
    return found


@dataclass(frozen=True)
class TaskSpec:
    department: Department
    items: Sequence[RegulatoryItem]
    industries: Sequence[str] = ()


@transaction.atomic
def create_plan(
    *,
    code: str,
    name: str,
    year: int,
    division: Division,
    lead_department: Department,
    period_start: date,
    period_end: date,
    tasks: Sequence[TaskSpec],
    actor: User,
    kind: str = InspectionPlan.Kind.ANNUAL,
) -> InspectionPlan:
    """A plan of one department, or a joint plan (several departments' tasks in one visit, 进一次门、查多项事).

    The lead department's official creates it; each participating department's items must be its own.
    """
    require_acts_for(actor, lead_department, roles=PLAN_ROLES, field="lead_department")
    if not tasks:
        raise ValidationFailed(_("计划至少包含一项检查任务"), field="tasks")
    if period_end < period_start:
        raise ValidationFailed(_("检查期间止不能早于检查期间起"), field="period_end")
    if period_start.year != year:
        raise ValidationFailed(_("检查期间应在计划年度内"), field="period_start")
    if InspectionPlan.objects.filter(code=code).exists():
        raise ValidationFailed(_("计划编号已存在"), field="code")
    plan = InspectionPlan.objects.create(
        code=code,
        name=name,
        kind=kind,
        year=year,
        division=division,
        lead_department=lead_department,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
    )
    for order, spec in enumerate(tasks):
        if not spec.items:
            raise ValidationFailed(_("每项任务至少包含一个检查事项"), field="tasks")
        foreign = [i.code for i in spec.items if i.department_id != spec.department.pk]
        if foreign:
            raise ValidationFailed(
                format_lazy(
                    _("事项不属于{department}：{codes}"), department=spec.department.name, codes="、".join(foreign)
                ),
                field="tasks",
            )
        task = PlanTask.objects.create(
            plan=plan, department=spec.department, industries=list(spec.industries), order=order
        )
        task.items.set(spec.items)
    audit.record(
        "regulation.plan.create",
        actor=actor,
        obj=plan,
        data={"departments": sorted({t.department.code for t in tasks}), "year": year},
    )
    return plan
