"""Builders of valid risk rows (registry rows come from the registries' factories)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from yiwang.accounts.models import Department
from yiwang.registries.models import LegalEntity, Person
from yiwang.registries.tests import factories as registry
from yiwang.risk.models import AnnualReport, EntityRole


def role(
    entity: LegalEntity,
    person: Person,
    source: Department,
    *,
    kind: str = EntityRole.Role.SHAREHOLDER,
    share: str | None = "100.00",
) -> EntityRole:
    return EntityRole.objects.create(
        entity=entity,
        person=person,
        role=kind,
        share_ratio=Decimal(share) if share else None,
        source=source,
        valid_from=entity.founding_date,
    )


def firm(division, representative: Person | None = None, *, name: str = "测试商贸有限公司", **fields) -> LegalEntity:
    """A firm that files its reports, pays tax and insures its staff, unless ``fields`` say otherwise."""
    entity = registry.entity(division, representative or registry.person(division), name=name)
    defaults = {"tax_paid": Decimal("12.00"), "social_insurance_headcount": 20}
    for key, value in {**defaults, **fields}.items():
        setattr(entity, key, value)
    entity.save()
    return entity


def file_reports(entities: list[LegalEntity], years: tuple[int, ...]) -> None:
    AnnualReport.objects.bulk_create(
        [AnnualReport(entity=e, year=y, filed_on=date(y + 1, 5, 1)) for e in entities for y in years]
    )
