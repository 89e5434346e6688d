"""一件事设计: a bundle's items, the order they depend on each other, publishing after the design is checked."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.bundles.graph import CycleFound, topological_order
from yiwang.bundles.merging import merge_forms
from yiwang.bundles.models import Bundle, BundleChild, BundleItem
from yiwang.catalog.models import ServiceItem
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed


class DependencyCycle(Conflict):
    default_code = "dependency_cycle"


def bundle_items(bundle: Bundle) -> list[BundleItem]:
    return list(
        bundle.items.select_related("item__department", "item__result_certificate_type")
        .prefetch_related("depends_on", "item__materials")
        .order_by("position", "id")
    )


def ordered_items(items: Sequence[BundleItem]) -> list[BundleItem]:
    """The items in dependency order (prerequisites first); raises DependencyCycle naming the loop."""
    by_pk = {bi.pk: bi for bi in items}
    try:
        order = topological_order({bi.pk: {d.pk for d in bi.depends_on.all()} for bi in items})
    except CycleFound as exc:
        names = " → ".join(by_pk[pk].item.name for pk in exc.cycle)
        raise DependencyCycle(
            format_lazy(_("前置关系形成循环：{names}。请去掉其中一个前置事项"), names=names), field="depends_on"
        ) from exc
    return [by_pk[pk] for pk in order]


#: no department role grants the design of a bundle: it spans the departments of its items, so it is the platform
#: administrator's (acts_for lets an administrator act for any department)
DESIGNER_ROLES: tuple[str, ...] = ()


def _require_admin(actor: User) -> None:
    require_acts_for(actor, None, roles=DESIGNER_ROLES, message=_("只有系统管理员可以设计一件事"))


@transaction.atomic
def add_item(bundle: Bundle, item: ServiceItem, *, actor: User) -> BundleItem:
    _require_admin(actor)
    if bundle.items.filter(item=item).exists():
        raise Conflict(_("该事项已在本一件事中"), field="item")
    position = (bundle.items.order_by("-position").values_list("position", flat=True).first() or 0) + 1
    bundle_item = BundleItem.objects.create(bundle=bundle, item=item, position=position)
    audit.record("bundle.add_item", actor=actor, obj=bundle, data={"item": item.item_code})
    return bundle_item


@transaction.atomic
def remove_item(bundle_item: BundleItem, *, actor: User) -> None:
    _require_admin(actor)
    if BundleChild.objects.filter(bundle_item=bundle_item).exists():
        raise Conflict(_("已有申请使用该事项，不能移除"), field="item")
    audit.record("bundle.remove_item", actor=actor, obj=bundle_item.bundle, data={"item": bundle_item.item.item_code})
    bundle_item.delete()


@transaction.atomic
def set_dependencies(bundle_item: BundleItem, prerequisites: Iterable[BundleItem], *, actor: User) -> BundleItem:
    """Replace the item's prerequisites; a prerequisite from another bundle, itself, or a loop is refused."""
    _require_admin(actor)
    prerequisites = list(prerequisites)
    if any(p.bundle_id != bundle_item.bundle_id for p in prerequisites):
        raise ValidationFailed(_("前置事项必须属于同一个一件事"), field="depends_on")
    if any(p.pk == bundle_item.pk for p in prerequisites):
        raise DependencyCycle(_("事项不能以自身为前置事项"), field="depends_on")
    bundle_item.depends_on.set(prerequisites)
    ordered_items(bundle_items(bundle_item.bundle))  # raises (and so rolls back) on a loop
    audit.record(
        "bundle.set_dependencies",
        actor=actor,
        obj=bundle_item.bundle,
        data={"item": bundle_item.item.item_code, "depends_on": [p.item.item_code for p in prerequisites]},
    )
    return bundle_item


@transaction.atomic
def publish_bundle(bundle: Bundle, *, actor: User) -> Bundle:
    """Publish after checking the design: items exist and are published, no loop, the forms merge."""
    _require_admin(actor)
    items = bundle_items(bundle)
    if len(items) < 2:
        raise ValidationFailed(_("一件事至少包含两个事项"), field="items")
    unpublished = [bi.item.name for bi in items if not bi.item.is_published]
    if unpublished:
        raise Conflict(format_lazy(_("以下事项未发布：{names}"), names="、".join(unpublished)), field="items")
    merge_forms(ordered_items(items))
    bundle.status = Bundle.Status.PUBLISHED
    bundle.save(update_fields=["status", "updated_at"])
    audit.record("bundle.publish", actor=actor, obj=bundle, data={"code": bundle.code})
    return bundle


@transaction.atomic
def unpublish_bundle(bundle: Bundle, *, actor: User) -> Bundle:
    _require_admin(actor)
    bundle.status = Bundle.Status.DRAFT
    bundle.save(update_fields=["status", "updated_at"])
    audit.record("bundle.unpublish", actor=actor, obj=bundle, data={"code": bundle.code})
    return bundle
