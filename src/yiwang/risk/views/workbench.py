"""Officials' pages of 一网统管 risk: class distribution and runs, a firm's risk page (explanation and graph),
the lead inbox and a lead's loop, groups under common control, addresses with many firms, objections."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for
from yiwang.core.errors import DomainError
from yiwang.core.workdays import WorkingDays
from yiwang.registries.credit import current_rating
from yiwang.registries.selectors import entities_for
from yiwang.risk import forms, selectors
from yiwang.risk.models import Alert, ClassificationRun, RiskScore
from yiwang.risk.services import alerts as alert_services
from yiwang.risk.services import classification, graph, objections

PAGE_SIZE = 50


def _fail(form: Any, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def _distribution(scores: Any) -> list[dict[str, Any]]:
    counts = dict(scores.values_list("risk_class").annotate(n=Count("pk")).values_list("risk_class", "n"))
    total = sum(counts.values()) or 1
    return [
        {"risk_class": c, "count": counts.get(c, 0), "share": round(100 * counts.get(c, 0) / total, 1)} for c in "ABCD"
    ]


@official_required
def home(request: AuthedRequest) -> HttpResponse:
    """Class distribution of the latest run, the monthly trend, the runs and each indicator's precision."""
    run = selectors.latest_run()
    scores = selectors.scores_for(request.user)
    distribution = _distribution(scores.filter(run=run)) if run else []
    runs = list(ClassificationRun.objects.select_related("model").order_by("-month")[:12])
    trend = []
    for r in reversed(runs):
        counts = dict(
            scores.filter(run=r).values_list("risk_class").annotate(n=Count("pk")).values_list("risk_class", "n")
        )
        trend.append({"month": str(r), **{c: counts.get(c, 0) for c in "ABCD"}})
    form = forms.RunForm(request.POST or None, initial={"month": timezone.localdate().replace(day=1)})
    regulators = [d for d in Department.objects.filter(kind=Department.Kind.MARKET_REGULATION).order_by("code")]
    department = next((d for d in regulators if acts_for(request.user, d, roles=classification.RUN_ROLES)), None)
    if request.method == "POST" and form.is_valid():
        if department is None:
            form.add_error(None, _("只有市场监管部门有评定权限的工作人员可以执行分类"))
        else:
            try:
                done = classification.run_classification(
                    form.cleaned_data["month"], department=department, actor=request.user
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(
                    request,
                    _("%(month)s 分类完成：%(n)s 户，生成线索 %(leads)s 条")
                    % {"month": done, "n": done.entities, "leads": done.leads_raised},
                )
                return redirect("risk:workbench:home")
    chart = {
        "distribution": [{"name": _("%s 类") % d["risk_class"], "value": d["count"]} for d in distribution],
        "trend": trend,
        "labels": {"months": _("月份"), "firms": _("户数")},
    }
    return render(
        request,
        "risk/workbench/home.html",
        {
            "run": run,
            "runs": runs,
            "distribution": distribution,
            "chart": chart,
            "form": form,
            "can_run": department is not None,
            "precision": alert_services.precision_by_quarter(selectors.alerts_in_divisions(request.user))[:40],
            "config": classification.config(),
            "top": scores.filter(run=run).select_related("entity").order_by("-score", "entity__uscc")[:20]
            if run
            else [],
        },
    )


@official_required
def entity(request: AuthedRequest, uscc: str) -> HttpResponse:
    """A firm's risk page: its class and why, month by month, its graph neighbourhood and its leads."""
    firm = selectors.entity_for(request.user, uscc)
    history = list(
        RiskScore.objects.filter(entity=firm).select_related("run", "run__model").order_by("-run__month")[:12]
    )
    score = history[0] if history else None
    neighbourhood = graph.neighbourhood(firm)
    return render(
        request,
        "risk/workbench/entity.html",
        {
            "entity": firm,
            "score": score,
            "history": history,
            "rating": current_rating(firm),
            "graph": neighbourhood,
            "graph_chart": {k: neighbourhood[k] for k in ("nodes", "links", "categories")},
            "alerts": selectors.alerts_in_divisions(request.user).filter(entity=firm),
            "own_alerts": set(selectors.alerts_for(request.user).filter(entity=firm).values_list("pk", flat=True)),
            "explained": classification.readable(score.explanation) if score else None,
        },
    )


@official_required
def alerts(request: AuthedRequest) -> HttpResponse:
    """The lead inbox (线索收件箱) with filters by status, deadline colour, indicator and firm."""
    form = forms.AlertFilterForm(request.GET or None)
    qs = selectors.alerts_for(request.user)
    colour = ""
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["indicator"]:
            qs = qs.filter(indicator=data["indicator"])
        if data["q"]:
            qs = qs.filter(Q(entity__name__contains=data["q"]) | Q(entity__uscc=data["q"].upper()))
        colour = data["colour"]
    today = timezone.localdate()
    if colour == "green":
        qs = qs.exclude(status=Alert.Status.CLOSED).filter(due_on__gte=today)
    elif colour in ("yellow", "red"):
        qs = qs.exclude(status=Alert.Status.CLOSED).filter(due_on__lt=today)
    qs = qs.order_by("status", "due_on", "number")
    calendar = WorkingDays()
    if colour in ("yellow", "red"):
        rows = [a for a in qs if alert_services.status_color(a, today, calendar) == colour]
        page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    else:
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    titles = {i.code: i.title for i in classification.config().indicators}
    titles[classification.MODEL_INDICATOR] = _("模型预测违法概率较高")
    items = [
        {
            "alert": a,
            "colour": alert_services.status_color(a, today, calendar),
            "indicator": titles.get(a.indicator, a.indicator),
        }
        for a in page.object_list
    ]
    query = request.GET.copy()
    query.pop("page", None)
    counts = dict(
        selectors.alerts_for(request.user).values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return render(
        request,
        "risk/workbench/alerts.html",
        {
            "form": form,
            "items": items,
            "page": page,
            "query": query.urlencode(),
            "counts": {s.label: counts.get(s.value, 0) for s in Alert.Status},
            "indicators": classification.config().indicators,
        },
    )


def _officials_of(alert: Alert) -> Any:
    users = User.objects.filter(
        kind=User.Kind.OFFICIAL, is_active=True, assignments__department=alert.department
    ).distinct()
    ids = [
        u.pk
        for u in users
        if acts_for(u, alert.department, division=alert.entity.division_id, roles=alert_services.VERIFY_ROLES)
    ]
    return User.objects.filter(pk__in=ids).order_by("username")


@official_required
def alert(request: AuthedRequest, number: str) -> HttpResponse:
    """One lead: its evidence, its history and the next step (assign, transfer, close)."""
    item = selectors.alert_for(request.user, number)
    action = request.POST.get("action") if request.method == "POST" else None
    assign_form = forms.AssignForm(request.POST if action == "assign" else None, officials=_officials_of(item))
    transfer_form = forms.TransferForm(request.POST if action == "transfer" else None)
    close_form = forms.CloseForm(request.POST if action == "close" else None)
    form = {"assign": assign_form, "transfer": transfer_form, "close": close_form}.get(action or "")
    if form is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if action == "assign":
                alert_services.assign_alert(item, data["assignee"], actor=request.user, note=data["note"])
                messages.success(request, _("已分派核查"))
            elif action == "transfer":
                alert_services.transfer_alert(item, data["department"], actor=request.user, reason=data["reason"])
                messages.success(request, _("已移送"))
                return redirect("risk:workbench:alerts")
            else:
                done = alert_services.close_alert(
                    item,
                    outcome=data["outcome"],
                    disposal=data["disposal"],
                    result=data["result"],
                    facts=data["facts"],
                    actor=request.user,
                )
                messages.success(request, _("线索已办结"))
                if done.case is not None:
                    return redirect("regulation:workbench:case", number=done.case.number)
        except DomainError as exc:
            _fail(form, exc)
        else:
            return redirect("risk:workbench:alert", number=item.number)
    can_assign = acts_for(
        request.user, item.department, division=item.entity.division_id, roles=alert_services.ASSIGN_ROLES
    )
    can_close = acts_for(
        request.user, item.department, division=item.entity.division_id, roles=alert_services.VERIFY_ROLES
    )
    schema = classification.config().schema
    indicator = item.evidence.get("indicator") or {}
    evidence = [
        {
            "label": schema[name].label if name in schema else name,
            "value": classification.shown_value(value, schema[name].unit if name in schema else ""),
        }
        for name, value in (indicator.get("facts") or {}).items()
    ]
    return render(
        request,
        "risk/workbench/alert.html",
        {
            "alert": item,
            "evidence": evidence,
            "colour": alert_services.status_color(item),
            "events": [
                {"event": e, "label": alert_services.EVENT_LABELS.get(e.action, e.action)}
                for e in item.events.select_related("actor")
            ],
            "assign_form": assign_form,
            "transfer_form": transfer_form,
            "close_form": close_form,
            "can_assign": can_assign and item.status != Alert.Status.CLOSED,
            "can_close": can_close and item.status != Alert.Status.CLOSED,
        },
    )


@official_required
def groups(request: AuthedRequest) -> HttpResponse:
    run = selectors.latest_run()
    return render(
        request,
        "risk/workbench/groups.html",
        {"run": run, "groups": graph.groups(run, selectors.scores_for(request.user))},
    )


@official_required
def addresses(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "risk/workbench/addresses.html",
        {"clusters": graph.address_clusters(entities_for(request.user))},
    )


@official_required
def objection_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "risk/workbench/objections.html", {"objections": selectors.objections_for(request.user)})


@official_required
def objection(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.objections_for(request.user), pk=pk)
    form = forms.AnswerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            objections.answer_objection(
                item,
                accept=form.cleaned_data["accept"],
                answer=form.cleaned_data["answer"],
                new_class=form.cleaned_data["new_class"],
                actor=request.user,
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("异议已处理"))
            return redirect("risk:workbench:objections")
    return render(request, "risk/workbench/objection.html", {"objection": item, "form": form})
