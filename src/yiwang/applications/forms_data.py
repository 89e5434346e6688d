"""Server-side validation of an application's form data against the item's form schema, field by field."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

from yiwang.core.errors import ValidationFailed


class FormInvalid(ValidationFailed):
    """The form has errors; ``errors`` maps every bad field to its message. Nothing was saved."""

    default_code = "form_invalid"

    def __init__(self, errors: dict[str, str]) -> None:
        first = next(iter(errors))
        super().__init__(errors[first], field=first)
        self.errors = errors


def _check(spec: dict[str, Any], value: Any) -> tuple[Any, str]:
    """The cleaned value and an error message ("" when valid)."""
    kind = spec.get("type")
    if kind == "boolean":
        if isinstance(value, bool):
            return value, ""
        if value in ("true", "on", "1"):
            return True, ""
        if value in ("false", "off", "0", ""):
            return False, ""
        return value, _("应为是或否")
    if kind in {"integer", "number"}:
        try:
            number: int | float = int(value) if kind == "integer" else float(value)
        except (TypeError, ValueError):
            return value, _("应为整数") if kind == "integer" else _("应为数字")
        if "minimum" in spec and number < spec["minimum"]:
            return number, _("不能小于 %(n)s") % {"n": spec["minimum"]}
        if "maximum" in spec and number > spec["maximum"]:
            return number, _("不能大于 %(n)s") % {"n": spec["maximum"]}
        return number, ""
    text = str(value).strip()
    if spec.get("format") == "date":
        try:
            date.fromisoformat(text)
        except ValueError:
            return text, _("日期格式应为 YYYY-MM-DD")
    if "enum" in spec and text not in spec["enum"]:
        return text, _("请从给定选项中选择")
    if "minLength" in spec and len(text) < spec["minLength"]:
        return text, _("至少 %(n)d 个字符") % {"n": spec["minLength"]}
    if "maxLength" in spec and len(text) > spec["maxLength"]:
        return text, _("不能超过 %(n)d 个字符") % {"n": spec["maxLength"]}
    if "pattern" in spec and not re.fullmatch(spec["pattern"], text):
        return text, _("格式不正确")
    return text, ""


def clean_form_data(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Return the cleaned data or raise FormInvalid listing every bad field (unknown fields are dropped)."""
    properties: dict[str, dict[str, Any]] = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    cleaned: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, spec in properties.items():
        value = data.get(name)
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if name in required:
                errors[name] = _("“%(title)s”为必填项") % {"title": spec.get("title", name)}
            continue
        cleaned[name], message = _check(spec, value)
        if message:
            errors[name] = f"{spec.get('title', name)}：{message}"
    if errors:
        raise FormInvalid(errors)
    return cleaned
