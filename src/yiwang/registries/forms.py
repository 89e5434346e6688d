"""Forms of the officials' registry pages (every POST goes through one)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class UnmaskForm(forms.Form):
    """The stated purpose for which an official reads a person's record in clear (logged in the audit ledger)."""

    purpose = forms.CharField(label=_("查看用途"), max_length=200)


class ResolveDiscrepancyForm(forms.Form):
    """The authoritative source's decision on a discrepancy report: accept (the value is written) or reject."""

    decision = forms.ChoiceField(label=_("处理结果"), choices=[("accept", _("采纳并更正")), ("reject", _("不予采纳"))])
    resolution = forms.CharField(label=_("处理意见"), max_length=500, required=False)
