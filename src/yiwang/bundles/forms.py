"""Django forms for every POST of the 一件事 pages: the merged form, the correction, withdrawal, the designer.

The answers are a :class:`~yiwang.applications.forms_data.SchemaForm` of the bundle's merged schema (多表合一,
``merging.merge_forms``); these forms add the page's own fields. A service's DomainError lands on the field it names.
"""

from __future__ import annotations

from typing import Any

from django import forms

from yiwang.applications.forms import ApplyForm, add_domain_error
from yiwang.applications.forms_data import SchemaForm, schema_form
from yiwang.bundles.merging import MergedForm, MergedMaterial

__all__ = [
    "BundleApplyForm",
    "DesignForm",
    "WithdrawForm",
    "add_domain_error",
    "bundle_apply_form",
    "correction_form",
]


class BundleApplyForm(SchemaForm):
    """The merged form of a bundle, one file field per asked material (``material_<n>``), key and principal."""

    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    on_behalf_of = forms.CharField(required=False, max_length=20)

    def __init__(
        self,
        data: Any = None,
        files: Any = None,
        *,
        slots: dict[str, MergedMaterial],
        prefilled: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(ApplyForm.with_prefilled(data, prefilled), files, **kwargs)
        self.slots = slots
        for slot, material in slots.items():
            self.fields[slot] = forms.FileField(required=False, label=material.name)

    def uploads(self) -> dict[str, Any]:
        """Merged material key → the uploaded file."""
        return {m.key: self.cleaned_data[slot] for slot, m in self.slots.items() if self.cleaned_data.get(slot)}


def bundle_apply_form(merged: MergedForm) -> type[BundleApplyForm]:
    return schema_form(merged.schema, base=BundleApplyForm)  # type: ignore[return-value]


class _CorrectionForm(SchemaForm):
    """补正 of a whole bundle: the merged answers once more; the registry's (免填) are not the applicant's to change."""

    def __init__(self, *args: Any, prefilled: dict[str, Any] | None = None, **kwargs: Any) -> None:
        data = ApplyForm.with_prefilled(args[0] if args else kwargs.pop("data", None), prefilled)
        super().__init__(data, *args[1:], **kwargs)


def correction_form(merged: MergedForm) -> type[SchemaForm]:
    return schema_form(merged.schema, base=_CorrectionForm)


class WithdrawForm(forms.Form):
    """撤回 of every part still being handled, with an optional reason."""

    withdraw = forms.CharField()
    reason = forms.CharField(required=False, max_length=200)

    @staticmethod
    def is_posted(data: Any) -> bool:
        """Whether the status page's POST is a withdrawal (the correction form shares the page)."""
        return "withdraw" in data


class DesignForm(forms.Form):
    """One change to a bundle's design: add or remove an item, set its prerequisites, publish or take it down."""

    ACTIONS = ("add", "remove", "depends", "publish", "unpublish")

    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    item = forms.IntegerField(required=False, min_value=1)
    bundle_item = forms.IntegerField(required=False, min_value=1)
    depends_on = forms.TypedMultipleChoiceField(required=False, coerce=int, choices=())

    def __init__(self, *args: Any, bundle_item_pks: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["depends_on"] = forms.TypedMultipleChoiceField(
            required=False, coerce=int, choices=[(pk, pk) for pk in bundle_item_pks]
        )
