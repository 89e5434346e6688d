"""Officials' pages of 督查督办: one map and one table (一图一表), an item with its colours and rectification,
the colour rules, exports."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.accounts.permissions import acts_for
from yiwang.accounts.scopes import user_scopes
from yiwang.core.errors import DomainError
from yiwang.supervision import exports, selectors, services
from yiwang.supervision.forms import (
    EvidenceForm,
    ExcelImportForm,
    IssueOrderForm,
    PeriodicReportForm,
    ReportForm,
    ReviewForm,
    RulesForm,
)
from yiwang.supervision.models import ColourRuleSet, Item, PeriodicReport


def _filtered(request: AuthedRequest):
    items = selectors.items_for(request.user)
    for key, lookup in (
        ("division", "division__code__startswith"),
        ("department", "responsible_id"),
        ("category", "category"),
        ("colour", "current_colour__colour"),
    ):
        value = request.GET.get(key, "").strip()
        if value:
            items = items.filter(**{lookup: value})
    return items


def _tiles(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The schematic map: each county a tile on a grid (4 wide) in code order, coloured by its share of red."""
    tiles = []
    for n, row in enumerate(sorted(regions, key=lambda r: str(r["key"]))):
        share = round(100 * row["red"] / row["total"], 1) if row["total"] else 0
        tiles.append(
            {
                "x": n % 4,
                "y": n // 4,
                "name": row["name"],
                "code": row["key"],
                "red_share": share,
                "red": row["red"],
                "yellow": row["yellow"],
                "green": row["green"],
            }
        )
    return tiles


@official_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    items = _filtered(request)
    table = selectors.one_table(items)
    listing = items.select_related("responsible", "division", "current_colour").order_by("code")[:200]
    chart = {
        "tiles": _tiles(table["region"]),
        "totals": table["totals"],
        "labels": {"green": _("绿码"), "yellow": _("黄码"), "red": _("红码"), "share": _("红码占比（%）")},
    }
    return render(
        request,
        "supervision/workbench/dashboard.html",
        {"table": table, "items": listing, "chart": chart, "query": request.GET.urlencode()},
    )


def _item_or_404(request: AuthedRequest, pk: int) -> Item:
    item = selectors.items_for(request.user).select_related("responsible", "lead", "division").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


@official_required
def item(request: AuthedRequest, pk: int) -> HttpResponse:
    it = _item_or_404(request, pk)
    order = it.rectifications.filter(state__in=["open", "submitted", "rejected"]).first()
    if request.method == "POST":
        _item_post(request, it, order)
        return redirect("supervision:workbench:item", it.pk)
    history = [
        (record, services.describe_reason(record))
        for record in it.colour_history.select_related("rule_set").order_by("-computed_at", "-pk")[:24]
    ]
    current = getattr(it, "current_colour", None)
    return render(
        request,
        "supervision/workbench/item.html",
        {
            "item": it,
            "current": current,
            "reason": services.describe_reason(current.record) if current else None,
            "history": history,
            "reports": it.reports.order_by("-month")[:24],
            "milestones": it.milestones.all(),
            "order": order,
            "orders": it.rectifications.all(),
            "is_lead": acts_for(request.user, it.lead),
            "is_responsible": acts_for(request.user, it.responsible),
            "report_form": ReportForm(initial={"month": timezone.localdate()}),
            "issue_form": IssueOrderForm(),
            "evidence_form": EvidenceForm(),
            "review_form": ReviewForm(),
        },
    )


def _item_post(request: AuthedRequest, it: Item, order) -> None:
    action = request.POST.get("action", "")
    forms_by_action = {"report": ReportForm, "issue": IssueOrderForm, "evidence": EvidenceForm, "review": ReviewForm}
    form_class = forms_by_action.get(action)
    if form_class is None:
        messages.error(request, _("未知操作"))
        return
    form = form_class(request.POST)
    if not form.is_valid():
        labels = {name: field.label for name, field in form.fields.items()}
        problems = [f"{labels.get(name, '')}{' '.join(map(str, errors))}" for name, errors in form.errors.items()]
        messages.error(request, "；".join(problems))
        return
    data = form.cleaned_data
    try:
        if action == "report":
            month = data.pop("month")
            services.submit_report(actor=request.user, item=it, month=month, data=data)
            services.recompute_colours(item_ids=[it.pk])
            messages.success(request, _("已报送，颜色已重新计算"))
        elif action == "issue":
            services.issue_rectification(
                actor=request.user,
                item=it,
                working_days=data["working_days"],
                evidence_required=data["evidence_required"],
            )
            messages.success(request, _("整改单已下达"))
        elif order is None:
            messages.error(request, _("该事项没有未销号的整改单"))
        elif action == "evidence":
            services.submit_rectification(actor=request.user, order=order, evidence=data["evidence"])
            messages.success(request, _("整改佐证已提交"))
        elif data["decision"] == "accept":
            services.accept_rectification(actor=request.user, order=order, note=data["note"])
            messages.success(request, _("整改已销号"))
        else:
            services.reject_rectification(actor=request.user, order=order, note=data["note"])
            messages.success(request, _("已退回重改"))
    except DomainError as exc:
        messages.error(request, str(exc.message))


@official_required
def rules(request: AuthedRequest) -> HttpResponse:
    in_force = ColourRuleSet.objects.filter(in_force=True).first()
    form = RulesForm(request.POST or None, initial={"rules": in_force.rules if in_force else ""})
    if request.method == "POST" and form.is_valid():
        try:
            rule_set = services.publish_colour_rules(
                actor=request.user, rules=form.cleaned_data["rules"], note=form.cleaned_data["note"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("第 %(v)d 版规则已生效，全部颜色已重新计算") % {"v": rule_set.version})
            return redirect("supervision:workbench:rules")
    return render(
        request, "supervision/workbench/rules.html", {"form": form, "versions": ColourRuleSet.objects.all()[:20]}
    )


@official_required
def import_reports(request: AuthedRequest) -> HttpResponse:
    form = ExcelImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = services.import_reports_excel(actor=request.user, file=form.cleaned_data["file"])
        except DomainError as exc:
            form.add_error("file", str(exc.message))
        else:
            services.recompute_colours()
            messages.success(request, _("已导入 %(n)d 条月度报送") % {"n": count})
            return redirect("supervision:workbench:dashboard")
    return render(request, "supervision/workbench/import.html", {"form": form, "columns": services.REPORT_COLUMNS})


@official_required
def export_xlsx(request: AuthedRequest) -> HttpResponse:
    items = _filtered(request)
    listing = list(items.select_related("responsible", "lead", "division", "current_colour").order_by("code"))
    body = exports.table_xlsx(listing, selectors.one_table(items))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="supervision.xlsx"'
    return response


@official_required
def export_pdf(request: AuthedRequest) -> HttpResponse:
    body = exports.table_pdf(selectors.one_table(_filtered(request)), title=_("督查事项一张表"))
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="supervision.pdf"'
    return response


def _require_city_supervisor(request: AuthedRequest) -> None:
    """Periodic reports cover the whole city: officials with a city-wide scope (or administrators) see them."""
    if not request.user.is_administrator and not any(len(s.division_prefix) <= 4 for s in user_scopes(request.user)):
        raise PermissionDenied


@official_required
def reports(request: AuthedRequest) -> HttpResponse:
    _require_city_supervisor(request)
    form = PeriodicReportForm(request.POST or None, initial={"kind": "weekly", "day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            report = services.generate_periodic_report(kind=form.cleaned_data["kind"], day=form.cleaned_data["day"])
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("已生成%(report)s") % {"report": report})
            return redirect("supervision:workbench:report", report.pk)
    listing = PeriodicReport.objects.all()[:60]
    return render(request, "supervision/workbench/reports.html", {"form": form, "reports": listing})


@official_required
def report(request: AuthedRequest, pk: int) -> HttpResponse:
    _require_city_supervisor(request)
    found = PeriodicReport.objects.filter(pk=pk).first()
    if found is None:
        raise Http404
    fmt = request.GET.get("format", "")
    if fmt in ("pdf", "xlsx"):
        name = f"supervision-{found.kind}-{found.period_start:%Y%m%d}.{fmt}"
        if fmt == "pdf":
            response = HttpResponse(exports.periodic_report_pdf(found), content_type="application/pdf")
        else:
            response = HttpResponse(
                exports.periodic_report_xlsx(found),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "supervision/workbench/report.html", {"report": found, "body": found.body})
