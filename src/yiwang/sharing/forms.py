"""Forms for every POST of the sharing pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department
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


class SecureSumOpenForm(forms.Form):
    description = forms.CharField(label=_("统计口径"), max_length=200)
    unit = forms.CharField(label=_("计量单位"), max_length=16, required=False)
    parties = forms.ModelMultipleChoiceField(
        label=_("其他参与部门"),
        queryset=Department.objects.order_by("division_id", "code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class SecureSumContributeForm(forms.Form):
    department = forms.ModelChoiceField(label=_("代表部门"), queryset=Department.objects.none())
    value = forms.DecimalField(
        label=_("本部门数值"),
        max_digits=30,
        decimal_places=2,
        help_text=_("提交后立即拆分为随机份额，数值本身不保存、不发送给任何部门。"),
    )

    def __init__(self, *args: Any, departments: list[Department] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pks = [d.pk for d in departments or []]
        field = self.fields["department"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Department.objects.filter(pk__in=pks)
        if len(pks) == 1:
            field.initial = pks[0]
