"""Thematic databases (主题库/专题库): a department defines a registry by schema and fills it by form, import or
API; every write keeps a version (history), is audited, and masks by each field's rule on read."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.registries import masking
from yiwang.sharing.models import (
    DataItem,
    Grade,
    Resource,
    SharingType,
    ThematicRegistry,
    ThematicRow,
    ThematicRowVersion,
)
from yiwang.sharing.services.records import THEMATIC_PREFIX

TYPES = ("string", "integer", "decimal", "date", "boolean", "code")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def _check_schema(schema: list[dict[str, Any]]) -> None:
    if not schema:
        raise ValidationFailed(_("至少定义一个字段，第一个字段为记录标识"), field="schema")
    seen: set[str] = set()
    for spec in schema:
        name = str(spec.get("name", ""))
        if not _NAME.match(name) or name in seen:
            raise ValidationFailed(_("字段名须为小写英文且不重复：%(n)s") % {"n": name}, field="schema")
        if spec.get("type") not in TYPES:
            raise ValidationFailed(_("字段 %(n)s 的类型无效") % {"n": name}, field="schema")
        if spec.get("grade", Grade.GENERAL) not in Grade.values:
            raise ValidationFailed(_("字段 %(n)s 的分级无效") % {"n": name}, field="schema")
        if spec.get("source_kind", "") not in ("", *Department.Kind.values):
            raise ValidationFailed(_("字段 %(n)s 的权威来源无效") % {"n": name}, field="schema")
        if spec.get("mask", masking.NONE) not in masking.RULES:
            raise ValidationFailed(_("字段 %(n)s 的脱敏规则无效") % {"n": name}, field="schema")
        seen.add(name)


@transaction.atomic
def define_registry(
    actor: Any, *, department: Department, code: str, name: str, grade: str, schema: list[dict[str, Any]]
) -> ThematicRegistry:
    """Define a thematic database; it is catalogued at once as a data resource of the department."""
    user = require_acts_for(actor, department, field="department")
    _check_schema(schema)
    registry = ThematicRegistry.objects.create(code=code, name=name, department=department, grade=grade, schema=schema)
    resource = Resource.objects.create(
        code=f"THEME-{code.upper()}", name=name, classification=str(_("主题信息资源")), provider=department,
        sharing_type=SharingType.CONDITIONAL, sharing_conditions=str(_("依法履职需要，经建设部门审核")),
        grade=grade, registry=f"{THEMATIC_PREFIX}{code}", synced_from=f"thematic:{code}",
    )  # fmt: skip
    for position, spec in enumerate(schema):
        DataItem.objects.create(
            resource=resource, code=spec["name"], name=spec.get("title", spec["name"]), data_type=spec["type"],
            source_kind=spec.get("source_kind", ""), grade=spec.get("grade", grade), position=position,
        )  # fmt: skip
    audit.record("sharing.thematic.define", actor=user, obj=registry, data={"fields": [s["name"] for s in schema]})
    return registry


def _coerce(spec: dict[str, Any], raw: Any) -> Any:
    name, kind = spec["name"], spec["type"]
    if raw in (None, ""):
        if spec.get("required"):
            raise ValidationFailed(_("字段 %(n)s 必填") % {"n": name}, field=name)
        return None
    text = str(raw).strip()
    try:
        if kind == "integer":
            return int(text)
        if kind == "decimal":
            value = Decimal(text)
            if not value.is_finite():
                raise InvalidOperation
            return str(value)
        if kind == "date":
            return date.fromisoformat(text).isoformat()
        if kind == "boolean":
            if text.lower() not in ("true", "false", "1", "0", "是", "否"):
                raise ValueError(text)
            return text.lower() in ("true", "1", "是")
    except (ValueError, InvalidOperation) as exc:
        raise ValidationFailed(
            _("字段 %(n)s 的值“%(v)s”不是有效的%(t)s") % {"n": name, "v": text[:40], "t": kind}, field=name
        ) from exc
    return text


def _validated(registry: ThematicRegistry, data: dict[str, Any]) -> dict[str, Any]:
    unknown = set(data) - {s["name"] for s in registry.schema}
    if unknown:
        raise ValidationFailed(_("未定义的字段：%(f)s") % {"f": "、".join(sorted(unknown))}, field="data")
    return {spec["name"]: _coerce(spec, data.get(spec["name"])) for spec in registry.schema}


def _put(actor: Any, registry: ThematicRegistry, division: Division, data: dict[str, Any], channel: str) -> ThematicRow:
    values = _validated(registry, data)
    key = str(values[registry.schema[0]["name"]] or "")
    if not key:
        raise ValidationFailed(_("记录标识必填"), field=registry.schema[0]["name"])
    row = ThematicRow.objects.select_for_update().filter(registry=registry, record_key=key).first()
    if row is None:
        row = ThematicRow.objects.create(registry=registry, record_key=key, division=division, data=values)
        changed = list(values)
    else:
        changed = [k for k, v in values.items() if row.data.get(k) != v]
        if not changed:
            return row
        row.data, row.division, row.version = values, division, row.version + 1
        row.save()
    ThematicRowVersion.objects.create(
        row=row, version=row.version, data=values, changed=changed, actor=actor, channel=channel
    )
    audit.record("sharing.thematic.put", actor=actor, obj=row, data={"changed": changed, "channel": channel})
    return row


@transaction.atomic
def put_row(
    actor: Any, registry: ThematicRegistry, *, division: Division, data: dict[str, Any], channel: str = "form"
) -> ThematicRow:
    """Create or update one record (a new version only when a value changed)."""
    require_acts_for(actor, registry.department, division=division, field="division")
    return _put(actor, registry, division, data, channel)


@transaction.atomic
def import_rows(actor: Any, registry: ThematicRegistry, *, division: Division, text: str) -> int:
    """Import a CSV whose header names the schema's fields: all rows or none. Returns rows written."""
    require_acts_for(actor, registry.department, division=division, field="division")
    count = 0
    for line, record in enumerate(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))), start=2):
        try:
            _put(actor, registry, division, dict(record), "import")
        except ValidationFailed as exc:
            message = _("第 %(line)d 行：%(msg)s") % {"line": line, "msg": exc.message}
            raise ValidationFailed(message, field=exc.field) from exc
        count += 1
    return count


def masked(registry: ThematicRegistry, row: ThematicRow) -> dict[str, Any]:
    """The row as a reader without an unmasking purpose sees it (each field's ``mask`` rule)."""
    return masked_values(registry, row.data)


def masked_values(registry: ThematicRegistry, data: dict[str, Any]) -> dict[str, Any]:
    """Values of a record or of one of its versions, each field masked by its rule (one masking for every view)."""
    return masking.mask_view(
        (spec["name"], spec.get("mask", masking.NONE), data.get(spec["name"])) for spec in registry.schema
    )


@transaction.atomic
def extend_registry(actor: Any, registry: ThematicRegistry, *, schema: list[dict[str, Any]]) -> ThematicRegistry:
    """Add fields to a thematic database (its records keep their values; a field's type never changes)."""
    registry = ThematicRegistry.objects.select_for_update().get(pk=registry.pk)
    user = require_acts_for(actor, registry.department, field="department")
    known = {spec["name"]: spec for spec in registry.schema}
    changed = [s for s in schema if s.get("name") in known and s.get("type") != known[s["name"]]["type"]]
    if changed:
        message = _("已有字段的类型不能修改：%(f)s") % {"f": "、".join(s["name"] for s in changed)}
        raise ValidationFailed(message, field="schema")
    added = [s for s in schema if s.get("name") not in known]
    if not added:
        return registry
    _check_schema([*registry.schema, *added])
    resource = Resource.objects.get(registry=f"{THEMATIC_PREFIX}{registry.code}")
    start = len(registry.schema)
    for position, spec in enumerate(added, start=start):
        DataItem.objects.create(
            resource=resource, code=spec["name"], name=spec.get("title", spec["name"]), data_type=spec["type"],
            source_kind=spec.get("source_kind", ""), grade=spec.get("grade", registry.grade), position=position,
        )  # fmt: skip
    registry.schema = [*registry.schema, *added]
    registry.save(update_fields=["schema"])
    audit.record("sharing.thematic.extend", actor=user, obj=registry, data={"added": [s["name"] for s in added]})
    return registry


@transaction.atomic
def delete_registry(actor: Any, registry: ThematicRegistry) -> None:
    """Delete a thematic database that holds no records and was never granted (its catalogue entry goes too)."""
    registry = ThematicRegistry.objects.select_for_update().get(pk=registry.pk)
    user = require_acts_for(actor, registry.department, field="department")
    resource = Resource.objects.filter(registry=f"{THEMATIC_PREFIX}{registry.code}").first()
    if registry.rows.exists() or (resource is not None and resource.grants.exists()):
        raise Conflict(_("主题库已有记录或共享授权，不能删除"), field="id")
    audit.record("sharing.thematic.delete", actor=user, obj=registry, data={"code": registry.code})
    if resource is not None:
        resource.items.all().delete()
        resource.delete()
    registry.delete()
