"""Officials' pages of 政务公开: documents and their publication, requests, 民生实事 stages, handed-off questions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.core.errors import DomainError
from yiwang.disclosure import forms, selectors
from yiwang.disclosure.models import Candidate
from yiwang.disclosure.services import answers, documents, livelihood, requests


def _fail(form: Any, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


@official_required
def home(request: AuthedRequest) -> HttpResponse:
    """Documents (with publication timeliness) and disclosure requests of the official's departments."""
    departments = selectors.departments_for(request.user)
    form = forms.DocumentForm(request.POST or None, departments=departments)
    if request.method == "POST" and form.is_valid():
        try:
            doc = documents.create_document(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("已登记，法定公开期限为 %(due)s") % {"due": doc.publication_due_on})
            return redirect("disclosure:workbench:document", pk=doc.pk)
    docs = selectors.documents_for(request.user).order_by("status", "publication_due_on")
    reqs = selectors.requests_for(request.user)
    return render(
        request,
        "disclosure/workbench/home.html",
        {
            "form": form,
            "documents": docs[:100],
            "requests": reqs.order_by("status", "due_on")[:100],
            "report": documents.publication_report(),
            "request_report": requests.request_report(reqs),
            "today": timezone.localdate(),
        },
    )


@official_required
def document(request: AuthedRequest, pk: int) -> HttpResponse:
    doc = get_object_or_404(selectors.documents_for(request.user), pk=pk)
    interp_form = forms.InterpretationForm(request.POST if "interpret" in request.POST else None)
    link_form = forms.LinkClauseForm(request.POST if "link" in request.POST else None)
    repeal_form = forms.RepealForm(request.POST if "repeal" in request.POST else None)
    if request.method == "POST":
        try:
            if "publish" in request.POST:
                documents.publish_document(doc, actor=request.user)
                messages.success(request, _("已公开"))
                return redirect("disclosure:workbench:document", pk=pk)
            if "repeal" in request.POST and repeal_form.is_valid():
                documents.repeal_document(doc, actor=request.user, reason=repeal_form.cleaned_data["reason"])
                messages.success(request, _("已废止"))
                return redirect("disclosure:workbench:document", pk=pk)
            if "interpret" in request.POST and interp_form.is_valid():
                documents.add_interpretation(doc, actor=request.user, **interp_form.cleaned_data)
                messages.success(request, _("解读已发布"))
                return redirect("disclosure:workbench:document", pk=pk)
            if "link" in request.POST and link_form.is_valid():
                clause = get_object_or_404(doc.clauses, pk=link_form.cleaned_data["clause"])
                documents.link_clause(
                    clause,
                    actor=request.user,
                    policy=link_form.cleaned_data["policy"],
                    item=link_form.cleaned_data["item"],
                )
                messages.success(request, _("条款关联已保存"))
                return redirect("disclosure:workbench:document", pk=pk)
        except DomainError as exc:
            target = (
                interp_form if "interpret" in request.POST else link_form if "link" in request.POST else repeal_form
            )
            _fail(target, exc)
            if target.is_bound is False:
                messages.error(request, str(exc.message))
    return render(
        request,
        "disclosure/workbench/document.html",
        {
            "doc": doc,
            "clauses": doc.clauses.select_related("policy", "item"),
            "interpretations": doc.interpretations.all(),
            "interp_form": interp_form,
            "link_form": link_form,
            "repeal_form": repeal_form,
            "publish_form": forms.EmptyForm(),
        },
    )


@official_required
def request_detail(request: AuthedRequest, number: str) -> HttpResponse:
    item = get_object_or_404(selectors.requests_for(request.user), number=number)
    reply_form = forms.ReplyForm(request.POST if "reply" in request.POST else None)
    extend_form = forms.ExtendForm(request.POST if "extend" in request.POST else None)
    if request.method == "POST":
        try:
            if "reply" in request.POST and reply_form.is_valid():
                requests.reply_request(item, actor=request.user, **reply_form.cleaned_data)
                messages.success(request, _("已答复"))
                return redirect("disclosure:workbench:request", number=number)
            if "extend" in request.POST and extend_form.is_valid():
                requests.extend_request(item, actor=request.user, reason=extend_form.cleaned_data["reason"])
                messages.success(request, _("已延长答复期限"))
                return redirect("disclosure:workbench:request", number=number)
        except DomainError as exc:
            _fail(reply_form if "reply" in request.POST else extend_form, exc)
    return render(
        request,
        "disclosure/workbench/request.html",
        {"req": item, "reply_form": reply_form, "extend_form": extend_form, "today": timezone.localdate()},
    )


@official_required
def livelihood_list(request: AuthedRequest) -> HttpResponse:
    departments = selectors.departments_for(request.user)
    form = forms.RoundForm(
        request.POST or None, departments=departments, initial={"year": timezone.localdate().year + 1, "seats": 5}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organiser = data["organiser"]
        previous = (
            organiser.division
            and selectors.rounds_for(request.user).filter(division=organiser.division, year=data["year"] - 1).first()
        )
        try:
            round_ = livelihood.open_round(
                actor=request.user,
                year=data["year"],
                division=organiser.division,
                organiser=organiser,
                title=data["title"],
                seats=data["seats"],
                previous=previous or None,
            )
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("已开始征集"))
            return redirect("disclosure:workbench:round", pk=round_.pk)
    return render(
        request,
        "disclosure/workbench/rounds.html",
        {"rounds": selectors.rounds_for(request.user).order_by("-year"), "form": form},
    )


_ROUND_FORMS = {
    "comment": forms.CommentForm,
    "study": forms.StudyForm,
    "paper": forms.PaperBallotsForm,
    "launch": forms.LaunchForm,
    "representativeness": forms.RepresentativenessForm,
}


def _round_action(request: AuthedRequest, round_: Any, action: str, form: Any) -> str:
    """Run one stage action; return the success message."""
    user = request.user
    data = form.cleaned_data if form is not None else {}
    if action == "advance":
        livelihood.advance_stage(round_, actor=user)
        return _("已进入下一阶段")
    if action == "count":
        livelihood.count_votes(round_, actor=user)
        return _("计票完成")
    if action == "comment":
        candidate = get_object_or_404(Candidate, pk=data.pop("candidate"), round=round_)
        livelihood.record_comment(candidate, actor=user, **data)
        return _("协商意见已记录")
    if action == "study":
        candidate = get_object_or_404(Candidate, pk=data.pop("candidate"), round=round_)
        livelihood.study_candidate(candidate, actor=user, **data)
        return _("研究意见已保存")
    if action == "ballot":
        livelihood.cast_ballot(round_, actor=user, **data)
        return _("选票已录入")
    if action == "paper":
        n = livelihood.import_paper_ballots(round_, actor=user, file=data["file"])
        return _("已导入 %(n)d 张纸质选票") % {"n": n}
    if action == "launch":
        items = livelihood.launch_projects(round_, actor=user, **data)
        return _("已转为 %(n)d 个督查事项") % {"n": len(items)}
    if action == "representativeness":
        livelihood.publish_representativeness(round_, actor=user, epsilon=data["epsilon"])
        return _("代表性分析已发布")
    raise ValueError(action)


@official_required
def round_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    round_ = get_object_or_404(selectors.rounds_for(request.user), pk=pk)
    codes = [(c.code, f"{c.code} {c.title}") for c in round_.candidates.filter(on_ballot=True)]
    action = request.POST.get("action", "") if request.method == "POST" else ""
    bound: dict[str, Any] = {}
    if action == "ballot":
        bound["ballot"] = forms.BallotForm(request.POST, codes=codes)
    elif action in _ROUND_FORMS:
        bound[action] = _ROUND_FORMS[action](request.POST, request.FILES or None)
    if action:
        form = bound.get(action)
        if form is None or form.is_valid():
            try:
                message = _round_action(request, round_, action, form)
            except DomainError as exc:
                if form is None:
                    messages.error(request, str(exc.message))
                else:
                    _fail(form, exc)
            else:
                messages.success(request, message)
                return redirect("disclosure:workbench:round", pk=pk)
    year = round_.year
    return render(
        request,
        "disclosure/workbench/round.html",
        {
            "round": round_,
            "candidates": selectors.candidates_of(round_),
            "ballots": round_.ballots.order_by("serial"),
            "ballot_form": bound.get("ballot") or forms.BallotForm(codes=codes),
            "paper_form": bound.get("paper") or forms.PaperBallotsForm(),
            "launch_form": bound.get("launch")
            or forms.LaunchForm(initial={"starts_on": f"{year}-01-01", "ends_on": f"{year}-12-31"}),
            "representativeness_form": bound.get("representativeness") or forms.RepresentativenessForm(),
            "comment_form": bound.get("comment"),
            "study_form": bound.get("study"),
            "stage_form": forms.EmptyForm(),
            "action": action,
        },
    )


@official_required
def questions(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "disclosure/workbench/questions.html",
        {"questions": selectors.questions_for(request.user).order_by("status", "-asked_at")[:200]},
    )


@official_required
def question(request: AuthedRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(selectors.questions_for(request.user), pk=pk)
    form = forms.QuestionReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answers.reply_question(item, actor=request.user, reply=form.cleaned_data["reply"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("已答复"))
            return redirect("disclosure:workbench:questions")
    return render(request, "disclosure/workbench/question.html", {"question": item, "form": form})
