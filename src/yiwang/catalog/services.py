"""Business operations on the service catalogue: publish and unpublish items; import and export the catalogue.

Publishing checks the item (its form above all), freezes a version (:class:`ItemVersion`) and puts the item in the
search table; unpublishing takes it out. Both are audited. The catalogue moves between systems as a data file
(JSON or YAML, the same shape as :func:`item_data`): an import is all-or-nothing, reports every problem with the
item and the field, and is idempotent: importing what is already there changes nothing, not even a version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.catalog import search
from yiwang.catalog.models import ItemStatus, ItemVersion, MaterialRequirement, ServiceItem
from yiwang.catalog.snapshot import ITEM_FIELDS, MATERIAL_FIELDS, item_data
from yiwang.catalog.validation import ItemProblem, parse_items, publishing_problems
from yiwang.core import audit
from yiwang.core.errors import DomainError, PermissionDenied, ValidationFailed

__all__ = [
    "CatalogImportFailed",
    "ImportReport",
    "export_catalog",
    "import_catalog",
    "import_document",
    "item_data",
    "publish_item",
    "unpublish_item",
]

FORMAT_VERSION = 1


def _check_actor(actor: Any, item: ServiceItem) -> None:
    """``None`` is the system (an import run by an operator, the demo seed); else an administrator or an official
    with a role in the implementing department whose scope covers the item's division."""
    if actor is None:
        return
    require_acts_for(
        actor,
        item.department,
        division=item.division_id,
        message=gettext_lazy("只有实施部门的工作人员或系统管理员可以发布或下线该事项"),
        field="item",
    )


def _actor_label(actor: User | None) -> str:
    return str(actor) if actor is not None else "system"


def _publish(item: ServiceItem, *, actor: User | None, reason: str = "") -> ServiceItem:
    problems = publishing_problems(item)
    if problems:
        first = problems[0]
        details = "；".join(f"{p.field}：{p.message}" for p in problems)
        raise ValidationFailed(_("事项不能发布：%(details)s") % {"details": details}, field=first.field, code="publish")
    now = timezone.now()
    item.version += 1
    item.status = ItemStatus.PUBLISHED
    item.published_at = now
    item.save()
    ItemVersion.objects.create(
        item=item, version=item.version, snapshot=item_data(item), published_at=now, published_by=_actor_label(actor)
    )
    search.index_items([item])
    audit.record("catalog.item.publish", actor=actor, obj=item, reason=reason, data={"version": item.version})
    return item


@transaction.atomic
def publish_item(item: ServiceItem, *, actor: User | None, reason: str = "") -> ServiceItem:
    """Publish (发布) the item: check it, freeze a new version, make it searchable. Audited."""
    item = ServiceItem.objects.select_for_update(of=("self",)).select_related("department", "division").get(pk=item.pk)
    _check_actor(actor, item)
    return _publish(item, actor=actor, reason=reason)


def _unpublish(item: ServiceItem, *, actor: User | None, reason: str = "") -> ServiceItem:
    item.status = ItemStatus.UNPUBLISHED
    item.save(update_fields=["status", "updated_at"])
    search.remove_items([item.pk])
    audit.record("catalog.item.unpublish", actor=actor, obj=item, reason=reason, data={"version": item.version})
    return item


@transaction.atomic
def unpublish_item(item: ServiceItem, *, actor: User | None, reason: str = "") -> ServiceItem:
    """Take the item off the catalogue (下线): no longer found or offered; its versions are kept. Audited."""
    item = ServiceItem.objects.select_for_update(of=("self",)).select_related("department", "division").get(pk=item.pk)
    _check_actor(actor, item)
    if item.status != ItemStatus.PUBLISHED:
        raise DomainError(gettext_lazy("该事项未发布，无需下线"), field="status", code="not_published")
    return _unpublish(item, actor=actor, reason=reason)


# --- import and export --------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    """What :func:`import_catalog` did, item codes by outcome."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


class CatalogImportFailed(ValidationFailed):
    """The file was refused as a whole; ``problems`` names the item and the field of each problem."""

    def __init__(self, problems: list[ItemProblem]) -> None:
        lines = [f"{p.item_code or '—'} · {p.field}：{p.message}" for p in problems]
        super().__init__(
            _("目录导入失败，未导入任何事项。共 %(n)d 个问题：%(lines)s")
            % {"n": len(problems), "lines": "；".join(lines)},
            field="file",
            code="import_failed",
        )
        self.problems = problems


def _load_file(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() == ".json":
        return json.loads(text)
    return yaml.safe_load(text)


def _apply(item: ServiceItem | None, data: dict[str, Any], resolved: dict[str, Any]) -> ServiceItem:
    """Write one validated item and its materials (replacing the old materials); the status is set by the caller."""
    item = item or ServiceItem(item_code=data["item_code"], status=ItemStatus.DRAFT)
    for name in ITEM_FIELDS:
        setattr(item, name, data[name])
    item.fee_amount = Decimal(data["fee_amount"])
    for name in ("department", "division", "result_certificate_type"):
        setattr(item, name, resolved[name])
    item.save()
    getattr(item, "_prefetched_objects_cache", {}).pop("materials", None)  # compared before; rewritten now
    _replace_materials(item, data["materials"], resolved["materials"])
    return item


def _replace_materials(item: ServiceItem, materials: list[dict[str, Any]], cert_types: list[Any]) -> None:
    """Make the item ask for exactly ``materials``, in order.

    A material is the same one when its name and e-certificate type are: it is updated in place, so applications
    that provided it keep pointing at it. A material no longer asked for is deleted, or retired when applications
    hold it (their materials are protected records); one asked for again is brought back.
    """
    by_key = {(m.name, m.certificate_type_id): m for m in MaterialRequirement.all_objects.filter(item=item)}
    kept: set[int] = set()
    for position, (material, cert_type) in enumerate(zip(materials, cert_types, strict=True)):
        fields = {k: v for k, v in material.items() if k in MATERIAL_FIELDS and k != "certificate_type"}
        row = by_key.get((material["name"], cert_type.pk if cert_type else None))
        if row is None or row.pk in kept:
            row = MaterialRequirement(item=item)
        for name, value in {**fields, "position": position, "certificate_type": cert_type}.items():
            setattr(row, name, value)
        row.retired_at = None
        row.save()
        kept.add(row.pk)
    for row in MaterialRequirement.all_objects.filter(item=item, retired_at__isnull=True).exclude(pk__in=kept):
        try:
            with transaction.atomic():  # a savepoint: a refused delete leaves the import's transaction usable
                row.delete()
        except ProtectedError:  # applications (a layer above) hold it
            row.retired_at = timezone.now()
            row.save(update_fields=["retired_at"])


def _set_status(item: ServiceItem, status: str, *, actor: User | None) -> None:
    """Bring an imported item to the file's status: publish (a new version), unpublish, or leave it as a draft."""
    reason = _("目录导入")
    if status == ItemStatus.PUBLISHED:
        _publish(item, actor=actor, reason=reason)
        return
    if item.status == ItemStatus.PUBLISHED:
        _unpublish(item, actor=actor, reason=reason)
    if item.status != status:
        item.status = status
        item.save(update_fields=["status", "updated_at"])


def import_catalog(path: Path | str, *, actor: User | None = None) -> ImportReport:
    """Import the catalogue file at ``path`` (``.json``, ``.yaml`` or ``.yml``): all items or none.

    Every item is checked first (fields, choices, the department, division and certificate types it names, and the
    form of every item to be published); if anything is wrong, :class:`CatalogImportFailed` lists every problem and
    nothing is written. Items already equal to the file are left alone, so a repeated import changes nothing.
    """
    path = Path(path)
    try:
        document = _load_file(path)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise CatalogImportFailed([ItemProblem("", "file", _("无法读取目录文件：%(error)s") % {"error": exc})]) from exc
    return import_document(document, actor=actor, source=path.name)


def import_document(document: Any, *, actor: User | None = None, source: str = "") -> ImportReport:
    """Import a catalogue already read into Python data (``{"items": [...]}``); see :func:`import_catalog`.

    The catalogue spans departments, so only an administrator (or the system, ``actor=None``) may import it.
    """
    if actor is not None and not getattr(actor, "is_administrator", False):
        raise PermissionDenied(gettext_lazy("只有系统管理员可以导入事项目录"), field="actor")
    parsed, problems = parse_items(document)
    if problems:
        raise CatalogImportFailed(problems)
    report = ImportReport()
    with transaction.atomic():
        existing = {
            i.item_code: i
            for i in ServiceItem.objects.select_related("department", "division", "result_certificate_type")
            .prefetch_related("materials__certificate_type")
            .filter(item_code__in=[data["item_code"] for data, _resolved in parsed])
        }
        for data, resolved in parsed:
            code = data["item_code"]
            item = existing.get(code)
            if item is not None and item_data(item) == data:
                report.unchanged.append(code)
                continue
            item = _apply(item, data, resolved)
            (report.updated if code in existing else report.created).append(code)
            _set_status(item, data["status"], actor=actor)
        if report.created or report.updated:
            audit.record(
                "catalog.import",
                actor=actor,
                object_type="catalog.file",
                object_id=source[:64],
                data={"created": report.created, "updated": report.updated, "unchanged": len(report.unchanged)},
            )
    return report


def export_catalog(*, fmt: str = "yaml", items: Iterable[ServiceItem] | None = None) -> str:
    """The catalogue (every item, or ``items``) as a JSON or YAML document that :func:`import_catalog` reads back."""
    if items is None:
        items = (
            ServiceItem.objects.select_related("department", "division", "result_certificate_type")
            .prefetch_related("materials__certificate_type")
            .order_by("item_code")
        )
    document = {"format": FORMAT_VERSION, "items": [item_data(item) for item in items]}
    if fmt == "json":
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    if fmt == "yaml":
        return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=1000)
    raise ValueError(f"unknown catalogue format {fmt!r}: json or yaml")


# --- 秒批 rules ---------------------------------------------------------------------------------------------------


@transaction.atomic
def set_approval_rules(item: ServiceItem, rules: str, *, actor: User | None, reason: str = "") -> ServiceItem:
    """Replace the item's auto-approval rules (validated against its facts) and republish it as a new version."""
    from yiwang.catalog.approval import load_approval_rules
    from yiwang.rules import RuleError

    item = ServiceItem.objects.select_for_update(of=("self",)).select_related("department", "division").get(pk=item.pk)
    _check_actor(actor, item)
    item.approval_rules = rules.strip()
    try:
        load_approval_rules(item)
    except RuleError as exc:
        details = "；".join(f"{p.path}：{p.message}" for p in exc.problems[:10])
        raise ValidationFailed(
            _("秒批规则有误：%(details)s") % {"details": details}, field="approval_rules", code="rules"
        ) from exc
    item.save(update_fields=["approval_rules", "updated_at"])
    audit.record(
        "catalog.item.approval_rules", actor=actor, obj=item, reason=reason, data={"rules": item.approval_rules}
    )
    if item.status == ItemStatus.PUBLISHED:
        _publish(item, actor=actor, reason=reason or "秒批规则变更")
    return item
