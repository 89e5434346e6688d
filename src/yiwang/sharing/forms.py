"""Forms for every POST of the sharing pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division
from yiwang.sharing.models import Grade, OperationAgreement, Resource, SharingType


class StyledForm(forms.Form):
    """Bootstrap 5 classes on every widget, as the portal and workbench layouts expect."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self) -> None:
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput):
                continue
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            classes = widget.attrs.get("class", "").split()
            if css not in classes:
                widget.attrs["class"] = " ".join([*classes, css])


class GrantRequestForm(StyledForm):
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


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("approve", _("同意共享")), ("refuse", _("不予共享"))])
    reason = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class RevokeForm(StyledForm):
    reason = forms.CharField(label=_("撤销理由"), max_length=500)


class StatisticForm(StyledForm):
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


class DatasetApplicationForm(StyledForm):
    purpose = forms.CharField(label=_("用途"), max_length=500)


class SecureSumOpenForm(StyledForm):
    description = forms.CharField(label=_("统计口径"), max_length=200)
    unit = forms.CharField(label=_("计量单位"), max_length=16, required=False)
    parties = forms.ModelMultipleChoiceField(
        label=_("其他参与部门"),
        queryset=Department.objects.order_by("division_id", "code"),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )


class SecureSumContributeForm(StyledForm):
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


class DivisionField(forms.CharField):
    """A division by its code (区划代码)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("所属区划代码"))
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> Division:
        code = super().clean(value)
        division = Division.objects.filter(code=code).first()
        if division is None:
            raise forms.ValidationError(_("区划代码不存在：%(code)s") % {"code": code})
        return division


class ThematicDefineForm(StyledForm):
    """A thematic database by schema: one field a line, ``name,title,type,source_kind,grade,mask``."""

    code = forms.SlugField(label=_("编码"), max_length=64, help_text=_("小写英文、数字和连字符，例如 food-licence"))
    name = forms.CharField(label=_("名称"), max_length=128)
    grade = forms.ChoiceField(label=_("数据分级"), choices=Grade.choices, initial=Grade.GENERAL)
    schema = forms.CharField(
        label=_("字段定义"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "每行一个字段：字段名,中文名称,类型,权威来源部门类别,分级,脱敏规则（后三项可省略）。第一行为记录标识。"
            "类型：string、integer、decimal、date、boolean、code；脱敏：name、id_number、phone、address、full。"
        ),
    )

    def clean_schema(self) -> list[dict[str, str]]:
        keys = ("name", "title", "type", "source_kind", "grade", "mask")
        fields = []
        for number, line in enumerate(self.cleaned_data["schema"].splitlines(), start=1):
            cells = [c.strip() for c in line.replace("，", ",").split(",")]
            if not any(cells):
                continue
            if len(cells) < 3 or len(cells) > len(keys):
                raise forms.ValidationError(
                    _("第 %(n)d 行须有 3 至 6 项：字段名,中文名称,类型[,来源,分级,脱敏]") % {"n": number}
                )
            spec = {k: v for k, v in zip(keys, cells, strict=False) if v}
            fields.append(spec)
        return fields


class ThematicRowForm(StyledForm):
    """One record of a thematic database: the division, then a field for each of the schema's fields."""

    division = DivisionField()

    def __init__(self, *args: Any, schema: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for position, spec in enumerate(schema):
            self.fields[f"f_{spec['name']}"] = forms.CharField(
                label=spec.get("title") or spec["name"], required=position == 0 or bool(spec.get("required"))
            )
        self.style_widgets()

    def record(self) -> dict[str, str]:
        return {k.removeprefix("f_"): v for k, v in self.cleaned_data.items() if k.startswith("f_")}


class ThematicImportForm(StyledForm):
    division = DivisionField()
    file = forms.FileField(
        label=_("CSV 文件"), help_text=_("UTF-8 编码，表头为字段名；整批校验，有一行出错则全部不写入。")
    )

    def clean_file(self) -> str:
        """The uploaded file's text."""
        try:
            return str(self.cleaned_data["file"].read().decode("utf-8-sig"))
        except UnicodeDecodeError as exc:
            raise forms.ValidationError(_("文件须为 UTF-8 编码的 CSV")) from exc


class ReturnScheduleForm(StyledForm):
    resource = forms.ModelChoiceField(label=_("资源"), queryset=Resource.objects.filter(kind=Resource.Kind.DATA))
    division = DivisionField(label=_("回流区划代码"))
    recipient = forms.ModelChoiceField(label=_("接收部门"), queryset=Department.objects.order_by("division_id", "code"))
    items = forms.CharField(label=_("信息项（逗号分隔的编码）"), max_length=500)
    every_days = forms.IntegerField(label=_("周期（天）"), min_value=1, max_value=366, initial=7)
    first_on = forms.DateField(label=_("首次回流日期"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def field_codes(self) -> list[str]:
        return [f.strip() for f in self.cleaned_data["items"].replace("，", ",").split(",") if f.strip()]


class ReturnRunForm(StyledForm):
    """Deliver a return now (the button's form: nothing to fill)."""


class ReceiptCheckForm(StyledForm):
    extract = forms.IntegerField(widget=forms.HiddenInput)
    file = forms.FileField(label=_("收到的文件"))


class OperationApplyForm(StyledForm):
    resource = forms.ModelChoiceField(
        label=_("资源"), queryset=Resource.objects.filter(sharing_type=SharingType.CONDITIONAL)
    )
    operator_name = forms.CharField(label=_("运营单位"), max_length=128)
    product = forms.CharField(label=_("产品名称"), max_length=128)
    output = forms.ChoiceField(label=_("输出形式"), choices=OperationAgreement.Output.choices)


class OperationDecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label=_("审核结果"), choices=[("approve", _("同意并签署协议")), ("refuse", _("不予授权"))]
    )
    agreement_no = forms.CharField(label=_("协议编号"), max_length=64, required=False)
    fee_yuan = forms.DecimalField(
        label=_("费用（元）"), min_value=Decimal("0"), max_digits=12, decimal_places=2, required=False
    )
    reason = forms.CharField(label=_("审核意见"), max_length=500, required=False)


class OperationEndForm(StyledForm):
    reason = forms.CharField(label=_("终止理由"), max_length=500)


class DatasetDecisionForm(StyledForm):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("approve", _("同意开放")), ("refuse", _("不予开放"))])
    agreement_no = forms.CharField(label=_("开放利用协议编号"), max_length=64, required=False)
