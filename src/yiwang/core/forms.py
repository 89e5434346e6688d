"""Forms of the kernel's pages, and how every app's pages put a service's refusal on the form."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import DomainError

__all__ = ["AuditFilterForm", "add_domain_error", "errors_text"]


def add_domain_error(form: forms.Form, exc: DomainError, *, fields: Mapping[str, str] | None = None) -> None:
    """Put a service's :class:`DomainError` on the form field it names (``fields`` maps a service's field name to
    the form's where they differ); an error about no field of the form goes on the form as a whole."""
    name = (fields or {}).get(exc.field or "", exc.field)
    form.add_error(name if name in form.fields else None, str(exc.message))


def errors_text(form: forms.Form) -> str:
    """The form's errors in one line, each after the label of its field (for a message after a redirect)."""
    parts: list[str] = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = f"{field.label}：" if field is not None and field.label and not field.widget.is_hidden else ""
        parts.extend(f"{label}{error}" for error in errors)
    return "；".join(parts)


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("操作（前缀）"), required=False, max_length=100)
    actor = forms.CharField(label=_("操作人"), required=False, max_length=150)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=100)
    object_id = forms.CharField(label=_("对象标识"), required=False, max_length=64)
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data
