"""Forms of every POST of 一网统管 risk (officials' and firms')."""

from __future__ import annotations

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.registries.models import CreditRating
from yiwang.risk.models import Alert


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so that the pages look like the rest of the workbench."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.RadioSelect | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class RunForm(StyledForm):
    month = forms.DateField(
        label=_("分类月份"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("按月评定；同一月份重复提交返回已有结果"),
    )

    def clean_month(self) -> date:
        value: date = self.cleaned_data["month"]
        return value.replace(day=1)


class AlertFilterForm(StyledForm):
    status = forms.ChoiceField(label=_("状态"), choices=[("", _("全部")), *Alert.Status.choices], required=False)
    colour = forms.ChoiceField(
        label=_("时限"),
        choices=[
            ("", _("全部")),
            ("green", _("未超期")),
            ("yellow", _("黄牌（已超期）")),
            ("red", _("红牌（严重超期）")),
        ],
        required=False,
    )
    indicator = forms.CharField(label=_("触发指标"), max_length=32, required=False)
    q = forms.CharField(label=_("企业名称或统一社会信用代码"), max_length=64, required=False)


class AssignForm(StyledForm):
    assignee = forms.ModelChoiceField(label=_("核查人"), queryset=User.objects.none())
    note = forms.CharField(label=_("分派说明"), max_length=500, required=False)

    def __init__(self, *args, officials=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if officials is not None:
            field = self.fields["assignee"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = officials


class TransferForm(StyledForm):
    department = forms.ModelChoiceField(label=_("移送部门"), queryset=Department.objects.order_by("code"))
    reason = forms.CharField(label=_("移送理由"), max_length=500)


class CloseForm(StyledForm):
    outcome = forms.ChoiceField(label=_("核查结论"), choices=Alert.Outcome.choices, widget=forms.RadioSelect)
    disposal = forms.ChoiceField(label=_("处置方式"), choices=Alert.Disposal.choices)
    result = forms.CharField(label=_("办理结果"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    facts = forms.CharField(
        label=_("涉嫌违法事实（立案时填写）"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )


class ObjectionForm(StyledForm):
    reason = forms.CharField(label=_("异议理由"), widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)


class AnswerForm(StyledForm):
    accept = forms.TypedChoiceField(
        label=_("处理结果"),
        choices=[("0", _("不予采纳")), ("1", _("采纳并复核分类"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    new_class = forms.ChoiceField(
        label=_("复核后的分类"), choices=[("", "—"), *CreditRating.RiskClass.choices], required=False
    )
    answer = forms.CharField(label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
