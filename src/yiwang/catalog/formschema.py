"""The application form of a service item: a strict subset of JSON Schema, checked before publishing.

A form is ``{"type": "object", "properties": {...}, "required": [...]}``. Each property has a Chinese ``title`` and a
``type`` of ``string``, ``integer``, ``number`` or ``boolean``; strings may carry ``format: "date"``, ``enum``,
``pattern``, ``minLength``, ``maxLength``; numbers ``minimum``/``maximum``. A property may declare
``"x-element": "person.name"``: the field is bound to that registry data element (一数一源) and can later be
prefilled from the registry (免填). Nesting is refused: a form field is one labelled input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from yiwang.registries.models import DataElement

__all__ = ["FormProblem", "bound_elements", "form_schema_problems"]

_TYPES = {"string", "integer", "number", "boolean"}
_KEYWORDS = {"title", "type", "format", "enum", "pattern", "minLength", "maxLength", "minimum", "maximum",
             "description", "x-element"}  # fmt: skip
_TOP_KEYWORDS = {"$schema", "type", "title", "properties", "required", "additionalProperties", "description"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True)
class FormProblem:
    """One problem of a form: ``field`` is a path such as ``form_schema.properties.name.x-element``."""

    field: str
    message: str


def _property_problems(name: str, spec: Any, known_elements: set[str]) -> list[FormProblem]:
    path = f"form_schema.properties.{name}"
    if not _NAME.match(name):
        return [FormProblem(path, _("字段名 %(name)s 不合规：应为小写字母开头的字母、数字、下划线") % {"name": name})]
    if not isinstance(spec, dict):
        return [FormProblem(path, _("字段 %(name)s 的定义必须是对象") % {"name": name})]
    problems = []
    if spec.get("type") not in _TYPES:
        problems.append(
            FormProblem(
                f"{path}.type", _("字段 %(name)s 的类型必须是 string、integer、number 或 boolean") % {"name": name}
            )
        )
    if not isinstance(spec.get("title"), str) or not spec["title"].strip():
        problems.append(FormProblem(f"{path}.title", _("字段 %(name)s 必须有中文标题 title") % {"name": name}))
    unknown = sorted(set(spec) - _KEYWORDS)
    if unknown:
        problems.append(
            FormProblem(
                path, _("字段 %(name)s 使用了不支持的关键字：%(keys)s") % {"name": name, "keys": ", ".join(unknown)}
            )
        )
    if "format" in spec and (spec["format"] != "date" or spec.get("type") != "string"):
        problems.append(FormProblem(f"{path}.format", _("字段 %(name)s 只支持文本字段的 date 格式") % {"name": name}))
    if "enum" in spec and (not isinstance(spec["enum"], list) or not spec["enum"]):
        problems.append(FormProblem(f"{path}.enum", _("字段 %(name)s 的 enum 必须是非空列表") % {"name": name}))
    if "pattern" in spec:
        try:
            re.compile(str(spec["pattern"]))
        except re.error:
            problems.append(
                FormProblem(f"{path}.pattern", _("字段 %(name)s 的 pattern 不是有效的正则表达式") % {"name": name})
            )
    element = spec.get("x-element")
    if element is not None and element not in known_elements:
        problems.append(
            FormProblem(
                f"{path}.x-element",
                _("字段 %(name)s 绑定的数据元 %(element)s 不存在") % {"name": name, "element": element},
            )
        )
    return problems


def form_schema_problems(schema: Any, *, known_elements: set[str] | None = None) -> list[FormProblem]:
    """Every problem of ``schema`` (an empty list when it is a valid form); ``known_elements`` defaults to the DB."""
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return [FormProblem("form_schema", _("申请表单必须是 type 为 object 的 JSON Schema"))]
    problems = []
    unknown = sorted(set(schema) - _TOP_KEYWORDS)
    if unknown:
        problems.append(
            FormProblem("form_schema", _("申请表单使用了不支持的关键字：%(keys)s") % {"keys": ", ".join(unknown)})
        )
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        return [*problems, FormProblem("form_schema.properties", _("申请表单必须在 properties 中列出至少一个字段"))]
    if known_elements is None:
        known_elements = set(DataElement.objects.values_list("code", flat=True))
    for name, spec in properties.items():
        problems.extend(_property_problems(name, spec, known_elements))
    required = schema.get("required", [])
    if not isinstance(required, list):
        problems.append(FormProblem("form_schema.required", _("required 必须是字段名列表")))
    else:
        for name in required:
            if name not in properties:
                problems.append(
                    FormProblem(
                        "form_schema.required", _("required 列出的字段 %(name)s 不在 properties 中") % {"name": name}
                    )
                )
    return problems


def bound_elements(schema: dict[str, Any]) -> dict[str, str]:
    """Field name → data element code, for the fields that declare ``x-element`` (免填 prefill)."""
    properties = schema.get("properties") or {}
    return {
        name: spec["x-element"] for name, spec in properties.items() if isinstance(spec, dict) and "x-element" in spec
    }
