"""多表合一: one merged form and one list of materials for a whole bundle.

Every data element (``x-element``) or identical field name is asked once, however many items ask for it; the
merged field is required when any item requires it, and its bounds are the strictest of the items' (so an answer
the merged form accepts is valid for every item). The mapping back (merged field → each item's field names) turns
the answers into each item's own form. Specs that cannot be merged (different types, enums, formats, patterns, or
one field name bound to two elements) raise :class:`MergeConflict` when the bundle is designed.

A material required by several items (same e-certificate type, or same name) is asked once; a material that an
earlier item of the bundle produces as its result (the business licence for the food licence) is not asked at all,
nor is one that any other item of the bundle produces where the item accepts it late (容缺: the seal, social
insurance and housing-fund registrations of 开办企业 start with the business registration, and the licence is
shared with them when it is issued, see ``services.share_results``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.bundles.graph import prerequisites_closure
from yiwang.bundles.models import BundleItem
from yiwang.catalog.models import MaterialRequirement, Requirement
from yiwang.core.errors import ValidationFailed

_MUST_AGREE = ("type", "format", "enum", "pattern")


class MergeConflict(ValidationFailed):
    """The items' forms cannot be merged; ``problems`` lists every conflict. Raised at design time."""

    default_code = "merge_conflict"

    def __init__(self, problems: list[tuple[str, str]]) -> None:
        super().__init__("；".join(message for _field, message in problems), field=problems[0][0])
        self.problems = problems


@dataclass
class MergedField:
    name: str
    spec: dict[str, Any]
    required: bool = False
    sources: list[tuple[int, str]] = field(default_factory=list)  # (bundle item pk, that item's field name)
    item_names: list[str] = field(default_factory=list)


@dataclass
class MergedForm:
    fields: dict[str, MergedField]

    @property
    def schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {name: f.spec for name, f in self.fields.items()},
            "required": [name for name, f in self.fields.items() if f.required],
        }

    @property
    def mapping(self) -> dict[str, list[tuple[int, str]]]:
        return {name: list(f.sources) for name, f in self.fields.items()}

    def field_map(self) -> dict[str, dict[str, str]]:
        """Frozen with a submission: bundle item pk (as text) → {the item's field name: merged field name}."""
        out: dict[str, dict[str, str]] = {}
        for name, merged in self.fields.items():
            for pk, item_field in merged.sources:
                out.setdefault(str(pk), {})[item_field] = name
        return out

    def answers_for(self, bundle_item_pk: int, answers: dict[str, Any]) -> dict[str, Any]:
        """The merged answers renamed to one item's own field names."""
        out: dict[str, Any] = {}
        for name, merged in self.fields.items():
            if name not in answers:
                continue
            for pk, item_field in merged.sources:
                if pk == bundle_item_pk:
                    out[item_field] = answers[name]
        return out


def map_answers(field_map: dict[str, dict[str, str]], bundle_item_pk: int, answers: dict[str, Any]) -> dict[str, Any]:
    """The merged answers renamed to one item's field names, through a frozen ``field_map``."""
    fields = field_map.get(str(bundle_item_pk), {})
    return {item_field: answers[merged] for item_field, merged in fields.items() if merged in answers}


def _spec_key(spec: dict[str, Any], key: str) -> Any:
    value = spec.get(key)
    return sorted(map(str, value)) if key == "enum" and isinstance(value, list) else value


def _tighten(target: dict[str, Any], spec: dict[str, Any]) -> None:
    for key, pick in (("minLength", max), ("minimum", max), ("maxLength", min), ("maximum", min)):
        if key in spec:
            target[key] = pick(target[key], spec[key]) if key in target else spec[key]
    if "x-element" in spec:
        target.setdefault("x-element", spec["x-element"])


def merge_forms(bundle_items: Sequence[BundleItem]) -> MergedForm:
    """Merge the items' form schemas (in the given order); raises MergeConflict listing every conflict."""
    fields: dict[str, MergedField] = {}
    by_element: dict[str, MergedField] = {}
    by_name: dict[str, MergedField] = {}
    problems: list[tuple[str, str]] = []
    for bundle_item in bundle_items:
        item = bundle_item.item
        schema = item.form_schema or {}
        required = set(schema.get("required") or [])
        for name, spec in (schema.get("properties") or {}).items():
            element = spec.get("x-element")
            target = by_element.get(element) if element else None
            target = target or by_name.get(name)
            if target is None:
                target = MergedField(name=name, spec=dict(spec))
                fields[name] = target
            else:
                other_element = target.spec.get("x-element")
                if element and other_element and element != other_element:
                    message = format_lazy(
                        _("字段“{name}”在事项“{a}”中绑定数据元 {x}，在事项“{b}”中绑定 {y}，不能合并"),
                        name=name,
                        a="、".join(target.item_names),
                        x=other_element,
                        b=item.name,
                        y=element,
                    )
                    problems.append((target.name, str(message)))
                    continue
                for key in _MUST_AGREE:
                    if _spec_key(target.spec, key) != _spec_key(spec, key):
                        message = format_lazy(
                            _("字段“{title}”在事项“{a}”与“{b}”中的 {key} 定义不一致（{x} ≠ {y}），不能合并"),
                            title=target.spec.get("title", name),
                            a="、".join(target.item_names),
                            b=item.name,
                            key=key,
                            x=target.spec.get(key, "—"),
                            y=spec.get(key, "—"),
                        )
                        problems.append((target.name, str(message)))
                _tighten(target.spec, spec)
            target.sources.append((bundle_item.pk, name))
            if item.name not in target.item_names:
                target.item_names.append(item.name)
            target.required = target.required or name in required
            if element:
                by_element.setdefault(element, target)
            by_name.setdefault(name, target)
    if problems:
        raise MergeConflict(problems)
    return MergedForm(fields)


_STRENGTH: dict[str, int] = {Requirement.OPTIONAL: 0, Requirement.DEFICIENCY_ALLOWED: 1, Requirement.REQUIRED: 2}


@dataclass
class MergedMaterial:
    key: str
    name: str
    requirement: str
    certificate_type_id: int | None
    file_types: str
    max_size_mb: int
    sources: list[tuple[int, int]] = field(default_factory=list)  # (bundle item pk, MaterialRequirement pk)
    item_names: list[str] = field(default_factory=list)
    produced_in_bundle: bool = True  # every source gets it from the bundle: a prerequisite's result, or 容缺 + shared

    @property
    def required(self) -> bool:
        return self.requirement == Requirement.REQUIRED

    @property
    def requirement_label(self) -> str:
        return str(Requirement(self.requirement).label)


def material_key(requirement: MaterialRequirement) -> str:
    if requirement.certificate_type_id:
        return f"cert:{requirement.certificate_type_id}"
    return f"name:{requirement.name.strip()}"


def merge_materials(bundle_items: Sequence[BundleItem]) -> list[MergedMaterial]:
    """The bundle's materials, each asked once (same e-certificate type or same name)."""
    depends = {bi.pk: {d.pk for d in bi.depends_on.all()} for bi in bundle_items}
    produces = {bi.pk: bi.item.result_certificate_type_id for bi in bundle_items}
    produced_anywhere = {cert for cert in produces.values() if cert}
    merged: dict[str, MergedMaterial] = {}
    for bundle_item in bundle_items:
        produced = {produces[p] for p in prerequisites_closure(depends, bundle_item.pk) if produces.get(p)}
        for requirement in bundle_item.item.materials.all():
            key = material_key(requirement)
            entry = merged.get(key)
            if entry is None:
                entry = merged[key] = MergedMaterial(
                    key=key,
                    name=requirement.name,
                    requirement=requirement.requirement,
                    certificate_type_id=requirement.certificate_type_id,
                    file_types=requirement.file_types,
                    max_size_mb=requirement.max_size_mb,
                )
            else:
                if _STRENGTH.get(requirement.requirement, 0) > _STRENGTH.get(entry.requirement, 0):
                    entry.requirement = requirement.requirement
                common = [t for t in _types(entry.file_types) if t in _types(requirement.file_types)]
                entry.file_types = ",".join(common) or entry.file_types
                entry.max_size_mb = min(entry.max_size_mb, requirement.max_size_mb)
            entry.sources.append((bundle_item.pk, requirement.pk))
            if bundle_item.item.name not in entry.item_names:
                entry.item_names.append(bundle_item.item.name)
            shared_later = (  # 容缺: another item of the bundle issues it, and the certificate is shared then
                requirement.certificate_type_id in produced_anywhere
                and requirement.requirement != Requirement.REQUIRED
                and produces[bundle_item.pk] != requirement.certificate_type_id
            )
            if requirement.certificate_type_id not in produced and not shared_later:
                entry.produced_in_bundle = False
    return list(merged.values())


def _types(file_types: str) -> list[str]:
    return [t.strip() for t in file_types.split(",") if t.strip()]
