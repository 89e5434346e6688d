from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ErrorReportForm(forms.Form):
    """A citizen's or agent's report that an element of their own record is wrong (数据纠错)."""

    registry = forms.ChoiceField(choices=[("person", _("人口库")), ("entity", _("法人库"))], widget=forms.HiddenInput)
    field = forms.CharField(max_length=64, widget=forms.HiddenInput)
    value = forms.CharField(label=_("正确的值"), max_length=200)
    note = forms.CharField(label=_("说明"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ElderModeForm(forms.Form):
    """The elder-mode switch (长辈版): on (1) or off (0)."""

    on = forms.ChoiceField(label=_("长辈版"), choices=[("1", _("开启")), ("0", _("关闭"))])

    def clean_on(self) -> bool:
        return bool(self.cleaned_data["on"] == "1")
