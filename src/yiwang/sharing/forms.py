"""Forms for every POST of the sharing pages."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.sharing.models import Resource


class GrantRequestForm(forms.Form):
    resource = forms.ModelChoiceField(label=_("资源"), queryset=Resource.objects.exclude(sharing_type="not_shared"))
    items = forms.CharField(label=_("信息项（逗号分隔的编码）"), max_length=500)
    purpose = forms.CharField(label=_("使用用途"), max_length=500)
    legal_basis = forms.CharField(label=_("法律依据"), max_length=500)
    row_scope = forms.CharField(label=_("数据范围（区划代码前缀）"), max_length=12, required=False)
    valid_from = forms.DateField(label=_("使用期限自"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("使用期限至"), widget=forms.DateInput(attrs={"type": "date"}))
    daily_volume = forms.IntegerField(label=_("每日调用量上限（条）"), min_value=1, initial=1000)
    rate_per_minute = forms.IntegerField(label=_("每分钟调用上限（次）"), min_value=1, initial=60)

    def field_codes(self) -> list[str]:
        return [f.strip() for f in self.cleaned_data["items"].replace("，", ",").split(",") if f.strip()]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("approve", _("同意共享")), ("refuse", _("不予共享"))])
    reason = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("撤销理由"), max_length=500)


class StatisticForm(forms.Form):
    measure = forms.ChoiceField(label=_("统计量"), choices=[("count", _("主体数量")), ("headcount", _("从业人数合计"))])
    division = forms.CharField(label=_("区划代码前缀"), max_length=12, required=False)
    industry = forms.CharField(label=_("行业代码前缀"), max_length=5, required=False)
    epsilon = forms.DecimalField(
        label=_("隐私预算 ε"),
        min_value=Decimal("0.01"),
        max_value=Decimal("1"),
        decimal_places=2,
        initial=Decimal("0.1"),
    )


class DatasetApplicationForm(forms.Form):
    purpose = forms.CharField(label=_("用途"), max_length=500)
