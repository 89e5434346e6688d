"""Forms of the officials' registry pages (every POST goes through one)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class UnmaskForm(forms.Form):
    """The declared purpose for which an official reads a person's record in clear (logged in the audit ledger):
    one of the purposes of their role, with an optional supplement in free text."""

    purpose = forms.ChoiceField(label=_("查看用途"))
    note = forms.CharField(label=_("补充说明（可选）"), max_length=200, required=False)

    def __init__(self, *args: Any, purposes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["purpose"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("请选择")), *((p.code, p.name) for p in purposes)]

    def declaration(self) -> str:
        """The declaration ``read_person`` takes: the purpose's code, then the supplement after a colon."""
        note = self.cleaned_data["note"].strip()
        return f"{self.cleaned_data['purpose']}：{note}" if note else self.cleaned_data["purpose"]

    def shown(self, purposes: list[Any]) -> str:
        """The declaration as the official reads it back (the purpose's name, then the supplement)."""
        name = next((p.name for p in purposes if p.code == self.cleaned_data["purpose"]), "")
        note = self.cleaned_data["note"].strip()
        return f"{name}：{note}" if note else name


class ResolveDiscrepancyForm(forms.Form):
    """The authoritative source's decision on a discrepancy report: accept (the value is written) or reject."""

    decision = forms.ChoiceField(label=_("处理结果"), choices=[("accept", _("采纳并更正")), ("reject", _("不予采纳"))])
    resolution = forms.CharField(label=_("处理意见"), max_length=500, required=False)
