"""Officials' pages of 互联网+监管: plans and draws, visits (review, the phone checklist), enforcement cases."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.certificates.pdf import qr_svg
from yiwang.core.errors import DomainError
from yiwang.registries.models import LegalEntity
from yiwang.regulation import forms, selectors
from yiwang.regulation.models import CaseStep, InspectionDraw, Lead, OfficerRating, RegulatoryItem
from yiwang.regulation.services import cases, draws, inspections


def _fail(form, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


@official_required
def home(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "regulation/workbench/home.html",
        {
            "plans": selectors.plans_for(request.user),
            "inspections": selectors.inspections_for(request.user).order_by("status", "code")[:200],
            "commit_form": forms.CommitDrawForm(),
            "perform_form": forms.PerformDrawForm(),
        },
    )


@official_required
def commit_draw(request: AuthedRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(selectors.plans_for(request.user), pk=plan_id)
    form = forms.CommitDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        previous = draws.current_draws().filter(plan=plan).first() if form.cleaned_data["reason"] else None
        try:
            draw = draws.commit_draw(
                plan,
                actor=request.user,
                source=form.cleaned_data["source"],
                source_reference=form.cleaned_data["source_reference"],
                redraw_of=previous,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("已公布抽取承诺值，请在随机数产生后录入"))
            return redirect("regulation:draw", number=draw.number)
    return render(request, "regulation/workbench/form.html", {"form": form, "title": _("发起抽取"), "plan": plan})


@official_required
def perform_draw(request: AuthedRequest, number: str) -> HttpResponse:
    draw = get_object_or_404(InspectionDraw, number=number, plan__in=selectors.plans_for(request.user))
    form = forms.PerformDrawForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draws.perform_draw(draw, form.cleaned_data["randomness"], actor=request.user)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("抽取完成，结果已公示"))
            return redirect("regulation:draw", number=draw.number)
    return render(
        request, "regulation/workbench/form.html", {"form": form, "title": _("录入随机数并抽取"), "draw": draw}
    )


@official_required
def inspection(request: AuthedRequest, code: str) -> HttpResponse:
    visit = selectors.inspection_for(request.user, code)
    review_form = forms.ReviewForm(request.POST or None)
    if request.method == "POST":
        try:
            if "notify" in request.POST:
                inspections.notify_inspection(visit, actor=request.user)
                messages.success(request, _("已向企业发送检查告知"))
                return redirect("regulation:workbench:inspection", code=code)
            if review_form.is_valid():
                inspections.review_inspection(
                    visit,
                    actor=request.user,
                    approve=review_form.cleaned_data["decision"] == "approve",
                    note=review_form.cleaned_data["note"],
                )
                messages.success(request, _("审核完成"))
                return redirect("regulation:workbench:inspection", code=code)
        except DomainError as exc:
            _fail(review_form, exc)
    url = request.build_absolute_uri(inspections.code_path(visit))
    return render(
        request,
        "regulation/workbench/inspection.html",
        {
            "visit": visit,
            "items": inspections.items_of(visit),
            "entries": visit.entries.select_related("item", "filled_by"),
            "officers": visit.officer_list(),
            "qr": qr_svg(url, scale=4, title=_("行政行为码")),
            "review_form": review_form,
            "notice": inspections.notice_text(visit),
            "rating": OfficerRating.objects.filter(inspection=visit).first(),
        },
    )


@official_required
def checklist(request: AuthedRequest, code: str) -> HttpResponse:
    """The officers' phone-sized page: one form per item, then the result."""
    visit = selectors.inspection_for(request.user, code)
    entry_form = forms.EntryForm(request.POST or None, request.FILES or None)
    submit_form = forms.SubmitForm(request.POST if "result" in request.POST else None)
    if request.method == "POST":
        try:
            if "result" in request.POST and submit_form.is_valid():
                inspections.submit_inspection(
                    visit, submit_form.cleaned_data["result"], submit_form.cleaned_data["summary"], actor=request.user
                )
                messages.success(request, _("检查结果已提交审核"))
                return redirect("regulation:workbench:checklist", code=code)
            if "result" not in request.POST and entry_form.is_valid():
                item = RegulatoryItem.objects.filter(code=entry_form.cleaned_data["item"]).first()
                if item is None:
                    raise Http404
                inspections.record_entry(
                    visit,
                    item,
                    entry_form.cleaned_data["outcome"],
                    actor=request.user,
                    note=entry_form.cleaned_data["note"],
                    evidence=entry_form.cleaned_data["evidence"],
                )
                messages.success(request, _("已保存"))
                return redirect("regulation:workbench:checklist", code=code)
        except DomainError as exc:
            _fail(submit_form if "result" in request.POST else entry_form, exc)
    done = {e.item_id: e for e in visit.entries.all()}
    rows = [(item, done.get(item.pk)) for item in inspections.items_of(visit)]
    return render(
        request,
        "regulation/workbench/checklist.html",
        {"visit": visit, "rows": rows, "entry_form": entry_form, "submit_form": submit_form},
    )


@official_required
def case_list(request: AuthedRequest) -> HttpResponse:
    form = forms.OpenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entity = LegalEntity.objects.filter(uscc=data["uscc"].strip().upper()).first()
        if entity is None:
            form.add_error("uscc", _("法人库中没有该统一社会信用代码"))
        else:
            inspection = (
                selectors.inspections_for(request.user).filter(code=data["inspection"]).first()
                if data["inspection"]
                else None
            )
            lead = Lead.objects.filter(pk=data["lead"]).first() if data["lead"] else None
            department = request.user.department
            try:
                case = cases.open_case(
                    department=department,  # type: ignore[arg-type]
                    entity=entity,
                    origin=data["origin"],
                    facts=data["facts"],
                    legal_basis=data["legal_basis"],
                    inspection=inspection,
                    lead=lead,
                    actor=request.user,
                )
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("已立案"))
                return redirect("regulation:workbench:case", number=case.number)
    return render(
        request,
        "regulation/workbench/cases.html",
        {"cases": selectors.cases_for(request.user), "form": form, "today": cases.timezone.localdate()},
    )


@official_required
def case_detail(request: AuthedRequest, number: str) -> HttpResponse:
    case = selectors.case_for(request.user, number)
    form = forms.AdvanceCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            cases.advance_case(
                case,
                actor=request.user,
                note=data["note"],
                decision_no=data["decision_no"],
                penalty=data["penalty"],
                fine=data["fine"],
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("本环节已办结"))
            return redirect("regulation:workbench:case", number=number)
    return render(
        request,
        "regulation/workbench/case.html",
        {
            "case": case,
            "steps": case.steps.defer("document_pdf"),
            "form": form,
            "overdue": cases.is_overdue(case),
            "Step": cases.Step,
        },
    )


@official_required
def case_document(request: AuthedRequest, number: str, step_id: int) -> HttpResponse:
    case = selectors.case_for(request.user, number)
    step = get_object_or_404(CaseStep, case=case, pk=step_id)
    if not step.document_pdf:
        raise Http404
    response = HttpResponse(bytes(step.document_pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{case.number}-{step.step}.pdf"'
    response["X-Document-SM3"] = step.document_sm3
    return response


def home_url() -> str:
    return reverse("regulation:workbench:home")
