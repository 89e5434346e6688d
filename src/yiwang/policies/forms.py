"""Forms of every POST of the 免申即享 pages, citizens' and officials'.

A form parses and checks the input; a service's ``DomainError`` becomes an error of the form on its field
(:meth:`ServiceForm.refused`), so that a page shows the rule next to the field it concerns. The rules of a policy
(YAML) are checked by the service; their problems, each with its path, are kept in ``problems``.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department
from yiwang.core.errors import DomainError
from yiwang.policies.models import Policy

T = TypeVar("T")

SAMPLE_RULES = """conditions:
  all:
    - {id: district, fact: district, op: eq, value: "330106", clause: "《办法》第二条"}
    - {id: revenue, fact: annual_revenue, op: ge, value: 10000000, clause: "《办法》第三条"}
amount:
  fixed: 10000
"""


class ServiceForm(forms.Form):
    """A form whose action is a service call; the call's ``DomainError`` lands on the form."""

    problems: list[dict[str, str]]
    refusal: DomainError | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.problems, self.refusal = [], None

    def refused(self, exc: DomainError) -> None:
        """Record a refusal: on its field when the form has it, else on the whole form; rule problems too."""
        self.refusal = exc
        self.problems = list(getattr(exc, "problems", None) or [])
        field = exc.field if exc.field in self.fields else None
        self.add_error(field, str(exc.message))

    def call(self, operation: Callable[[], T]) -> T | None:
        """Run ``operation`` (a service call) when the form is valid; on a ``DomainError``, record it; else ``None``."""
        if not self.is_valid():
            return None
        try:
            return operation()
        except DomainError as exc:
            self.refused(exc)
            return None

    def messages(self) -> list[str]:
        """Every error of the form as one line each (for pages that answer with a redirect)."""
        return [str(m) for errors in self.errors.values() for m in errors]


class ActionForm(ServiceForm):
    """A POST without fields (launch a run, push offers, export a batch, mark it paid): it carries the refusal."""


class RulesForm(ServiceForm):
    """The rules of a version (or of a sandbox draft), YAML text checked by the service."""

    rules = forms.CharField(label=_("规则"), required=False, strip=False)


class PolicyCreateForm(RulesForm):
    code = forms.CharField(label=_("政策编码"), max_length=64, required=False)
    title = forms.CharField(label=_("政策名称"), max_length=200, required=False)
    department = forms.ModelChoiceField(
        label=_("主管部门"),
        queryset=Department.objects.none(),
        error_messages={"required": _("请选择主管部门"), "invalid_choice": _("请选择主管部门")},
    )
    route = forms.ChoiceField(
        label=_("兑现方式"),
        choices=Policy.Route.choices,
        error_messages={"required": _("请选择兑现方式"), "invalid_choice": _("请选择兑现方式")},
    )
    budget_total = forms.DecimalField(
        label=_("资金预算（元）"),
        required=False,
        max_digits=16,
        decimal_places=2,
        error_messages={"invalid": _("请输入金额（元）")},
    )
    valid_from = forms.DateField(
        label=_("生效日期"), required=False, error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")}
    )
    valid_until = forms.DateField(
        label=_("截止日期"), required=False, error_messages={"invalid": _("日期格式应为 YYYY-MM-DD")}
    )
    legal_references = forms.CharField(label=_("政策依据"), required=False)

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"rules": SAMPLE_RULES, "route": Policy.Route.PROACTIVE, "budget_total": "0"})
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]

    def clean_budget_total(self) -> Decimal:
        return self.cleaned_data.get("budget_total") or Decimal(0)


class PolicyStatusForm(ServiceForm):
    action = forms.ChoiceField(choices=[("publish", _("发布政策")), ("retire", _("停止兑现"))])


class ObjectionResolveForm(ServiceForm):
    decision = forms.ChoiceField(
        choices=[("uphold", _("异议成立")), ("reject", _("异议不成立"))],
        error_messages={"required": _("请选择异议是否成立"), "invalid_choice": _("请选择异议是否成立")},
    )
    resolution = forms.CharField(label=_("处理意见"), max_length=500, required=False)


class OfferResponseForm(ServiceForm):
    """意愿确认: confirm with a bank account, or decline with an optional reason."""

    decision = forms.ChoiceField(
        choices=[("confirm", _("一键确认申领")), ("decline", _("放弃"))],
        error_messages={"required": _("请选择确认申领或放弃"), "invalid_choice": _("请选择确认申领或放弃")},
    )
    bank_account = forms.CharField(label=_("收款账号"), max_length=40, required=False)
    reason = forms.CharField(label=_("放弃理由"), max_length=200, required=False)


class ObjectionForm(ServiceForm):
    """异议 to a public notice: the enterprise concerned (USCC or name) and the reason."""

    uscc = forms.CharField(label=_("所涉企业统一社会信用代码"), max_length=18, required=False)
    subject = forms.CharField(label=_("或企业名称"), max_length=200, required=False)
    reason = forms.CharField(label=_("异议理由"), required=False)
