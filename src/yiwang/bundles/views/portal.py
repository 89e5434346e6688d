"""Citizens' pages of 一件事: the published bundles, the merged form, a bundle's status."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import User
from yiwang.applications import intake
from yiwang.applications.delegation import principals_for
from yiwang.applications.forms_data import FormInvalid
from yiwang.applications.prefill import Prefilled, prefill
from yiwang.applications.views.portal import principal_for_page
from yiwang.bundles import services
from yiwang.bundles.forms import BundleApplyForm, WithdrawForm, bundle_apply_form, correction_form
from yiwang.bundles.merging import MergedForm, merge_forms, merge_materials
from yiwang.bundles.models import Bundle, BundleApplication
from yiwang.core.errors import Conflict, DomainError, NotFound


def catalogue(request: AuthedRequest) -> HttpResponse:
    bundles = Bundle.objects.filter(status=Bundle.Status.PUBLISHED).prefetch_related("items__item__department")
    mine = (
        BundleApplication.objects.filter(Q(submitted_by=request.user) | Q(on_behalf_of=request.user))
        .select_related("bundle")
        .order_by("-submitted_at")[:50]
        if request.user.is_authenticated
        else []
    )
    return render(request, "bundles/list.html", {"bundles": bundles, "mine": mine})


def _fields(form: MergedForm, filled: dict[str, Prefilled], values: dict[str, Any], errors: dict[str, str]) -> list:
    return [
        {
            "name": name,
            "title": f.spec.get("title", name),
            "spec": f.spec,
            "required": f.required,
            "prefilled": name in filled,
            "source": filled[name].source if name in filled else "",
            "value": filled[name].value if name in filled else values.get(name, ""),
            "error": errors.get(name, ""),
            "items": f.item_names,
        }
        for name, f in form.fields.items()
    ]


@login_required
def apply(request: AuthedRequest, code: str) -> HttpResponse:
    bundle = get_object_or_404(Bundle, code=code, status=Bundle.Status.PUBLISHED)
    items = services.ordered_items(services.bundle_items(bundle))
    principals = principals_for(request.user, [bi.item for bi in items])
    principal = principal_for_page(request, principals)
    applicant = principal or request.user
    try:
        merged = merge_forms(items)
        holder_id, _name = intake.applicant_identity(applicant)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("bundles:list")
    materials = services.asked_materials(merge_materials(items), holder_id)
    slots = {f"material_{i}": m for i, (m, _cert) in enumerate(materials)}
    filled = prefill(merged.schema, applicant)
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    key = uuid.uuid4().hex
    status = 200
    if request.method == "POST":
        form = bundle_apply_form(merged)(
            request.POST, request.FILES, slots=slots, prefilled={n: p.value for n, p in filled.items()}
        )
        values = dict(form.data.items())
        key = str(form["idempotency_key"].value() or key)
        submitted, errors, status = (
            _submit(request, bundle, form, principal) if form.is_valid() else (None, form.field_errors(), 200)
        )
        if submitted is not None:
            return redirect("bundles:status", number=submitted.number)
    material_rows = [
        {"slot": slot, "material": m, "by_certificate": by_cert, "error": errors.get(f"material:{m.key}", "")}
        for (slot, m), (_m, by_cert) in zip(slots.items(), materials, strict=True)
    ]
    general = [v for k, v in errors.items() if k not in merged.fields and not k.startswith("material:")]
    return render(
        request,
        "bundles/apply.html",
        {
            "bundle": bundle,
            "items": items,
            "fields": _fields(merged, filled, values, errors),
            "materials": material_rows,
            "key": key,
            "principals": principals,
            "principal": principal,
            "general_error": "；".join(general),
        },
        status=status,
    )


def _submit(
    request: AuthedRequest, bundle: Bundle, form: BundleApplyForm, principal: User | None
) -> tuple[BundleApplication | None, dict[str, str], int]:
    """Submit the bundle from a valid page form: (the bundle application, or None and the refusals by field)."""
    try:
        submitted = services.submit_bundle(
            bundle,
            user=request.user,
            form_data=form.answers(),
            uploads=form.uploads(),
            idempotency_key=form.cleaned_data["idempotency_key"],
            on_behalf_of=principal,
        )
    except FormInvalid as exc:
        return None, exc.errors, 200
    except DomainError as exc:  # a reused idempotency key with another body is a 409
        return None, {exc.field or "__all__": str(exc.message)}, exc.status_code if isinstance(exc, Conflict) else 200
    messages.success(request, _("申请已提交，联办编号 %(no)s") % {"no": submitted.number})
    return submitted, {}, 200


def _resubmit(request: AuthedRequest, application: BundleApplication) -> tuple[dict[str, str], dict[str, Any]]:
    """补正 from the status page's form: (the refusals by field, the values posted to show them again)."""
    merged = merge_forms(services.ordered_items([c.bundle_item for c in services.children_of(application)]))
    applicant = application.on_behalf_of or application.submitted_by
    filled = {n: p.value for n, p in prefill(merged.schema, applicant).items()}
    form = correction_form(merged)(request.POST, prefilled=filled)
    if not form.is_valid():
        return form.field_errors(), dict(form.data.items())
    try:
        services.resubmit_bundle(application, actor=request.user, form_data=form.answers())
    except FormInvalid as exc:
        return exc.errors, dict(form.data.items())
    except DomainError as exc:
        return {"__all__": str(exc.message)}, dict(form.data.items())
    return {}, {}


@login_required
def status(request: AuthedRequest, number: str) -> HttpResponse:
    try:
        application = services.visible_bundle_application(request.user, number)
    except NotFound as exc:
        raise Http404 from exc
    is_applicant = intake.is_applicant(application, request.user)
    errors: dict[str, str] = {}
    if request.method == "POST" and is_applicant and WithdrawForm.is_posted(request.POST):
        withdrawal = WithdrawForm(request.POST)
        try:
            reason = withdrawal.cleaned_data["reason"] if withdrawal.is_valid() else ""
            services.withdraw_bundle(application, actor=request.user, reason=reason)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("已撤回，未办结的事项不再办理"))
        return redirect("bundles:status", number=application.number)
    posted: dict[str, Any] = {}
    if request.method == "POST" and is_applicant:
        errors, posted = _resubmit(request, application)
        if not errors:
            messages.success(request, _("已补正并重新提交，各部门将继续办理"))
            return redirect("bundles:status", number=application.number)
    application = services.advance_bundle(application)
    children = services.children_of(application)
    corrections = services.correction_list(children)
    fields: list = []
    if corrections and is_applicant:
        form = merge_forms(services.ordered_items([c.bundle_item for c in children]))
        applicant = application.on_behalf_of or application.submitted_by
        values = {**application.form_data, **posted}
        fields = _fields(form, prefill(form.schema, applicant), values, errors)
    return render(
        request,
        "bundles/status.html",
        {
            "application": application,
            "rows": services.status_rows(children, withdrawn=application.withdrawn_at is not None),
            "can_withdraw": is_applicant
            and application.withdrawn_at is None
            and application.state in services.OPEN_STATES,
            "corrections": corrections,
            "fields": fields,
            "general_error": errors.get("__all__", ""),
            "results": services.results(children) if application.state == "completed" else [],
            "is_applicant": is_applicant,
        },
    )
