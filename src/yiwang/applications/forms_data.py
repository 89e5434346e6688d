"""An item's form schema as a Django form: server-side validation of the answers, field by field.

The same form validates the applicant's page, the API and the services (``clean_form_data``), so an answer is
judged by one set of rules and messages wherever it comes from.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
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


class SchemaField(forms.Field):
    """One field of an item's form schema (JSON Schema subset: type, format, enum, bounds, pattern).

    Blank is "not answered" (left out of the cleaned data, an error only when required); otherwise the value is
    checked against the spec with the messages applicants have always seen (“标题：规则”).
    """

    widget = forms.TextInput

    def __init__(self, name: str, spec: dict[str, Any], *, required: bool) -> None:
        self.name, self.spec = name, spec
        self.title = spec.get("title", name)
        super().__init__(required=required, label=self.title)

    def clean(self, value: Any) -> Any:
        if value is None or (isinstance(value, str) and not value.strip()):
            if self.required:
                raise forms.ValidationError(_("“%(title)s”为必填项") % {"title": self.title}, code="required")
            return UNANSWERED
        cleaned, message = _check(self.spec, value)
        if message:
            raise forms.ValidationError(f"{self.title}：{message}", code="invalid")
        return cleaned


#: the cleaned value of a field left blank: dropped from the answers
UNANSWERED = object()


class SchemaForm(forms.Form):
    """A Django form built from a form schema (:func:`schema_form`); :meth:`answers` are the cleaned answers."""

    schema: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = set(self.schema.get("required") or [])
        for name, spec in (self.schema.get("properties") or {}).items():
            self.fields[name] = SchemaField(name, spec, required=name in required)

    def answers(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k in self.schema_fields() and v is not UNANSWERED}

    def schema_fields(self) -> list[str]:
        return list((self.schema.get("properties") or {}).keys())

    def field_errors(self) -> dict[str, str]:
        """The first message of each bad field, in the form's order (as :class:`FormInvalid` carries them)."""
        return {name: str(errors[0]) for name, errors in self.errors.items() if name != NON_FIELD_ERRORS}


def schema_form(schema: dict[str, Any], base: type[forms.Form] = SchemaForm) -> type[SchemaForm]:
    """The Django form class of a form schema (an item's, or a bundle's merged one), on top of ``base``."""
    bases = (base,) if issubclass(base, SchemaForm) else (base, SchemaForm)
    return type("SchemaForm", bases, {"schema": schema})


def clean_form_data(schema: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    """Return the cleaned data or raise FormInvalid listing every bad field (unknown fields are dropped)."""
    form = schema_form(schema)(data=data)
    if not form.is_valid():
        raise FormInvalid(form.field_errors())
    return form.answers()
