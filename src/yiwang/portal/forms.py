from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ErrorReportForm(forms.Form):
    """A citizen's or agent's report that an element of their own record is wrong (数据纠错)."""

    registry = forms.ChoiceField(choices=[("person", _("人口库")), ("entity", _("法人库"))], widget=forms.HiddenInput)
    field = forms.CharField(max_length=64, widget=forms.HiddenInput)
    value = forms.CharField(label=_("正确的值"), max_length=200)
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
