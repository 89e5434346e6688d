"""The administrators' bundle designer (一件事设计): items, dependencies, the merged form, publishing."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.bundles import services
from yiwang.bundles.forms import DesignForm
from yiwang.bundles.merging import MergeConflict, MergedForm, merge_forms, merge_materials
from yiwang.bundles.models import Bundle, BundleItem
from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import DomainError


@official_required
def design_index(request: AuthedRequest) -> HttpResponse:
    if not request.user.is_administrator:
        raise Http404
    bundles = Bundle.objects.prefetch_related("items__item")
    return render(request, "bundles/workbench/design_index.html", {"bundles": bundles})


@official_required
def design(request: AuthedRequest, code: str) -> HttpResponse:
    if not request.user.is_administrator:
        raise Http404
    bundle = get_object_or_404(Bundle, code=code)
    error = ""
    if request.method == "POST":
        form = DesignForm(request.POST, bundle_item_pks=list(bundle.items.values_list("pk", flat=True)))
        if not form.is_valid():
            raise Http404
        action = form.cleaned_data["action"]
        try:
            if action == "add":
                item = get_object_or_404(ServiceItem, pk=form.cleaned_data["item"])
                services.add_item(bundle, item, actor=request.user)
            elif action in {"remove", "depends"}:
                bundle_item = get_object_or_404(BundleItem, pk=form.cleaned_data["bundle_item"], bundle=bundle)
                if action == "remove":
                    services.remove_item(bundle_item, actor=request.user)
                else:
                    chosen = BundleItem.objects.filter(bundle=bundle, pk__in=form.cleaned_data["depends_on"])
                    services.set_dependencies(bundle_item, chosen, actor=request.user)
            elif action == "publish":
                services.publish_bundle(bundle, actor=request.user)
            elif action == "unpublish":
                services.unpublish_bundle(bundle, actor=request.user)
        except DomainError as exc:
            error = str(exc.message)
        else:
            messages.success(request, _("已保存"))
            return redirect("bundles:workbench:design", code=bundle.code)
    items = services.bundle_items(bundle)
    order: list[BundleItem] = []
    merged: MergedForm | None = None
    problems: list[str] = []
    try:
        order = services.ordered_items(items)
        merged = merge_forms(order)
    except MergeConflict as exc:
        problems = [message for _field, message in exc.problems]
    except DomainError as exc:
        problems = [str(exc.message)]
    in_bundle = {bi.item_id for bi in items}
    candidates = ServiceItem.objects.filter(status="published").exclude(pk__in=in_bundle).select_related("department")
    return render(
        request,
        "bundles/workbench/design.html",
        {
            "bundle": bundle,
            "rows": [{"bi": bi, "deps": {d.pk for d in bi.depends_on.all()}} for bi in items],
            "items": items,
            "order": order,
            "merged": merged,
            "materials": merge_materials(order) if order else [],
            "problems": problems,
            "error": error,
            "candidates": candidates[:500],
        },
        status=422 if error else 200,
    )
