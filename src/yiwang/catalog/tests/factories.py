"""Builders of valid catalogue rows for tests: a published service item with its materials and form schema.

Every other app's tests build their items here (never ``ServiceItem.objects.create`` by hand), so that a new
required field of an item is added in one place.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

from django.utils import timezone

from yiwang.accounts.models import Department, Division
from yiwang.catalog.models import MaterialRequirement, ServiceItem

__all__ = ["DEFAULT_FORM", "material", "service_item"]

#: a small form for tests that need one but do not care which
DEFAULT_FORM: dict[str, Any] = {
    "type": "object",
    "required": ["reason"],
    "properties": {"reason": {"type": "string", "title": "申请事由", "maxLength": 200}},
}

_numbers = itertools.count(1)


def service_item(
    department: Department,
    division: Division | None = None,
    *,
    name: str = "测试事项",
    item_code: str | None = None,
    basic_code: str = "000000000000",
    item_type: str = "licensing",
    audience: str = "enterprise",
    form_schema: dict[str, Any] | None = None,
    materials: list[dict[str, Any]] | None = None,
    approval_rules: str = "",
    legal_basis: str = "测试依据",
    conditions: str = "测试条件",
    legal_time_limit: int | None = None,
    promised_time_limit: int = 5,
    result_kind: str | None = None,
    published: bool = True,
    **extra: Any,
) -> ServiceItem:
    """A service item of ``department`` (in its division unless given), published as version 1 by default.

    ``materials`` are keyword dicts of :func:`material` (name, requirement, certificate_type, file_types…);
    ``approval_rules`` (YAML, ``catalog.approval``) makes it a 秒批 item.
    """
    number = next(_numbers)
    if result_kind is None:
        result_kind = "certificate" if extra.get("result_certificate_type") else "none"
    item = ServiceItem.objects.create(
        item_code=item_code or f"11{(division or department.division).pk[:6]}TEST{number:07d}-001",
        basic_code=basic_code,
        name=name,
        item_type=item_type,
        department=department,
        division=division or department.division,
        legal_basis=legal_basis,
        conditions=conditions,
        audience=audience,
        legal_time_limit=legal_time_limit,
        promised_time_limit=promised_time_limit,
        result_kind=result_kind,
        form_schema=copy.deepcopy(form_schema if form_schema is not None else DEFAULT_FORM),
        approval_rules=approval_rules,
        status="published" if published else "draft",
        version=1 if published else 0,
        published_at=timezone.now() if published else None,
        **extra,
    )
    for position, spec in enumerate(materials or [], start=1):
        material(item, position=position, **spec)
    return item


def material(item: ServiceItem, *, name: str, position: int | None = None, **fields: Any) -> MaterialRequirement:
    """One material requirement of ``item`` (defaults of the model for what is not given)."""
    if position is None:
        position = item.materials.count() + 1
    return MaterialRequirement.objects.create(item=item, position=position, name=name, **fields)


#: A 秒批 item of the residence permit (居住证签发): rules over registry and form facts, and its form.
RESIDENCE_RULES = """
id: approval.residence-permit
title: 居住证签发（秒批）
rules:
  all:
    - id: adult
      fact: person_birth_date
      op: le
      value: {years_ago: 16}
      clause: "《居住证暂行条例》第二条"
    - id: reason_given
      fact: form_reason
      op: in
      value: ["就业", "就学", "居住"]
      clause: "《居住证暂行条例》第二条"
    - id: not_deceased
      fact: person_is_deceased
      op: is_false
      clause: "《中华人民共和国户口登记条例》第八条"
"""
RESIDENCE_FORM = {
    "type": "object",
    "required": ["name", "reason"],
    "properties": {
        "name": {"type": "string", "title": "姓名", "x-element": "person.name"},
        "reason": {"type": "string", "title": "申领事由", "enum": ["就业", "就学", "居住", "其他"]},
    },
}
