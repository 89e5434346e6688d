"""The search form of the service catalogue page (办事指南检索)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division
from yiwang.catalog.models import Audience, ItemStatus, LifeEvent, ServiceItem


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
