"""Django forms for every POST of the 办件 pages, citizens' and officials'.

The answers of an item's form are a :class:`~yiwang.applications.forms_data.SchemaForm` built from the item's form
schema; these forms add the page's own fields (idempotency key, principal, materials, the step to take). A form's
errors are also the service's: a :class:`~yiwang.core.errors.DomainError` lands on the field it names
(:func:`add_domain_error`).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from yiwang.applications.forms_data import SchemaForm, schema_form
from yiwang.applications.models import Rating
from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import DomainError

__all__ = [
    "ApplicantStepForm",
    "ApplyForm",
    "BulkAcceptForm",
    "CaseStepForm",
    "DelegationGrantForm",
    "DelegationRevokeForm",
    "PrincipalForm",
    "RateForm",
    "RectificationForm",
    "add_domain_error",
    "apply_form",
    "changes_form",
]


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """The service's refusal on the field it names, or on the whole form."""
    field = exc.field if exc.field in form.fields and not form.fields[exc.field].widget.is_hidden else None
    form.add_error(field, str(exc.message))


class PrincipalForm(forms.Form):
    """For whom a delegate applies (授权代办): the principal's user id, from the form or the ``?for=`` link."""

    on_behalf_of = forms.CharField(required=False, max_length=20)

    def principal_id(self) -> str:
        return self.cleaned_data.get("on_behalf_of", "") if self.is_valid() else ""


class ApplyForm(SchemaForm):
    """The apply page: the item's answers, one file field per material, the idempotency key, the principal."""

    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    on_behalf_of = forms.CharField(required=False, max_length=20)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        item: ServiceItem,
        prefilled: dict[str, Any] | None = None,
        **kw: Any,
    ) -> None:
        super().__init__(self.with_prefilled(data, prefilled), files, **kw)
        self.item = item
        for material in item.materials.all():
            self.fields[f"material_{material.pk}"] = forms.FileField(required=False, label=material.name)

    @staticmethod
    def with_prefilled(data: Any, prefilled: dict[str, Any] | None) -> Any:
        """The posted data with the registry's values over the bound fields (免填: whatever the page sent)."""
        if data is None or not prefilled:
            return data
        data = data.copy()
        for name, value in prefilled.items():
            data[name] = value
        return data

    def uploads(self) -> dict[int, Any]:
        """Material requirement pk → the uploaded file, for the materials uploaded."""
        return {
            m.pk: self.cleaned_data[f"material_{m.pk}"]
            for m in self.item.materials.all()
            if self.cleaned_data.get(f"material_{m.pk}")
        }


def apply_form(item: ServiceItem) -> type[ApplyForm]:
    return schema_form(item.form_schema, base=ApplyForm)  # type: ignore[return-value]


def field_rows(
    item: ServiceItem, filled: dict[str, Any], values: dict[str, Any], errors: dict[str, str]
) -> list[dict[str, Any]]:
    """The apply form's fields as the page shows them: 免填 ones read-only with their source (``_field.html``)."""
    required = set(item.form_schema.get("required") or [])
    rows = []
    for name, spec in (item.form_schema.get("properties") or {}).items():
        p = filled.get(name)
        rows.append(
            {
                "name": name,
                "title": spec.get("title", name),
                "spec": spec,
                "required": name in required,
                "prefilled": p is not None,
                "source": p.source if p else "",
                "value": p.value if p else values.get(name, ""),
                "error": errors.get(name, ""),
            }
        )
    return rows


class _ChangesForm(forms.Form):
    """Corrected answers (补正), posted as ``f_<field>``: only the fields sent change; the service validates."""

    schema: dict[str, Any] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.schema.get("properties") or {}:
            self.fields[name] = forms.CharField(required=False, strip=False)

    def add_prefix(self, field_name: str) -> str:
        return f"f_{field_name}" if field_name in (self.schema.get("properties") or {}) else field_name

    def changes(self) -> dict[str, Any]:
        return {name: value for name, value in self.cleaned_data.items() if self.add_prefix(name) in self.data}


def changes_form(schema: dict[str, Any]) -> type[_ChangesForm]:
    return type("ChangesForm", (_ChangesForm,), {"schema": schema})


class ApplicantStepForm(forms.Form):
    """One step the applicant takes on their case (补正后重新提交, 撤回), with its note."""

    action = forms.ChoiceField(choices=())
    note = forms.CharField(required=False, max_length=2000)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"] = forms.ChoiceField(choices=[(a, a) for a in actions])


class RateForm(forms.Form):
    """好差评: a score of 1–5 and, for a bad one, the reason (the service enforces both)."""

    score = forms.TypedChoiceField(
        choices=Rating.Score.choices,
        coerce=int,
        error_messages={"required": _("评价应为 1 至 5"), "invalid_choice": _("评价应为 1 至 5")},
    )
    comment = forms.CharField(required=False, max_length=2000)

    @staticmethod
    def is_posted(data: Any) -> bool:
        """Whether the page's POST is this form's (the rating and the steps share the case page)."""
        return data.get("action") == "rate"


class DelegationGrantForm(forms.Form):
    delegate = forms.CharField(max_length=150, error_messages={"required": _("代办人账户不存在")})
    relationship = forms.CharField(required=False, max_length=64)
    valid_until = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"required": _("截止日期格式应为 YYYY-MM-DD"), "invalid": _("截止日期格式应为 YYYY-MM-DD")},
    )


class DelegationRevokeForm(forms.Form):
    revoke = forms.IntegerField(min_value=1)

    @staticmethod
    def is_posted(data: Any) -> bool:
        """Whether the page's POST is a revocation (the grant form shares the page)."""
        return "revoke" in data


class _Numbers(forms.Field):
    """Several application numbers (checkboxes of one name); the caller looks them up inside its scope."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in value or []]


class BulkAcceptForm(forms.Form):
    """Acceptance of several complete applications at once (a formal check each; never a decision on the merits)."""

    action = forms.ChoiceField(choices=[("accept", "accept")])
    selected = _Numbers(required=False)


class InboxFilterForm(forms.Form):
    """The inbox's filters (GET): search words, state, item, channel, deadline, and the sort order."""

    SORTS = [
        ("due", _("办结期限（最紧迫在前）")),
        ("oldest", _("提交时间（最早在前）")),
        ("newest", _("提交时间（最新在前）")),
        ("item", _("事项名称")),
    ]
    DEADLINES = [("", _("全部期限")), ("overdue", _("已超期")), ("soon", _("即将到期")), ("unaccepted", _("未受理"))]

    q = forms.CharField(label=_("搜索"), required=False, max_length=64, help_text=_("办件编号、申请人或事项名称"))
    state = forms.ChoiceField(label=_("状态"), required=False)
    item = forms.TypedChoiceField(label=_("事项"), required=False, coerce=int, empty_value=None)
    channel = forms.ChoiceField(label=_("办理渠道"), required=False)
    deadline = forms.ChoiceField(label=_("期限"), required=False, choices=DEADLINES)
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORTS)

    def __init__(self, *args: Any, items: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from yiwang.applications.lifecycle import State
        from yiwang.applications.models import Channel

        choices: dict[str, list[Any]] = {
            "state": [("", _("全部在办")), ("final", _("已办结、不予受理或撤回")), *State.choices],
            "item": [("", _("全部事项")), *items],
            "channel": [("", _("全部渠道")), *Channel.choices],
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control" if name == "q" else "form-select"
        cast(forms.TextInput, self.fields["q"].widget).input_type = "search"


class CaseStepForm(forms.Form):
    """One step an official takes on a case, with the reason and the list (补正 or 容缺), one item a line."""

    action = forms.ChoiceField(choices=())
    note = forms.CharField(required=False, max_length=2000)
    items = forms.CharField(required=False, max_length=5000)

    def __init__(self, *args: Any, actions: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"] = forms.ChoiceField(choices=[(a, a) for a in actions])

    def lines(self) -> list[str]:
        return [line for line in self.cleaned_data["items"].splitlines() if line.strip()]


class RectificationForm(forms.Form):
    """差评整改: the measures taken, or the follow-up with the applicant (and whether they were satisfied)."""

    case = forms.IntegerField(min_value=1)
    text = forms.CharField(required=False, max_length=5000, strip=False)
    satisfied = forms.BooleanField(required=False)
