"""Forms of window intake and 帮代办: who the applicant is (and for which item), then the code they read out."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.catalog.models import ItemStatus, ServiceItem
from yiwang.channels.models import Confirmation


def items_for(helper: User, kind: str) -> QuerySet[ServiceItem]:
    """The person items a helper may enter: a window official's departments' items; any item for a 帮代办员."""
    items = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, audience__in=["person", "both"]).select_related(
        "department", "division"
    )
    if kind == Confirmation.Kind.WINDOW and not helper.is_administrator:
        now = timezone.now()
        departments = helper.assignments.filter(role__code="acceptor", valid_from__lte=now).values("department")
        items = items.filter(department__in=departments)
    return items.order_by("name", "division_id")


class ItemChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.name}（{obj.department.name}）"


class StartForm(forms.Form):
    """The walk-in (or the resident at home): the item, and their identity as on their ID card."""

    item = ItemChoiceField(label=_("办理事项"), queryset=ServiceItem.objects.none(), empty_label=_("请选择事项"))
    id_number = forms.CharField(label=_("公民身份号码"), max_length=18, min_length=18)
    name = forms.CharField(label=_("姓名"), max_length=64)

    def __init__(self, *args: Any, helper: User, kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items_for(helper, kind)  # type: ignore[attr-defined]
        self.fields["item"].widget.attrs["class"] = "form-select"
        self.fields["id_number"].widget.attrs.update({"class": "form-control", "autocomplete": "off"})
        self.fields["name"].widget.attrs.update({"class": "form-control", "autocomplete": "off"})


class CodeForm(forms.Form):
    """The six-digit code the applicant received by SMS and reads out or types on the pad."""

    code = forms.RegexField(
        label=_("申请人收到的短信验证码"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("验证码是 6 位数字")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update({"autocomplete": "one-time-code", "inputmode": "numeric"})
