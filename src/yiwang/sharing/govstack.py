"""The thematic databases (主题库) through the GovStack Digital Registries adapter of ``registries``: each database
is a registry ``{code}/1.0`` of the Data API and a schema of the Database API (id 1000 + its number).

Only the department that keeps a thematic database reads and writes it here, masked by each field's rule, every
write a version with its audit entry; other departments read it through a sharing grant.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from yiwang.accounts.models import Division, User
from yiwang.accounts.permissions import acts_for
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.registries.govstack import ExternalRegistry, json_property
from yiwang.sharing.models import Grade, ThematicRegistry, ThematicRow
from yiwang.sharing.services import thematic

VERSION = "1.0"
DATABASE_OFFSET = 1000
_FROM_JSON = {"integer": "integer", "number": "decimal", "boolean": "boolean"}


class ThematicRegistryAdapter:
    """One thematic database as a GovStack registry."""

    version = VERSION

    def __init__(self, registry: ThematicRegistry) -> None:
        self.registry = registry
        self.name = registry.code
        self.database_id = DATABASE_OFFSET + registry.pk

    @property
    def key(self) -> str:
        return str(self.registry.schema[0]["name"])

    def _require(self, user: User) -> None:
        if not acts_for(user, self.registry.department):
            raise PermissionDenied(
                _("只有主题库的建设部门可以通过本接口读写；其他部门请申请共享授权"), field="registryName"
            )

    def records(self, user: User, query: dict[str, Any]) -> QuerySet[ThematicRow]:
        self._require(user)
        fields = {spec["name"] for spec in self.registry.schema}
        unknown = set(query) - fields - {"ID"}
        if unknown:
            message = _("不支持按以下字段查询：%(fields)s") % {"fields": "、".join(sorted(unknown))}
            raise ValidationFailed(message, field="query")
        conditions = Q()
        for name, value in query.items():
            if name in ("ID", self.key):
                conditions &= Q(record_key=str(value))
            else:
                conditions &= Q(**{f"data__{name}": value})
        return self.registry.rows.filter(conditions).select_related("division").order_by("record_key")

    def search(self, records: QuerySet[ThematicRow], text: str) -> QuerySet[ThematicRow]:
        conditions = Q(record_key__icontains=text)
        for spec in self.registry.schema:
            if spec["type"] in ("string", "code") and spec.get("mask", "none") == "none":
                conditions |= Q(**{f"data__{spec['name']}__icontains": text})
        return records.filter(conditions)

    def find(self, user: User, record_id: str) -> ThematicRow | None:
        return self.records(user, {"ID": record_id}).first()

    def content(self, record: ThematicRow) -> dict[str, Any]:
        return {"ID": record.record_key, **thematic.masked(self.registry, record), "division": record.division_id}

    def write(self, user: User, content: dict[str, Any], record: ThematicRow | None) -> ThematicRow:
        self._require(user)
        values = {k: v for k, v in content.items() if k not in ("ID", "division")}
        if record is not None:
            data, division = {**record.data, **values, self.key: record.record_key}, record.division
        else:
            data = {**values}
            if "ID" in content:
                data.setdefault(self.key, content["ID"])
            if self.registry.rows.filter(record_key=str(data.get(self.key) or "")).exists():
                raise Conflict(_("记录已存在"), field="ID")
            code = str(content.get("division") or self.registry.department.division_id)
            found = Division.objects.filter(code=code).first()
            if found is None:
                raise ValidationFailed(_("区划代码不存在：%(code)s") % {"code": code}, field="division")
            division = found
        return thematic.put_row(user, self.registry, division=division, data=data, channel="govstack")

    def info(self) -> dict[str, Any]:
        properties: dict[str, Any] = {}
        for position, spec in enumerate(self.registry.schema):
            prop = json_property(spec["type"], spec.get("title", spec["name"]))
            prop.update({"x-source-kind": spec.get("source_kind", ""), "x-grade": spec.get("grade", "")})
            if spec.get("mask"):
                prop["x-mask"] = spec["mask"]
            if position == 0:
                prop["primaryKey"] = True
            properties[spec["name"]] = prop
        return {
            "id": self.database_id, "code": self.registry.code, "name": self.registry.name, "version": VERSION,
            "description": self.registry.name, "institution": self.registry.department.name,
            "schema": {"type": "object", "properties": properties, "required": [self.key]},
            "is_draft": False, "is_disabled": False, "is_archived": False,
            "modified_at": self.registry.created_at.isoformat(),
        }  # fmt: skip


def schema_from_json(body_schema: dict[str, Any]) -> list[dict[str, Any]]:
    """Our field list from a Database API JSON schema (``properties``; the ``primaryKey`` one first)."""
    properties = body_schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        raise ValidationFailed(_("schema.properties 须列出字段"), field="schema")
    fields: list[tuple[bool, int, dict[str, Any]]] = []
    for name, prop in properties.items():
        if name == "ID" or not isinstance(prop, dict):
            continue
        kind = prop.get("type", "string")
        data_type = "date" if kind == "string" and prop.get("format") == "date" else _FROM_JSON.get(kind, "string")
        spec = {"name": name, "title": prop.get("description") or name, "type": data_type}
        for key, ours in (("x-source-kind", "source_kind"), ("x-grade", "grade"), ("x-mask", "mask")):
            if prop.get(key):
                spec[ours] = prop[key]
        fields.append((not prop.get("primaryKey"), len(fields), spec))
    return [spec for _first, _position, spec in sorted(fields, key=lambda f: (f[0], f[1]))]


class ThematicProvider:
    """The thematic databases, for :func:`yiwang.registries.govstack.register_external`."""

    def get(self, name: str) -> ExternalRegistry | None:
        registry = ThematicRegistry.objects.select_related("department").filter(code=name).first()
        return ThematicRegistryAdapter(registry) if registry else None

    def by_database_id(self, database_id: int) -> ExternalRegistry | None:
        registry = ThematicRegistry.objects.filter(pk=database_id - DATABASE_OFFSET).first()
        return ThematicRegistryAdapter(registry) if registry else None

    def all(self, user: User) -> list[ExternalRegistry]:
        registries = ThematicRegistry.objects.select_related("department").order_by("code")
        return [ThematicRegistryAdapter(r) for r in registries if acts_for(user, r.department)]

    def modify(self, user: User, body: dict[str, Any]) -> ExternalRegistry:
        schema = schema_from_json(body.get("schema_") or body.get("schema") or {})
        code = str(body.get("code", "")).strip().lower()
        existing = ThematicRegistry.objects.filter(code=code).first()
        if existing is not None:
            return ThematicRegistryAdapter(thematic.extend_registry(user, existing, schema=schema))
        if user.department is None:
            raise PermissionDenied(_("只有部门工作人员可以建立主题库"), field="department")
        name = str(body.get("name") or body.get("catalog_name") or code)
        registry = thematic.define_registry(
            user, department=user.department, code=code, name=name, grade=Grade.GENERAL, schema=schema
        )
        return ThematicRegistryAdapter(registry)

    def delete(self, user: User, registry: ExternalRegistry) -> None:
        assert isinstance(registry, ThematicRegistryAdapter)
        thematic.delete_registry(user, registry.registry)


PROVIDER = ThematicProvider()
