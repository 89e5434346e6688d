"""Supervised items and their data: created by the lead unit, reported monthly by form, Excel or API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core.audit import record
from yiwang.core.errors import ValidationFailed
from yiwang.supervision.models import Item, Milestone, MonthlyReport

__all__ = ["REPORT_COLUMNS", "complete_milestone", "create_item", "import_reports_excel", "submit_report"]

#: Columns of the Excel template of monthly reports (one row per item and month), in order.
REPORT_COLUMNS = (
    "item_code",
    "month",
    "planned_investment",
    "actual_investment",
    "planned_progress",
    "actual_progress",
    "photos",
    "employment",
    "electricity_kwh",
    "registry_investment",
    "warning_signals",
)


def create_item(
    *,
    actor: User | None,
    code: str,
    name: str,
    category: str,
    division: Division,
    responsible: Department,
    lead: Department,
    planned_total: Decimal,
    starts_on: dt.date,
    ends_on: dt.date,
    milestones: Iterable[tuple[str, dt.date]] = (),
) -> Item:
    """A tracked item, created by an official of its lead unit (牵头单位)."""
    if actor is not None:
        require_acts_for(actor, lead, message=_("只有牵头单位可以建立督查事项"), field="lead")
    if category not in Item.Category.values:
        raise ValidationFailed(_("事项类别无效"), field="category")
    if ends_on < starts_on:
        raise ValidationFailed(_("计划完成日期不能早于开始日期"), field="ends_on")
    with transaction.atomic():
        item = Item.objects.create(
            code=code,
            name=name,
            category=category,
            division=division,
            responsible=responsible,
            lead=lead,
            planned_total=planned_total,
            starts_on=starts_on,
            ends_on=ends_on,
        )
        Milestone.objects.bulk_create([Milestone(item=item, title=t, due_on=d) for t, d in milestones])
        record("supervision.item.create", actor=actor, obj=item, data={"category": category})
    return item


def _decimal(raw: Any, field: str, *, required: bool = True, low: int = 0, high: int | None = None) -> Decimal | None:
    if raw in (None, ""):
        if required:
            raise ValidationFailed(_("%(field)s 必填") % {"field": field}, field=field)
        return None
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise ValidationFailed(_("%(field)s 应为数字") % {"field": field}, field=field) from exc
    if value < low or (high is not None and value > high):
        raise ValidationFailed(_("%(field)s 超出允许范围") % {"field": field}, field=field)
    return value


def _month(raw: Any) -> dt.date:
    if isinstance(raw, dt.datetime):
        raw = raw.date()
    if isinstance(raw, dt.date):
        return raw.replace(day=1)
    try:
        return dt.date.fromisoformat(f"{str(raw).strip()[:7]}-01")
    except ValueError as exc:
        raise ValidationFailed(_("月份应为 YYYY-MM"), field="month") from exc


def _report_values(data: Mapping[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "planned_investment": _decimal(data.get("planned_investment"), "planned_investment"),
        "actual_investment": _decimal(data.get("actual_investment"), "actual_investment"),
        "planned_progress": _decimal(data.get("planned_progress"), "planned_progress", high=100),
        "actual_progress": _decimal(data.get("actual_progress"), "actual_progress", high=100),
        "registry_investment": _decimal(data.get("registry_investment"), "registry_investment", required=False),
    }
    for name in ("photos", "employment", "electricity_kwh", "warning_signals"):
        raw = data.get(name)
        if raw in (None, ""):
            values[name] = 0 if name in ("photos", "warning_signals") else None
            continue
        try:
            values[name] = int(Decimal(str(raw)))
        except (InvalidOperation, ValueError) as exc:
            raise ValidationFailed(_("%(field)s 应为整数") % {"field": name}, field=name) from exc
        if values[name] < 0:
            raise ValidationFailed(_("%(field)s 不能为负数") % {"field": name}, field=name)
    return values


def submit_report(
    *, actor: User | None, item: Item, month: Any, data: Mapping[str, Any], source: str = MonthlyReport.Source.FORM
) -> MonthlyReport:
    """The responsible unit's report of one month (a second report of the month replaces the first)."""
    if actor is not None:
        require_acts_for(actor, item.responsible, message=_("只有责任单位可以报送"), field="item")
    values = _report_values(data)
    first = _month(month)
    with transaction.atomic():
        report, created = MonthlyReport.objects.update_or_create(
            item=item, month=first, defaults={**values, "source": source, "reported_by": actor}
        )
        record(
            "supervision.report.submit",
            actor=actor,
            obj=report,
            data={"created": created, "source": source, **{k: v for k, v in values.items() if v is not None}},
        )
    return report


def import_reports_excel(*, actor: User, file: IO[bytes]) -> int:
    """Monthly reports from an Excel sheet with :data:`REPORT_COLUMNS` as its header; all rows or none.

    An error names the row and the column.
    """
    from openpyxl import load_workbook

    try:
        sheet = load_workbook(file, read_only=True, data_only=True).active
    except Exception as exc:  # openpyxl raises several kinds for a file that is not a workbook
        raise ValidationFailed(_("无法读取 Excel 文件（.xlsx）"), field="file") from exc
    rows = list(sheet.iter_rows(values_only=True)) if sheet is not None else []
    if not rows or tuple(str(c or "").strip() for c in rows[0][: len(REPORT_COLUMNS)]) != REPORT_COLUMNS:
        raise ValidationFailed(_("表头应为：%(columns)s") % {"columns": ", ".join(REPORT_COLUMNS)}, field="file")
    items = {i.code: i for i in Item.objects.filter(code__in=[str(r[0]) for r in rows[1:] if r and r[0]])}
    count = 0
    with transaction.atomic():
        for number, row in enumerate(rows[1:], start=2):
            if not row or row[0] in (None, ""):
                continue
            data = dict(zip(REPORT_COLUMNS, row, strict=False))
            item = items.get(str(data["item_code"]))
            if item is None:
                raise ValidationFailed(_("第 %(n)d 行：事项编号不存在") % {"n": number}, field="item_code")
            try:
                submit_report(actor=actor, item=item, month=data["month"], data=data, source=MonthlyReport.Source.EXCEL)
            except ValidationFailed as exc:
                raise ValidationFailed(
                    _("第 %(n)d 行：%(message)s") % {"n": number, "message": exc.message}, field=exc.field
                ) from exc
            count += 1
    return count


def complete_milestone(*, actor: User | None, milestone: Milestone, done_on: dt.date) -> Milestone:
    """The responsible unit reports a milestone done (``actor`` None: an import or a department's system)."""
    if actor is not None:
        require_acts_for(
            actor, milestone.item.responsible, message=_("只有责任单位可以报送节点完成"), field="milestone"
        )
    with transaction.atomic():
        milestone.done_on = done_on
        milestone.save(update_fields=["done_on"])
        record("supervision.milestone.complete", actor=actor, obj=milestone, data={"done_on": done_on})
    return milestone
