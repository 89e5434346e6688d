"""Officials' pages of 免申即享 (proactive benefits): author policies and versions, test them against an enterprise,
try a draft in the sandbox (政策沙盘), launch a matching run and read its evidence, export and pay batches, and
resolve objections raised during public notice.

Every operation goes through ``yiwang.policies.services``; these views only parse, call and render. Officials see
the policies of their own department, administrators all; any other policy answers 404, as if it did not exist.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import DecimalField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.core.errors import PermissionDenied
from yiwang.policies import services
from yiwang.policies.facts import ENTERPRISE_SCHEMA, entity_facts
from yiwang.policies.forms import (
    SAMPLE_RULES,
    ActionForm,
    ObjectionResolveForm,
    PolicyCreateForm,
    PolicyStatusForm,
    RulesForm,
    ServiceForm,
)
from yiwang.policies.models import MatchResult, MatchRun, Objection, Payout, PayoutBatch, Policy, PolicyVersion
from yiwang.policies.rulesets import definition_of
from yiwang.policies.selectors import departments_for, policies_for
from yiwang.registries.models import LegalEntity
from yiwang.registries.selectors import entities_for
from yiwang.rules import explain

# --- reading, in scope ----------------------------------------------------------------------------------------


def _policy(request: AuthedRequest, code: str) -> Policy:
    policy = policies_for(request.user).filter(code=code).first()
    if policy is None:
        raise Http404
    return policy


def _with_last_result(qs: QuerySet[Policy]) -> QuerySet[Policy]:
    """Each policy with its latest matching result: coverage (eligible count) and cost (amount total)."""
    last = MatchResult.objects.filter(version__policy=OuterRef("pk")).order_by("-run__started_at", "-pk")
    return qs.annotate(
        last_run_id=Subquery(last.values("run_id")[:1], output_field=IntegerField()),
        last_eligible=Subquery(last.values("eligible_count")[:1], output_field=IntegerField()),
        last_amount=Subquery(last.values("amount_total")[:1], output_field=DecimalField()),
    )


def _in_reach(form: ServiceForm) -> None:
    """A refusal for want of rights answers 404, as if the object did not exist (outside the caller's reach)."""
    if isinstance(form.refusal, PermissionDenied):
        raise Http404 from form.refusal


def _tell(request: AuthedRequest, form: ServiceForm) -> None:
    """The errors of a form posted from a page that answers with a redirect, as messages on the next page."""
    _in_reach(form)
    for message in form.messages():
        messages.error(request, message)


def _facts_context() -> dict[str, Any]:
    return {"facts": services.schema_facts()}


# --- list and authoring ---------------------------------------------------------------------------------------


@official_required
def policy_list(request: AuthedRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    qs = policies_for(request.user)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(title__contains=q))
    page = Paginator(_with_last_result(qs).order_by("code"), 50).get_page(request.GET.get("page"))
    return render(request, "policies/workbench/list.html", {"page": page, "policies": page.object_list, "q": q})


@official_required
def policy_create(request: AuthedRequest) -> HttpResponse:
    form = PolicyCreateForm(
        request.POST if request.method == "POST" else None, departments=departments_for(request.user)
    )
    if request.method == "POST":
        data = form.cleaned_data if form.is_valid() else {}
        policy = form.call(
            lambda: services.create_policy(
                code=data["code"],
                title=data["title"],
                department=data["department"],
                rules=data["rules"],
                actor=request.user,
                budget_total=data["budget_total"],
                legal_references=data["legal_references"],
                route=data["route"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            )
        )
        _in_reach(form)
        if policy is not None:
            messages.success(request, _("已创建政策（草稿）及其第 1 版规则"))
            return redirect("policies:workbench:detail", code=policy.code)
    return render(
        request,
        "policies/workbench/create.html",
        {"form": form, "problems": form.problems, **_facts_context()},
        status=422 if form.errors else 200,
    )


def _detail(
    request: AuthedRequest,
    policy: Policy,
    *,
    form: RulesForm | None = None,
    status: int = 200,
) -> HttpResponse:
    """The policy with its versions and the rules editor (the posted rules and their problems after a refusal)."""
    versions = policy.versions.select_related("created_by").order_by("-number")
    current = policy.current_version
    if form is not None and not form.problems:
        _tell(request, form)
    return render(
        request,
        "policies/workbench/detail.html",
        {
            "policy": policy,
            "versions": versions,
            "rules": form.data.get("rules", "") if form is not None else (current.rules if current else SAMPLE_RULES),
            "problems": form.problems if form is not None else [],
            **_facts_context(),
        },
        status=status,
    )


@official_required
def policy_detail(request: AuthedRequest, code: str) -> HttpResponse:
    return _detail(request, _policy(request, code))


@official_required
@require_POST
def version_create(request: AuthedRequest, code: str) -> HttpResponse:
    policy = _policy(request, code)
    form = RulesForm(request.POST)
    version = form.call(lambda: services.new_version(policy, form.cleaned_data["rules"], actor=request.user))
    _in_reach(form)
    if not version:
        return _detail(request, policy, form=form, status=422)
    messages.success(request, _("已保存第 %(number)s 版规则，并设为现行版本") % {"number": version.number})
    return redirect("policies:workbench:detail", code=policy.code)


@official_required
@require_POST
def policy_publish(request: AuthedRequest, code: str) -> HttpResponse:
    policy = _policy(request, code)
    form = PolicyStatusForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["action"] == "retire":
            expired = form.call(lambda: services.retire_policy(policy, actor=request.user))
            if expired is not None:
                messages.success(request, _("政策已停止兑现，%(n)s 条待确认推送已过期") % {"n": expired})
        elif form.call(lambda: services.publish_policy(policy, actor=request.user)) is not None:
            messages.success(request, _("政策已发布"))
    _tell(request, form)
    return redirect("policies:workbench:detail", code=policy.code)


# --- test against an enterprise --------------------------------------------------------------------------------


def _version(policy: Policy, number: str) -> PolicyVersion | None:
    if number.isdigit():
        return policy.versions.filter(number=int(number)).first()
    return policy.current_version


def _explain_entity(version: PolicyVersion, facts: dict[str, Any]) -> dict[str, Any]:
    """One version of the rules against one entity's facts: each condition with its value, source and clause."""
    definition = definition_of(version)
    result = explain(definition, facts, ENTERPRISE_SCHEMA, timezone.localdate()).as_dict()
    result["amount"] = definition.amount.compute(facts) if result["result"] == "true" else None
    return result


@official_required
def policy_test(request: AuthedRequest, code: str) -> HttpResponse:
    """版本测试: the version's conditions checked one by one against an enterprise of the registry."""
    policy = _policy(request, code)
    version = _version(policy, request.GET.get("version", ""))
    uscc = request.GET.get("uscc", "").strip().upper()
    entity, result, error = None, None, ""
    if uscc and version is not None:
        entity = entities_for(request.user).filter(uscc=uscc).first()
        if entity is None:
            error = _("法人库中未找到统一社会信用代码为 %(uscc)s 的企业（或不在您的管辖范围内）") % {"uscc": uscc}
        else:
            result = _explain_entity(version, entity_facts(entity))
    return render(
        request,
        "policies/workbench/test.html",
        {
            "policy": policy,
            "version": version,
            "versions": policy.versions.order_by("-number"),
            "uscc": uscc,
            "entity": entity,
            "result": result,
            "error": error,
        },
        status=404 if error else 200,
    )


# --- sandbox --------------------------------------------------------------------------------------------------


@official_required
def policy_sandbox(request: AuthedRequest, code: str) -> HttpResponse:
    """政策沙盘: a draft of the rules against the current version, on today's data (nothing is saved)."""
    policy = _policy(request, code)
    current = policy.current_version
    form = RulesForm(request.POST if request.method == "POST" else None)
    draft = form.data.get("rules", "") if form.is_bound else (current.rules if current else SAMPLE_RULES)
    result = form.call(lambda: services.sandbox(policy, draft, actor=request.user))
    context: dict[str, Any] = {}
    if result:
        names = _names(result["gained_usccs"] + result["lost_usccs"])
        context = {
            "gained": [(u, names.get(u, "")) for u in result["gained_usccs"]],
            "lost": [(u, names.get(u, "")) for u in result["lost_usccs"]],
            "over_budget": Decimal(result["draft_cost"]) > Decimal(result["budget_total"]),
        }
    elif not form.problems:
        _tell(request, form)
    return render(
        request,
        "policies/workbench/sandbox.html",
        {
            "policy": policy,
            "draft": draft,
            "result": result or None,
            "problems": form.problems,
            **context,
            **_facts_context(),
        },
        status=422 if form.problems else 200,
    )


def _names(usccs: list[str]) -> dict[str, str]:
    return dict(LegalEntity.objects.filter(uscc__in=usccs).values_list("uscc", "name"))


# --- matching runs --------------------------------------------------------------------------------------------


def _results(policy: Policy) -> QuerySet[MatchResult]:
    return MatchResult.objects.filter(version__policy=policy).select_related("run", "version", "run__created_by")


def _result(policy: Policy, run_id: int) -> MatchResult:
    """This policy's result in one run, or 404."""
    result = _results(policy).filter(run_id=run_id).first()
    if result is None:
        raise Http404
    return result


@official_required
def policy_runs(request: AuthedRequest, code: str) -> HttpResponse:
    policy = _policy(request, code)
    if request.method == "POST":
        form = ActionForm(request.POST)
        run = form.call(lambda: services.run_matching([policy], actor=request.user))
        _tell(request, form)
        if run is not None:
            messages.success(request, _("比对完成：%(n)s 户主体参与比对") % {"n": run.entity_count})
            return redirect("policies:workbench:run", code=policy.code, pk=run.pk)
        return redirect("policies:workbench:runs", code=policy.code)
    results = _results(policy).order_by("-run__started_at", "-pk")[:50]
    return render(request, "policies/workbench/runs.html", {"policy": policy, "results": results})


@official_required
def run_detail(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """The evidence of one run for this policy: snapshot hash, counts, amounts, offers created."""
    policy = _policy(request, code)
    result = _result(policy, pk)
    run: MatchRun = result.run
    sample = [u.decode("ascii") for u in run.usccs()[result.rows()[:20]]] if result.eligible_count else []
    offers = policy.offers.filter(run=run).count()
    return render(
        request,
        "policies/workbench/run.html",
        {"policy": policy, "run": run, "result": result, "sample": sample, "offers": offers},
    )


@official_required
@require_POST
def run_push(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    """Push the offers of a run whose eligible set was over the automatic cap (a decision, not a side effect)."""
    policy = _policy(request, code)
    result = _result(policy, pk)
    form = ActionForm(request.POST)
    created = form.call(lambda: services.push_offers(result, actor=request.user))
    _tell(request, form)
    if created is not None:
        messages.success(request, _("已推送 %(n)s 条政策兑现通知") % {"n": created})
    return redirect("policies:workbench:run", code=policy.code, pk=pk)


# --- payouts, public notice and objections --------------------------------------------------------------------


@official_required
def policy_payouts(request: AuthedRequest, code: str) -> HttpResponse:
    policy = _policy(request, code)
    pending = policy.payouts.filter(status=Payout.Status.PENDING)
    return render(
        request,
        "policies/workbench/payouts.html",
        {
            "policy": policy,
            "pending_count": pending.count(),
            "pending_total": pending.aggregate(total=Sum("amount"))["total"] or Decimal("0.00"),
            "batches": policy.batches.select_related("created_by").order_by("-created_at")[:50],
            "objections": policy.objections.order_by("status", "-created_at")[:100],
            "notice_url": reverse("policies:notice", args=[policy.code])
            if policy.status != Policy.Status.DRAFT
            else "",
        },
    )


@official_required
@require_POST
def batch_export(request: AuthedRequest, code: str) -> HttpResponse:
    """The payment file of the pending payouts (CSV, UTF-8 with BOM for spreadsheet programs)."""
    policy = _policy(request, code)
    form = ActionForm(request.POST)
    exported = form.call(lambda: services.export_batch(policy, actor=request.user))
    _tell(request, form)
    if exported is None:
        return redirect("policies:workbench:payouts", code=policy.code)
    batch, text = exported
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="payout-{policy.code}-{batch.pk}.csv"'
    response["X-Payment-File-SM3"] = batch.file_hash
    return response


@official_required
@require_POST
def batch_paid(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    policy = _policy(request, code)
    batch = get_object_or_404(PayoutBatch.objects.select_related("policy__department"), pk=pk, policy=policy)
    form = ActionForm(request.POST)
    paid = form.call(lambda: services.mark_batch_paid(batch, actor=request.user))
    _tell(request, form)
    if paid is not None:
        messages.success(request, _("已登记该批次拨付完成"))
    return redirect("policies:workbench:payouts", code=policy.code)


@official_required
@require_POST
def objection_resolve(request: AuthedRequest, code: str, pk: int) -> HttpResponse:
    policy = _policy(request, code)
    objection = get_object_or_404(Objection.objects.select_related("policy__department"), pk=pk, policy=policy)
    form = ObjectionResolveForm(request.POST)
    if form.call(
        lambda: services.resolve_objection(
            objection,
            actor=request.user,
            upheld=form.cleaned_data["decision"] == "uphold",
            resolution=form.cleaned_data["resolution"],
        )
    ):
        messages.success(request, _("已处理该异议"))
    _tell(request, form)
    return redirect("policies:workbench:payouts", code=policy.code)
