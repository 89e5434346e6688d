"""Checks of catalogue data: what keeps an item from being published, and every problem of a catalogue file."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from yiwang.accounts.models import Department, Division
from yiwang.catalog.formschema import form_schema_problems
from yiwang.catalog.models import (
    ITEM_CODE_PATTERN,
    Audience,
    ItemStatus,
    ItemType,
    LifeEvent,
    Requirement,
    ResultKind,
    ServiceItem,
)
from yiwang.catalog.snapshot import CENTS, ITEM_FIELDS, MATERIAL_FIELDS, REFERENCE_FIELDS
from yiwang.certificates.models import CertificateType
from yiwang.registries.models import DataElement

__all__ = ["ItemProblem", "parse_items", "publishing_problems"]


@dataclass(frozen=True)
class ItemProblem:
    """One problem: which item (its code, or ``#n`` for the n-th entry without one), which field, what is wrong."""

    item_code: str
    field: str
    message: str


def publishing_problems(item: ServiceItem, *, known_elements: set[str] | None = None) -> list[ItemProblem]:
    """Every reason why ``item`` cannot be published as it is (its form schema above all)."""
    code = item.item_code
    problems = [
        ItemProblem(code, p.field, p.message)
        for p in form_schema_problems(item.form_schema, known_elements=known_elements)
    ]
    if not item.conditions.strip():
        problems.append(ItemProblem(code, "conditions", _("受理条件不能为空")))
    if not item.legal_basis.strip():
        problems.append(ItemProblem(code, "legal_basis", _("设定依据不能为空")))
    if item.legal_time_limit is not None and item.promised_time_limit > item.legal_time_limit:
        problems.append(ItemProblem(code, "promised_time_limit", _("承诺办结时限不能长于法定办结时限")))
    if item.result_kind == ResultKind.CERTIFICATE and item.result_certificate_type_id is None:
        problems.append(ItemProblem(code, "result_certificate_type", _("办理结果为证照时须指明证照类型")))
    if item.approval_rules.strip():
        from yiwang.catalog.approval import load_approval_rules
        from yiwang.rules import RuleError

        try:
            load_approval_rules(item)
        except RuleError as exc:
            problems.extend(ItemProblem(code, f"approval_rules.{p.path}", p.message) for p in exc.problems)
    return problems


_DEFAULTS: dict[str, Any] = {
    "life_events": [],
    "keywords": "",
    "legal_time_limit": None,
    "fee_note": "",
    "fee_amount": "0.00",
    "online": True,
    "window": True,
    "mobile": False,
    "result_name": "",
    "result_certificate_type": None,
    "contact_phone": "",
    "form_schema": {},
    "approval_rules": "",
    "status": ItemStatus.DRAFT.value,
    "materials": [],
}
_MATERIAL_DEFAULTS: dict[str, Any] = {
    "requirement": Requirement.REQUIRED.value,
    "copies": 1,
    "source_note": "",
    "certificate_type": None,
    "file_types": "pdf,jpg,png",
    "max_size_mb": 10,
}
_CHOICES: dict[str, Any] = {
    "item_type": ItemType,
    "audience": Audience,
    "result_kind": ResultKind,
    "status": ItemStatus,
}
_TEXT = {"item_code", "basic_code", "name", "legal_basis", "conditions", "keywords", "fee_note", "result_name",
         "contact_phone", "department", "division"}  # fmt: skip
_LIMITS = {"item_code": 64, "basic_code": 32, "name": 200, "keywords": 300, "fee_note": 500, "result_name": 128,
           "contact_phone": 64}  # fmt: skip
_ALL_FIELDS = {*ITEM_FIELDS, *REFERENCE_FIELDS, "status", "materials"}


class _Collector:
    """Collects the problems of one entry, which is named by its code once known."""

    def __init__(self, label: str, problems: list[ItemProblem]) -> None:
        self.label = label
        self.problems = problems

    def add(self, field: str, message: str) -> None:
        self.problems.append(ItemProblem(self.label, field, message))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_scalars(data: dict[str, Any], report: _Collector) -> None:
    for name in sorted(_TEXT & data.keys()):
        value = data[name]
        if not isinstance(value, str):
            report.add(name, _("应为文本"))
        elif name in _LIMITS and len(value) > _LIMITS[name]:
            report.add(name, _("不能超过 %(n)d 个字符") % {"n": _LIMITS[name]})
    for name, choices in _CHOICES.items():
        if data.get(name) not in choices.values:
            report.add(name, _("只能是以下之一：%(choices)s") % {"choices": "、".join(choices.values)})
    if not isinstance(data.get("item_code"), str) or not re.match(ITEM_CODE_PATTERN, data["item_code"]):
        report.add("item_code", _("实施编码应为 6–64 位大写字母、数字或连字符"))
    for name in ("name", "legal_basis", "conditions"):
        if isinstance(data.get(name), str) and not data[name].strip():
            report.add(name, _("不能为空"))
    for name in ("online", "window", "mobile"):
        if not isinstance(data[name], bool):
            report.add(name, _("应为 true 或 false"))
    for name in ("legal_time_limit", "promised_time_limit"):
        value = data[name]
        if not (value is None and name == "legal_time_limit") and not (_is_int(value) and 0 <= value <= 3650):
            report.add(name, _("应为 0–3650 的工作日数"))
    life_events = data["life_events"]
    if not isinstance(life_events, list) or any(code not in LifeEvent.values for code in life_events):
        report.add("life_events", _("应为主题编码列表，可用：%(codes)s") % {"codes": "、".join(LifeEvent.values)})
    try:
        amount = Decimal(str(data["fee_amount"]))
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e8"):
            raise InvalidOperation
        data["fee_amount"] = str(amount.quantize(CENTS))
    except InvalidOperation:
        report.add("fee_amount", _("收费金额应为不小于 0 的金额（元），0 表示不收费"))
    if not isinstance(data["form_schema"], dict):
        report.add("form_schema", _("申请表单应为 JSON Schema 对象"))


def _parse_materials(raw: Any, report: _Collector, cert_types: dict[str, CertificateType]) -> tuple[list, list]:
    if not isinstance(raw, list):
        report.add("materials", _("应为材料列表"))
        return [], []
    materials, resolved = [], []
    for n, entry in enumerate(raw, start=1):
        where = f"materials[{n}]"
        if not isinstance(entry, dict):
            report.add(where, _("应为对象"))
            continue
        material = {**_MATERIAL_DEFAULTS, **entry}
        for key in sorted(set(material) - set(MATERIAL_FIELDS)):
            report.add(f"{where}.{key}", _("不认识的字段"))
        if not isinstance(material.get("name"), str) or not material["name"].strip():
            report.add(f"{where}.name", _("材料名称不能为空"))
        if material["requirement"] not in Requirement.values:
            report.add(
                f"{where}.requirement", _("只能是以下之一：%(choices)s") % {"choices": "、".join(Requirement.values)}
            )
        for key, top in (("copies", 99), ("max_size_mb", 200)):
            if not (_is_int(material[key]) and 0 <= material[key] <= top):
                report.add(f"{where}.{key}", _("应为 0–%(top)d 的整数") % {"top": top})
        for key in ("source_note", "file_types"):
            if not isinstance(material[key], str):
                report.add(f"{where}.{key}", _("应为文本"))
        code = material["certificate_type"]
        if code is not None and code not in cert_types:
            report.add(f"{where}.certificate_type", _("证照类型 %(code)s 不存在") % {"code": code})
        materials.append({key: material.get(key) for key in MATERIAL_FIELDS})
        resolved.append(cert_types.get(code) if code else None)
    return materials, resolved


def _lookups(
    entries: list[dict[str, Any]],
) -> tuple[dict[str, Department], dict[str, Division], dict[str, CertificateType]]:
    def codes(key: str) -> set[str]:
        return {e[key] for e in entries if isinstance(e.get(key), str)}

    departments = {d.code: d for d in Department.objects.filter(code__in=codes("department"))}
    divisions = {d.code: d for d in Division.objects.filter(code__in=codes("division"))}
    cert_types = {c.code: c for c in CertificateType.objects.all()}
    return departments, divisions, cert_types


def parse_items(document: Any) -> tuple[list[tuple[dict[str, Any], dict[str, Any]]], list[ItemProblem]]:
    """Check every entry of a catalogue document; return ``(data, resolved references)`` per entry and problems.

    ``data`` has exactly the shape of :func:`~yiwang.catalog.snapshot.item_data` (defaults filled in), so that an
    entry equal to the stored item is recognised as unchanged.
    """
    problems: list[ItemProblem] = []
    entries = document.get("items") if isinstance(document, dict) else document
    if not isinstance(entries, list):
        return [], [ItemProblem("", "items", _("目录文件应包含事项列表 items"))]
    dict_entries = [e for e in entries if isinstance(e, dict)]
    departments, divisions, cert_types = _lookups(dict_entries)
    known_elements = set(DataElement.objects.values_list("code", flat=True))
    seen: set[str] = set()
    parsed = []
    for n, raw in enumerate(entries, start=1):
        label: str = raw["item_code"] if isinstance(raw, dict) and isinstance(raw.get("item_code"), str) else f"#{n}"
        report = _Collector(label, problems)
        if not isinstance(raw, dict):
            report.add("item", _("每个事项应为对象"))
            continue
        before = len(problems)
        for key in sorted(set(raw) - _ALL_FIELDS):
            report.add(key, _("不认识的字段"))
        missing = sorted(name for name in _ALL_FIELDS if name not in raw and name not in _DEFAULTS)
        for name in missing:
            report.add(name, _("缺少必填字段"))
        if missing:
            continue
        data = {**_DEFAULTS, **raw}
        _check_scalars(data, report)
        if label in seen:
            report.add("item_code", _("实施编码在文件中重复"))
        seen.add(label)
        department = departments.get(data["department"])
        division = divisions.get(data["division"])
        if department is None:
            report.add("department", _("部门 %(code)s 不存在") % {"code": data["department"]})
        if division is None:
            report.add("division", _("行政区划 %(code)s 不存在") % {"code": data["division"]})
        if department is not None and division is not None and department.division_id != division.code:
            report.add("division", _("实施部门不属于该行政区划"))
        result_type_code = data["result_certificate_type"]
        if result_type_code is not None and result_type_code not in cert_types:
            report.add("result_certificate_type", _("证照类型 %(code)s 不存在") % {"code": result_type_code})
        data["materials"], material_types = _parse_materials(data["materials"], report, cert_types)
        resolved: dict[str, Any] = {
            "department": department,
            "division": division,
            "result_certificate_type": cert_types.get(result_type_code) if result_type_code else None,
            "materials": material_types,
        }
        if len(problems) == before and data["status"] == ItemStatus.PUBLISHED:
            candidate = ServiceItem(
                **{name: data[name] for name in ITEM_FIELDS},
                department=department,
                division=division,
                result_certificate_type=resolved["result_certificate_type"],
            )
            problems.extend(publishing_problems(candidate, known_elements=known_elements))
        ordered = {name: data[name] for name in ITEM_FIELDS}
        ordered.update({name: data[name] for name in REFERENCE_FIELDS})
        ordered.update(status=data["status"], materials=data["materials"])
        parsed.append((ordered, resolved))
    return parsed, problems
