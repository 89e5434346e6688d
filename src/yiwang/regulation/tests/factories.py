"""Builders of valid regulation rows (registry rows come from the registries' factories)."""

from __future__ import annotations

import itertools

from yiwang.accounts.models import Department
from yiwang.registries.models import LegalEntity, Person
from yiwang.regulation.models import InspectionObject, Inspector, ItemKind, ObjectType, RegulatoryItem

_seq = itertools.count(1)


def item(department: Department, *, kind: str = ItemKind.GENERAL, name: str = "检查事项") -> RegulatoryItem:
    n = next(_seq)
    return RegulatoryItem.objects.create(
        code=f"{department.code}-{n:03d}",
        name=f"{name}{n}",
        department=department,
        legal_basis="《中华人民共和国行政许可法》第六十一条",
        object_type=ObjectType.ENTITY,
        kind=kind,
        documents="营业执照、许可证",
    )


def roster_entry(entity: LegalEntity) -> InspectionObject:
    return InspectionObject.objects.create(
        code=entity.uscc,
        object_type=ObjectType.ENTITY,
        entity=entity,
        name=entity.name,
        address=entity.address,
        division_id=entity.division_id,
    )


def inspector(
    department: Department, items, *, user=None, person: Person | None = None, name: str = "执法员"
) -> Inspector:
    n = next(_seq)
    officer = Inspector.objects.create(
        certificate_no=f"ZJ{n:08d}", name=f"{name}{n}", department=department, user=user, person=person
    )
    officer.qualifications.set(items)
    return officer
