"""The content schema of a certificate type: a small, strict subset of JSON Schema (draft 2020-12).

A type's schema is ``{"type": "object", "properties": {...}, "required": [...], "additionalProperties": false}``;
each property has a Chinese ``title`` and one of the types ``string``, ``integer``, ``number``, ``boolean``, with
optionally ``format: "date"`` (ISO ``YYYY-MM-DD``), ``enum``, ``pattern`` (matched in full), ``minLength``,
``maxLength``, ``minimum``, ``maximum``. Nesting is not needed by any certificate we know and is refused, so that
every content field is one labelled line on the certificate.

We validate ourselves instead of adding the ``jsonschema`` package: the subset is small, and each refusal must be a
translated :class:`ValidationFailed` naming the field (``content.<name>``) and its Chinese title.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import ValidationFailed

__all__ = ["check_schema", "validate_content"]

_TYPES = {"string", "integer", "number", "boolean"}
_KEYWORDS = {
    "title",
    "type",
    "format",
    "enum",
    "pattern",
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "description",
}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
_TYPE_NAMES = {
    "string": _("文本"),
    "integer": _("整数"),
    "number": _("数字"),
    "boolean": _("是/否"),
}


def check_schema(schema: Any) -> None:
    """Raise :class:`ValidationFailed` (field ``schema``) unless ``schema`` is in the supported subset."""

    def bad(message: Any) -> ValidationFailed:
        return ValidationFailed(message, field="schema", code="schema_invalid")

    if not isinstance(schema, dict) or schema.get("type") != "object":
        raise bad(_("证照内容模式必须是 type 为 object 的 JSON Schema"))
    properties = schema.get("properties")
    if not isinstance(properties, dict) or not properties:
        raise bad(_("证照内容模式必须在 properties 中列出至少一个字段"))
    for name, spec in properties.items():
        if not _NAME.match(name):
            raise bad(_("字段名 %(name)s 不合规：应为小写字母开头的字母、数字、下划线") % {"name": name})
        if not isinstance(spec, dict) or spec.get("type") not in _TYPES or not spec.get("title"):
            raise bad(_("字段 %(name)s 必须有中文标题 title 和受支持的 type") % {"name": name})
        unknown = set(spec) - _KEYWORDS
        if unknown:
            raise bad(
                _("字段 %(name)s 使用了不支持的关键字：%(keys)s") % {"name": name, "keys": ", ".join(sorted(unknown))}
            )
        if "pattern" in spec:
            try:
                re.compile(spec["pattern"])
            except re.error as exc:
                raise bad(_("字段 %(name)s 的 pattern 不是有效的正则表达式") % {"name": name}) from exc
    required = schema.get("required", [])
    if not isinstance(required, list) or any(name not in properties for name in required):
        raise bad(_("required 只能列出 properties 中的字段"))


def _field_error(name: str, spec: dict[str, Any], message: Any, code: str) -> ValidationFailed:
    label = f"「{spec.get('title', name)}」（{name}）"
    return ValidationFailed(f"{label}{message}", field=f"content.{name}", code=code)


def _check_value(name: str, spec: dict[str, Any], value: Any) -> None:
    kind = spec["type"]
    type_ok = {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
    }[kind]
    if not type_ok:
        raise _field_error(name, spec, _("应为%(type)s") % {"type": _TYPE_NAMES[kind]}, "content_type")
    if kind == "string":
        min_length = spec.get("minLength", 0)
        if min_length and not value.strip():
            raise _field_error(name, spec, _("不能为空"), "content_min_length")
        if len(value) < min_length:
            raise _field_error(name, spec, _("不能少于 %(n)d 个字符") % {"n": min_length}, "content_min_length")
        if "maxLength" in spec and len(value) > spec["maxLength"]:
            raise _field_error(name, spec, _("不能超过 %(n)d 个字符") % {"n": spec["maxLength"]}, "content_max_length")
        if spec.get("format") == "date":
            try:
                date.fromisoformat(value)
            except ValueError:
                raise _field_error(name, spec, _("应为日期，格式 YYYY-MM-DD"), "content_date") from None
            if len(value) != 10:
                raise _field_error(name, spec, _("应为日期，格式 YYYY-MM-DD"), "content_date")
        if "pattern" in spec and not re.fullmatch(spec["pattern"], value):
            raise _field_error(name, spec, _("格式不正确"), "content_pattern")
    if kind in {"integer", "number"}:
        if "minimum" in spec and value < spec["minimum"]:
            raise _field_error(name, spec, _("不能小于 %(n)s") % {"n": spec["minimum"]}, "content_minimum")
        if "maximum" in spec and value > spec["maximum"]:
            raise _field_error(name, spec, _("不能大于 %(n)s") % {"n": spec["maximum"]}, "content_maximum")
    if "enum" in spec and value not in spec["enum"]:
        choices = "、".join(str(choice) for choice in spec["enum"])
        raise _field_error(name, spec, _("只能是以下之一：%(choices)s") % {"choices": choices}, "content_enum")


def validate_content(schema: dict[str, Any], content: Any) -> dict[str, Any]:
    """Check ``content`` against the type's ``schema``; return it (a dict) or raise naming the first bad field.

    Fields are checked in the schema's order, so the error is about the first field as the form shows them.
    """
    if not isinstance(content, dict):
        raise ValidationFailed(_("证照内容必须是以字段名为键的对象"), field="content", code="content_type")
    properties: dict[str, dict[str, Any]] = schema["properties"]
    required = set(schema.get("required", []))
    for name, spec in properties.items():
        value = content.get(name)
        if value is None:
            if name in required:
                raise _field_error(name, spec, _("为必填项"), "content_required")
            continue
        _check_value(name, spec, value)
    if schema.get("additionalProperties") is False:
        for name in content:
            if name not in properties:
                raise ValidationFailed(
                    _("证照内容中有本类证照没有的字段：%(name)s") % {"name": name},
                    field=f"content.{name}",
                    code="content_unknown_field",
                )
    return {name: value for name, value in content.items() if value is not None}
