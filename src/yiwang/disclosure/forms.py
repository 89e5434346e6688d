"""Forms of every POST of 政务公开, citizens' and officials'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department
from yiwang.catalog.models import ItemStatus, LifeEvent, ServiceItem
from yiwang.disclosure.models import ConsultationComment, DisclosureRequest, Interpretation, PolicyDocument
from yiwang.policies.models import Policy

_TEXTAREA = {"rows": 4}


class _Form(forms.Form):
    """Bootstrap classes on every widget, so that ``{{ form.as_div }}`` renders as the rest of the platform."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if widget.is_hidden:
                continue
            if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
                continue  # a list of inputs: Bootstrap's form-check-input needs a wrapper as_div does not draw
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class DocumentForm(_Form):
    number = forms.CharField(label=_("文号"), max_length=64)
    title = forms.CharField(label=_("标题"), max_length=200)
    kind = forms.ChoiceField(label=_("文件类别"), choices=PolicyDocument.Kind.choices)
    issuer = forms.ModelChoiceField(label=_("发文机关"), queryset=Department.objects.none())
    signed_on = forms.DateField(label=_("成文日期"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_from = forms.DateField(label=_("施行日期"), widget=forms.DateInput(attrs={"type": "date"}))
    effective_until = forms.DateField(
        label=_("有效期至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    body = forms.CharField(
        label=_("正文"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每条以“第X条”开头，将逐条公开并可被引用"),
    )

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["issuer"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments if departments is not None else Department.objects.none()


class EmptyForm(_Form):
    """A POST with nothing but its CSRF token (a button)."""


class RepealForm(_Form):
    reason = forms.CharField(label=_("废止理由"), max_length=300)


class InterpretationForm(_Form):
    kind = forms.ChoiceField(label=_("解读形式"), choices=Interpretation.Kind.choices)
    title = forms.CharField(label=_("标题"), max_length=200)
    body = forms.CharField(label=_("解读内容"), required=False, widget=forms.Textarea(attrs=_TEXTAREA))
    chart = forms.CharField(
        label=_("图表数据"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("每行“标签, 数值”")
    )
    qa = forms.CharField(
        label=_("问答"),
        required=False,
        widget=forms.Textarea(attrs=_TEXTAREA),
        help_text=_("每组两行：“问：…”与“答：…”"),
    )

    def clean_chart(self) -> list[list[str]]:
        rows = []
        for line in self.cleaned_data["chart"].splitlines():
            if line.strip():
                parts = [p.strip() for p in line.replace("，", ",").rsplit(",", 1)]
                if len(parts) != 2:
                    raise forms.ValidationError(_("图表数据每行须为“标签, 数值”"))
                rows.append(parts)
        return rows

    def clean_qa(self) -> list[dict[str, str]]:
        pairs: list[dict[str, str]] = []
        for line in self.cleaned_data["qa"].splitlines():
            line = line.strip()
            if line.startswith(("问：", "问:")):
                pairs.append({"q": line[2:].strip(), "a": ""})
            elif line.startswith(("答：", "答:")) and pairs:
                pairs[-1]["a"] = line[2:].strip()
            elif line and pairs:
                key = "a" if pairs[-1]["a"] else "q"
                pairs[-1][key] += line
            elif line:
                raise forms.ValidationError(_("问答须以“问：”开头"))
        return pairs


class LinkClauseForm(_Form):
    clause = forms.IntegerField(widget=forms.HiddenInput)
    policy = forms.ModelChoiceField(
        label=_("落实政策"), queryset=Policy.objects.filter(status=Policy.Status.PUBLISHED), required=False
    )
    item = forms.ModelChoiceField(
        label=_("落实事项"),
        queryset=ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).order_by("item_code"),
        required=False,
        to_field_name="item_code",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("policy") and not data.get("item"):
            raise forms.ValidationError(_("请选择落实该条款的政策或事项"))
        return data


class DisclosureRequestForm(_Form):
    department = forms.ModelChoiceField(label=_("受理机关"), queryset=Department.objects.order_by("code"))
    requester_name = forms.CharField(label=_("申请人姓名或名称"), max_length=128)
    contact = forms.CharField(label=_("联系方式"), max_length=128)
    description = forms.CharField(
        label=_("所需信息的名称、文号或便于查询的其他特征性描述"), widget=forms.Textarea(attrs=_TEXTAREA)
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class ExtendForm(_Form):
    reason = forms.CharField(label=_("延期理由"), max_length=300)


class ReplyForm(_Form):
    outcome = forms.ChoiceField(label=_("答复结果"), choices=DisclosureRequest.Outcome.choices)
    reply = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs=_TEXTAREA))
    legal_basis = forms.CharField(label=_("答复依据"), max_length=300, required=False)


class RoundForm(_Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("名称"), max_length=200)
    seats = forms.IntegerField(label=_("拟票决产生项目数"), min_value=1, max_value=50)
    organiser = forms.ModelChoiceField(label=_("组织单位"), queryset=Department.objects.none())

    def __init__(self, *args: Any, departments: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organiser"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = departments if departments is not None else Department.objects.none()


class ProposalForm(_Form):
    title = forms.CharField(label=_("建议标题"), max_length=120)
    body = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs=_TEXTAREA))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)


class CommentForm(_Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    member = forms.CharField(label=_("政协委员"), max_length=64)
    stance = forms.ChoiceField(label=_("意见"), choices=ConsultationComment.STANCES)
    body = forms.CharField(label=_("协商意见"), widget=forms.Textarea(attrs={"rows": 2}))


class StudyForm(_Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    feasible = forms.TypedChoiceField(
        label=_("可行性"),
        choices=[("1", _("可行")), ("0", _("不可行"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    cost = forms.DecimalField(label=_("估算投资（元）"), required=False, min_value=0, decimal_places=2, max_digits=16)
    note = forms.CharField(label=_("研究意见"), widget=forms.Textarea(attrs={"rows": 2}))


class BallotForm(_Form):
    serial = forms.CharField(label=_("选票编号"), max_length=32)
    deputy = forms.CharField(label=_("人大代表编号"), max_length=32)
    choices = forms.MultipleChoiceField(label=_("赞成的项目"), widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args: Any, codes: list[tuple[str, str]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        field = self.fields["choices"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = list(codes)


class PaperBallotsForm(_Form):
    file = forms.FileField(label=_("纸质选票（CSV：选票编号, 代表编号, 赞成的项目编号）"))


class LaunchForm(_Form):
    starts_on = forms.DateField(label=_("开始日期"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("计划完成日期"), widget=forms.DateInput(attrs={"type": "date"}))


class RepresentativenessForm(_Form):
    epsilon = forms.FloatField(label=_("隐私预算 ε"), min_value=0.05, max_value=10, initial=1.0)


class RatingForm(_Form):
    candidate = forms.IntegerField(widget=forms.HiddenInput)
    score = forms.TypedChoiceField(
        label=_("满意度"),
        choices=[(5, _("非常满意")), (4, _("满意")), (3, _("基本满意")), (2, _("不满意")), (1, _("非常不满意"))],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("评价意见"), max_length=500, required=False)


class AskForm(_Form):
    text = forms.CharField(label=_("您的问题"), max_length=300)
    contact = forms.CharField(
        label=_("联系方式（转人工时使用）"), max_length=128, required=False, help_text=_("未登录时请留下手机号码")
    )


class QuestionReplyForm(_Form):
    reply = forms.CharField(label=_("人工答复"), widget=forms.Textarea(attrs=_TEXTAREA))


class RecommendForm(_Form):
    life_event = forms.ChoiceField(label=_("主题"), choices=[("", _("请选择")), *LifeEvent.choices], required=False)
