"""Forms for every POST of 督查督办's pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class Styled(forms.Form):
    """Bootstrap classes on every widget (form-control, form-select, form-check-input)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class ReportForm(Styled):
    month = forms.DateField(label=_("月份（当月任一天）"), widget=forms.DateInput(attrs={"type": "date"}))
    planned_investment = forms.DecimalField(label=_("累计计划投资（元）"), min_value=0, max_digits=16, decimal_places=2)
    actual_investment = forms.DecimalField(label=_("累计完成投资（元）"), min_value=0, max_digits=16, decimal_places=2)
    planned_progress = forms.DecimalField(label=_("计划形象进度（%）"), min_value=0, max_value=100, decimal_places=1)
    actual_progress = forms.DecimalField(label=_("实际形象进度（%）"), min_value=0, max_value=100, decimal_places=1)
    photos = forms.IntegerField(label=_("形象进度照片数"), min_value=0, initial=0)
    warning_signals = forms.IntegerField(label=_("预警信号数"), min_value=0, initial=0)
    employment = forms.IntegerField(label=_("带动就业人数"), min_value=0, required=False)
    electricity_kwh = forms.IntegerField(label=_("用电量（千瓦时）"), min_value=0, required=False)


class ExcelImportForm(Styled):
    file = forms.FileField(label=_("月度报送 Excel（.xlsx）"))


class IssueOrderForm(Styled):
    working_days = forms.IntegerField(label=_("整改期限（工作日）"), min_value=1, max_value=60, initial=10)
    evidence_required = forms.CharField(label=_("须提交的整改佐证"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(Styled):
    evidence = forms.CharField(label=_("整改佐证"), widget=forms.Textarea(attrs={"rows": 2}))


class ReviewForm(Styled):
    decision = forms.ChoiceField(label=_("审核结论"), choices=[("accept", _("通过，销号")), ("reject", _("退回重改"))])
    note = forms.CharField(label=_("审核意见"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class RulesForm(Styled):
    rules = forms.CharField(
        label=_("三色规则（YAML）"), widget=forms.Textarea(attrs={"rows": 24, "class": "font-monospace"})
    )
    note = forms.CharField(label=_("修订说明"), max_length=200)


class PeriodicReportForm(Styled):
    kind = forms.ChoiceField(label=_("报告类型"), choices=[("weekly", _("周报")), ("monthly", _("月报"))])
    day = forms.DateField(
        label=_("报告期内任一天"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("生成该日所在周或月的报告"),
    )
