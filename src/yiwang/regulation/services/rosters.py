"""The item list and the two rosters (一单两库): import from Excel, the entity roster from the legal-entity registry."""

from __future__ import annotations

from io import BytesIO
from typing import Any, BinaryIO

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from openpyxl import load_workbook

from yiwang.accounts.models import Department, Division, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import ValidationFailed
from yiwang.registries.models import LegalEntity, Person
from yiwang.regulation.models import (
    InspectionObject,
    Inspector,
    InspectorRelation,
    ItemKind,
    ObjectType,
    RegulatoryItem,
)

ROSTER_ROLES = ("approver", "data_steward")

#: Column headers of the Excel sheets an operator imports (first row), in order.
ITEM_COLUMNS = (
    "事项编码",
    "事项名称",
    "实施部门编码",
    "法律依据",
    "检查对象类型",
    "事项类别",
    "检查内容",
    "需准备的材料",
)
INSPECTOR_COLUMNS = ("执法证号", "姓名", "部门编码", "可检查事项编码", "业务专长", "可参加抽查")

_OBJECT_TYPES = {str(label): value for value, label in ObjectType.choices} | {v: v for v in ObjectType.values}
_ITEM_KINDS = {"一般": ItemKind.GENERAL, "重点": ItemKind.KEY} | {v: v for v in ItemKind.values}


def _row_error(row: int, column: str, rule: Any) -> ValidationFailed:
    return ValidationFailed(
        format_lazy(_("第{row}行“{column}”：{rule}"), row=row, column=column, rule=rule), field="file"
    )


def _department(code: str, row: int, column: str, actor: User) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise _row_error(row, column, _("部门编码不存在"))
    require_acts_for(actor, department, roles=ROSTER_ROLES, field="file")
    return department


def _rows(file: BinaryIO | bytes, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        sheet = load_workbook(BytesIO(file) if isinstance(file, bytes) else file, read_only=True).active
    except Exception as exc:  # openpyxl raises many kinds on a file that is not xlsx
        raise ValidationFailed(_("文件不是有效的 Excel（xlsx）文件"), field="file") from exc
    rows = list(sheet.iter_rows(values_only=True)) if sheet is not None else []
    if not rows or tuple(str(c or "").strip() for c in rows[0][: len(columns)]) != columns:
        raise ValidationFailed(format_lazy(_("第一行应为列名：{columns}"), columns="、".join(columns)), field="file")
    return [
        (n, {col: "" if v is None else str(v).strip() for col, v in zip(columns, values, strict=False)})
        for n, values in enumerate(rows[1:], start=2)
        if any(v not in (None, "") for v in values)
    ]


def _upsert_item(values: dict[str, str], row: int, actor: User) -> RegulatoryItem:
    for column in ITEM_COLUMNS[:6]:
        if not values.get(column):
            raise _row_error(row, column, _("不能为空"))
    object_type = _OBJECT_TYPES.get(values["检查对象类型"])
    if object_type is None:
        raise _row_error(row, "检查对象类型", _("应为市场主体、场所、产品或工程项目"))
    kind = _ITEM_KINDS.get(values["事项类别"].replace("检查事项", ""))
    if kind is None:
        raise _row_error(row, "事项类别", _("应为一般或重点"))
    item, _created = RegulatoryItem.objects.update_or_create(
        code=values["事项编码"],
        defaults={
            "name": values["事项名称"],
            "department": _department(values["实施部门编码"], row, "实施部门编码", actor),
            "legal_basis": values["法律依据"],
            "object_type": object_type,
            "kind": kind,
            "check_content": values.get("检查内容", ""),
            "documents": values.get("需准备的材料", ""),
            "active": True,
        },
    )
    return item


@transaction.atomic
def import_items(rows: list[dict[str, str]], *, actor: User) -> list[RegulatoryItem]:
    """Create or update items of the inspection list (随机抽查事项清单) from rows keyed by ``ITEM_COLUMNS``."""
    items = [_upsert_item(values, n, actor) for n, values in enumerate(rows, start=2)]
    audit.record("regulation.items.import", actor=actor, data={"codes": [i.code for i in items]})
    return items


def import_items_xlsx(file: BinaryIO | bytes, *, actor: User) -> list[RegulatoryItem]:
    return import_items([values for _n, values in _rows(file, ITEM_COLUMNS)], actor=actor)


def _upsert_inspector(values: dict[str, str], row: int, actor: User) -> Inspector:
    for column in INSPECTOR_COLUMNS[:3]:
        if not values.get(column):
            raise _row_error(row, column, _("不能为空"))
    department = _department(values["部门编码"], row, "部门编码", actor)
    codes = [c for c in values.get("可检查事项编码", "").replace("，", ",").split(",") if c.strip()]
    items = list(RegulatoryItem.objects.filter(code__in=[c.strip() for c in codes], department=department))
    if len(items) != len(codes):
        raise _row_error(row, "可检查事项编码", _("含有不存在或不属于本部门的事项编码"))
    available = values.get("可参加抽查", "是") not in ("否", "0", "False", "false")
    inspector, _created = Inspector.objects.update_or_create(
        certificate_no=values["执法证号"],
        defaults={
            "name": values["姓名"],
            "department": department,
            "specialties": values.get("业务专长", ""),
            "available": available,
        },
    )
    inspector.qualifications.set(items)
    return inspector


@transaction.atomic
def import_inspectors(rows: list[dict[str, str]], *, actor: User) -> list[Inspector]:
    """Create or update officers of the roster (执法检查人员名录库) from rows keyed by ``INSPECTOR_COLUMNS``."""
    inspectors = [_upsert_inspector(values, n, actor) for n, values in enumerate(rows, start=2)]
    audit.record(
        "regulation.inspectors.import", actor=actor, data={"certificates": [i.certificate_no for i in inspectors]}
    )
    return inspectors


def import_inspectors_xlsx(file: BinaryIO | bytes, *, actor: User) -> list[Inspector]:
    return import_inspectors([values for _n, values in _rows(file, INSPECTOR_COLUMNS)], actor=actor)


@transaction.atomic
def link_inspector(
    inspector: Inspector, *, actor: User, user: User | None = None, person: Person | None = None
) -> Inspector:
    """Link an officer to his login and to his record in the population registry (for recusal by address)."""
    require_acts_for(actor, inspector.department, roles=ROSTER_ROLES)
    inspector.user = user or inspector.user
    inspector.person = person or inspector.person
    inspector.save(update_fields=["user", "person"])
    audit.record("regulation.inspector.link", actor=actor, obj=inspector)
    return inspector


@transaction.atomic
def declare_relation(
    inspector: Inspector,
    kind: str,
    *,
    actor: User,
    person: Person | None = None,
    entity: LegalEntity | None = None,
    note: str = "",
) -> InspectorRelation:
    """Record a relation that requires recusal: a relative (a person), a former employer or another interest."""
    require_acts_for(actor, inspector.department, roles=ROSTER_ROLES)
    if kind not in InspectorRelation.Kind.values:
        raise ValidationFailed(_("未知的回避关系"), field="kind")
    if person is None and entity is None:
        raise ValidationFailed(_("请指明关系人或关系单位"), field="person")
    relation = InspectorRelation.objects.create(inspector=inspector, kind=kind, person=person, entity=entity, note=note)
    audit.record("regulation.inspector.relation", actor=actor, obj=relation, data={"kind": kind})
    return relation


@transaction.atomic
def sync_entity_roster(division: Division, *, actor: User) -> int:
    """Add the division's active market entities to the roster of inspected objects; drop those no longer active."""
    if not actor.is_administrator:
        require_acts_for(actor, None, division=division, roles=ROSTER_ROLES)
    entities = LegalEntity.objects.filter(division__code__startswith=division.prefix)
    active = entities.filter(status=LegalEntity.Status.ACTIVE)
    existing = set(InspectionObject.objects.filter(object_type=ObjectType.ENTITY).values_list("code", flat=True))
    new = [
        InspectionObject(
            code=e.uscc,
            object_type=ObjectType.ENTITY,
            entity=e,
            name=e.name,
            address=e.address,
            division_id=e.division_id,
        )
        for e in active.exclude(uscc__in=existing)
    ]
    InspectionObject.objects.bulk_create(new, batch_size=2000)
    InspectionObject.objects.filter(object_type=ObjectType.ENTITY, entity__in=entities).exclude(
        entity__status=LegalEntity.Status.ACTIVE
    ).update(active=False)
    audit.record("regulation.roster.sync", actor=actor, data={"division": division.code, "added": len(new)})
    return len(new)
