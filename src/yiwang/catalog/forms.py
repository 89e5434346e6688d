"""Forms of the catalogue's pages: the search of the service catalogue (办事指南检索) and the 秒批 rule editor."""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.catalog.approval import application_fact_schema
from yiwang.catalog.models import Audience, ItemStatus, LifeEvent, ServiceItem
from yiwang.core.identifiers import is_valid_id_number, normalize_identifier
from yiwang.core.keys import index_of
from yiwang.registries.selectors import entities_for, persons_for
from yiwang.rules import RuleError, load_rule_set


class ServiceSearchForm(forms.Form):
    """A search box and four filters; every field is optional, so an empty form lists the catalogue."""

    q = forms.CharField(label=_("搜索事项"), max_length=100, required=False)
    department = forms.ChoiceField(label=_("实施部门"), required=False)
    division = forms.ChoiceField(label=_("所在区域"), required=False)
    audience = forms.ChoiceField(
        label=_("服务对象"),
        required=False,
        choices=[("", _("全部")), (Audience.PERSON, _("个人办事")), (Audience.ENTERPRISE, _("企业办事"))],
    )
    life_event = forms.ChoiceField(label=_("主题"), required=False, choices=[("", _("全部")), *LifeEvent.choices])

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        published = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED)
        departments = Department.objects.filter(pk__in=published.values("department_id")).order_by(
            "division_id", "code"
        )
        divisions = Division.objects.filter(pk__in=published.values("division_id")).order_by("code")
        cast(forms.ChoiceField, self.fields["department"]).choices = [
            ("", _("全部部门")),
            *((d.code, d.name) for d in departments),
        ]
        cast(forms.ChoiceField, self.fields["division"]).choices = [
            ("", _("全部区域")),
            *((d.code, d.name) for d in divisions),
        ]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        self.fields["q"].widget.attrs.update(
            {"type": "search", "placeholder": _("例如：食品经营许可、开饭店、结婚登记"), "autocomplete": "off"}
        )


class ApprovalRulesForm(forms.Form):
    """The 秒批 rule editor: the draft rules, what to do with them, and an applicant in scope to try them on.

    The rules are checked against the item's facts; their problems (each with its path) are kept in ``problems``.
    """

    ACTIONS = [("validate", _("校验")), ("test", _("试算")), ("save", _("保存并发布"))]

    rules = forms.CharField(label=_("规则"), required=False, strip=False, widget=forms.Textarea)
    action = forms.ChoiceField(label=_("操作"), choices=ACTIONS, required=False)
    applicant = forms.CharField(label=_("申请人公民身份号码或统一社会信用代码"), max_length=32, required=False)
    form_data = forms.CharField(label=_("表单数据（JSON）"), required=False)

    def __init__(self, *args: Any, item: ServiceItem, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.user = user
        self.problems: list[dict[str, str]] = []

    def clean_rules(self) -> str:
        text: str = self.cleaned_data["rules"]
        if text.strip():
            try:
                load_rule_set(text, application_fact_schema(self.item))
            except RuleError as exc:
                self.problems = [p.as_dict() for p in exc.problems]
                raise forms.ValidationError(_("规则有误"), code="rules") from exc
        return text

    def clean_form_data(self) -> dict[str, Any]:
        try:
            data = json.loads(self.cleaned_data["form_data"] or "{}")
        except json.JSONDecodeError:
            data = None
        if not isinstance(data, dict):
            raise forms.ValidationError(_("表单数据应为 JSON 对象"), code="json")
        return data

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["action"] = data.get("action") or "validate"
        if data["action"] == "test" and "applicant" in data:
            ident = normalize_identifier(data["applicant"])
            if is_valid_id_number(ident):
                in_scope = persons_for(self.user).filter(id_number_index=index_of(ident)).exists()
            else:
                in_scope = entities_for(self.user).filter(uscc=ident).exists()
            if not in_scope:
                self.add_error("applicant", _("辖区内未找到该申请人（请输入公民身份号码或统一社会信用代码）"))
            data["applicant"] = ident
        return data
