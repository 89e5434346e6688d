"""Registration data the graph and indicators read, received from the registration authority (市场监管):
persons in their roles at firms (股东, 董事, 监事) and filed annual reports. Each batch is one transaction
written by the authoritative department and audited once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.registries.models import LegalEntity, Person
from yiwang.risk.models import AnnualReport, EntityRole


def _require_registrar(department: Department, actor: User) -> None:
    if department.kind != Department.Kind.MARKET_REGULATION:
        raise PermissionDenied(_("企业登记信息由市场监管部门提供"), field="department")
    require_acts_for(actor, department, field="department")


@dataclass(frozen=True)
class RoleSpec:
    entity: LegalEntity
    role: str
    valid_from: date
    person: Person | None = None
    holder_entity: LegalEntity | None = None
    share_ratio: Decimal | None = None


@transaction.atomic
def record_roles(specs: Iterable[RoleSpec], *, department: Department, actor: User) -> int:
    """Register persons (or investing firms) in their roles; a shareholding over 100% in total is refused."""
    _require_registrar(department, actor)
    rows: list[EntityRole] = []
    shares: dict[int, Decimal] = {}
    for spec in specs:
        if spec.role not in EntityRole.Role.values:
            raise ValidationFailed(_("未知的职务或身份"), field="role")
        if (spec.person is None) == (spec.holder_entity is None):
            raise ValidationFailed(_("请选择自然人或投资企业（二者选一）"), field="person")
        if spec.holder_entity is not None and spec.role != EntityRole.Role.SHAREHOLDER:
            raise ValidationFailed(_("企业只能作为股东"), field="holder_entity")
        if spec.share_ratio is not None:
            total = shares.get(spec.entity.pk, Decimal(0)) + spec.share_ratio
            if spec.share_ratio <= 0 or total > 100:
                raise ValidationFailed(_("持股比例应大于 0，合计不超过 100%"), field="share_ratio")
            shares[spec.entity.pk] = total
        rows.append(
            EntityRole(
                entity=spec.entity,
                role=spec.role,
                person=spec.person,
                holder_entity=spec.holder_entity,
                share_ratio=spec.share_ratio,
                source=department,
                valid_from=spec.valid_from,
            )
        )
    EntityRole.objects.bulk_create(rows, batch_size=2000)
    audit.record(
        "risk.roles.record",
        actor=actor,
        object_type="risk.entityrole",
        object_id=department.code,
        data={"count": len(rows)},
    )
    return len(rows)


@transaction.atomic
def record_annual_reports(
    filings: Iterable[tuple[LegalEntity, int, date]], *, department: Department, actor: User
) -> int:
    """Record filed annual reports (企业年度报告公示); a report already on file is kept (idempotent)."""
    _require_registrar(department, actor)
    rows = []
    for entity, year, filed_on in filings:
        if filed_on < date(year + 1, 1, 1):
            raise ValidationFailed(_("年度报告应在次年报送"), field="filed_on")
        rows.append(AnnualReport(entity=entity, year=year, filed_on=filed_on))
    created = AnnualReport.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    audit.record(
        "risk.annual_reports.record",
        actor=actor,
        object_type="risk.annualreport",
        object_id=department.code,
        data={"count": len(created)},
    )
    return len(rows)
