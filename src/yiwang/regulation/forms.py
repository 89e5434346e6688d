"""Forms of every POST of 互联网+监管 (officials' and firms')."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.regulation.models import ChecklistEntry, EnforcementCase, Inspection, InspectionDraw


class CommitDrawForm(forms.Form):
    source = forms.ChoiceField(label=_("随机数来源"), choices=InspectionDraw.Source.choices)
    source_reference = forms.CharField(label=_("信标轮次或开奖期号"), max_length=200)
    reason = forms.CharField(label=_("重新抽取原因"), max_length=500, required=False)


class PerformDrawForm(forms.Form):
    randomness = forms.CharField(
        label=_("随机数取值"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("信标的十六进制随机数，或开奖号码（每行一组）"),
    )


class EmptyForm(forms.Form):
    """A POST with nothing but its CSRF token (a button)."""


class EntryForm(forms.Form):
    item = forms.CharField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label=_("检查情况"), choices=ChecklistEntry.Outcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)
    evidence = forms.FileField(label=_("证据（照片或文件）"), required=False)


class SubmitForm(forms.Form):
    result = forms.ChoiceField(label=_("检查结果"), choices=Inspection.Result.choices)
    summary = forms.CharField(label=_("结果说明"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核意见"), choices=[("approve", _("通过并公示")), ("return", _("退回"))])
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("评分"), coerce=int, choices=[(n, str(n)) for n in range(5, 0, -1)], widget=forms.RadioSelect
    )
    comment = forms.CharField(label=_("评价"), max_length=500, required=False)
    objection = forms.CharField(label=_("异议"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class OpenCaseForm(forms.Form):
    uscc = forms.CharField(label=_("当事人统一社会信用代码"), max_length=18)
    origin = forms.ChoiceField(label=_("案件来源"), choices=EnforcementCase.Origin.choices)
    inspection = forms.CharField(label=_("来源检查的行政行为码"), max_length=32, required=False)
    lead = forms.IntegerField(label=_("来源线索编号"), required=False)
    facts = forms.CharField(label=_("涉嫌违法事实"), widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("处罚依据"), max_length=500, required=False)


class AdvanceCaseForm(forms.Form):
    note = forms.CharField(label=_("办理意见"), widget=forms.Textarea(attrs={"rows": 2}))
    decision_no = forms.CharField(label=_("决定书文号"), max_length=64, required=False)
    penalty = forms.CharField(label=_("处罚内容"), max_length=500, required=False)
    fine = forms.DecimalField(label=_("罚款（元）"), max_digits=14, decimal_places=2, required=False)
