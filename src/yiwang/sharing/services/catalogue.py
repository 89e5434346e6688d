"""The resource catalogue (一体化数字资源系统): every base registry and its data elements published automatically."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department
from yiwang.core import audit
from yiwang.core.errors import NotFound
from yiwang.registries.models import DataElement
from yiwang.sharing.models import DataItem, Grade, OpenType, Resource, SharingType

_GRADE_ORDER: list[str] = [Grade.GENERAL, Grade.IMPORTANT, Grade.CORE]
#: the backbone's registries, as catalogue entries (基础信息资源)
_BACKBONE = {
    DataElement.Registry.PERSON: ("BASE-PERSON", _("人口基础信息"), _("全市户籍人口的身份、户籍与联系信息")),
    DataElement.Registry.ENTITY: ("BASE-ENTITY", _("法人基础信息"), _("市场主体的登记、规模与经营信息")),
    DataElement.Registry.CREDIT: ("BASE-CREDIT", _("信用基础信息"), _("守信激励、失信惩戒与行政处罚信息")),
}


@dataclass(frozen=True)
class SyncReport:
    resources_created: int
    items_created: int
    items_updated: int


def backbone_provider() -> Department:
    """The 数据资源管理局 of the highest division: the keeper of the backbone's catalogue entries."""
    provider = (
        Department.objects.filter(kind=Department.Kind.DATA_RESOURCES).order_by("division__level", "code").first()
    )
    if provider is None:
        raise NotFound(_("未找到数据资源管理部门，无法编目基础库"), field="provider")
    return provider


def highest_grade(grades: list[str]) -> str:
    return max(grades, key=_GRADE_ORDER.index, default=Grade.GENERAL)


@transaction.atomic
def sync_backbone(*, actor: object = None) -> SyncReport:
    """Publish each registry of the backbone and each of its data elements in the catalogue (idempotent)."""
    provider = backbone_provider()
    created = items_created = items_updated = 0
    for registry, (code, name, abstract) in _BACKBONE.items():
        elements = list(DataElement.objects.filter(registry=registry).order_by("code"))
        if not elements:
            continue
        personal = any(e.sensitivity != DataElement.Sensitivity.NONE for e in elements)
        values = {
            "kind": Resource.Kind.DATA,
            "name": str(name),
            "classification": str(_("基础信息资源")),
            "abstract": str(abstract),
            "provider": provider,
            "sharing_type": SharingType.CONDITIONAL if personal else SharingType.UNCONDITIONAL,
            "sharing_conditions": str(_("依法履职需要，写明用途与法律依据，经提供方审核")) if personal else "",
            "open_type": OpenType.NOT_OPEN,
            "update_cycle": Resource.UpdateCycle.REALTIME,
            "grade": highest_grade([e.level for e in elements]),
            "registry": registry,
            "synced_from": f"registries:{registry}",
        }
        resource, was_created = Resource.objects.get_or_create(code=code, defaults=values)
        if not was_created and any(getattr(resource, k) != v for k, v in values.items()):
            Resource.objects.filter(pk=resource.pk).update(**values)
        created += was_created
        for position, element in enumerate(elements):
            item_values = {
                "name": element.name,
                "data_type": element.data_type,
                "element": element,
                "source_kind": element.source_kind,
                "grade": element.level,
                "sensitivity": element.sensitivity,
                "position": position,
            }
            item, item_created = DataItem.objects.get_or_create(
                resource=resource, code=element.field_name, defaults=item_values
            )
            if item_created:
                items_created += 1
            elif any(getattr(item, k) != v for k, v in item_values.items()):
                DataItem.objects.filter(pk=item.pk).update(**item_values)
                items_updated += 1
    report = SyncReport(created, items_created, items_updated)
    if created or items_created or items_updated:
        audit.record("sharing.catalogue.sync", actor=actor, object_type="sharing.resource", data=report.__dict__)
    return report
