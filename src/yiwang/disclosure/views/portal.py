"""Citizens' and enterprises' pages of 政务公开: documents, requests, 民生实事, Q&A and recommendations."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import DomainError
from yiwang.disclosure import forms, selectors
from yiwang.disclosure.models import Candidate, DisclosureRequest, LivelihoodRound, PolicyDocument, Question
from yiwang.disclosure.services import answers, livelihood, requests
from yiwang.policies.services import calculator
from yiwang.registries.models import LegalEntity


def _fail(form: Any, exc: DomainError) -> None:
    field = exc.field if exc.field in form.fields else None
    form.add_error(field, str(exc.message))


def home(request: HttpRequest) -> HttpResponse:
    """政务公开 home: ask, the latest documents, this year's 民生实事."""
    return render(
        request,
        "disclosure/home.html",
        {
            "documents": selectors.published_documents().order_by("-published_on", "-pk")[:8],
            "rounds": LivelihoodRound.objects.select_related("division").order_by("-year")[:4],
            "ask_form": forms.AskForm(),
        },
    )


def document_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()
    docs = selectors.published_documents()
    item, policy = request.GET.get("item", "").strip(), request.GET.get("policy", "").strip()
    if item:  # the documents a service item implements (its guide links here)
        docs = docs.filter(items__item_code=item)
    if policy:
        docs = docs.filter(policies__code=policy)
    if q:
        docs = docs.filter(Q(title__icontains=q) | Q(number__icontains=q) | Q(body__icontains=q))
    page = Paginator(docs.order_by("-signed_on", "number"), 20).get_page(request.GET.get("page"))
    return render(
        request,
        "disclosure/documents.html",
        {"page": page, "q": q, "item": item, "policy": policy, "today": timezone.localdate()},
    )


def _eligibility(request: HttpRequest, document: PolicyDocument) -> dict[str, Any] | None:
    """The calculator's answer for the agent's enterprise, limited to the policies this document implements."""
    uscc = getattr(request.user, "enterprise_uscc", "") if request.user.is_authenticated else ""
    entity = LegalEntity.objects.filter(uscc=uscc).first() if uscc else None
    if entity is None:
        return None
    codes = set(document.policies.values_list("code", flat=True))
    result = calculator(entity)
    return {
        "entity": entity,
        "eligible": [e for e in result["eligible"] if e["policy_id"] in codes],
        "near_misses": [n for n in result["near_misses"] if n["policy_id"] in codes],
    }


def document(request: HttpRequest, pk: int) -> HttpResponse:
    """One document: metadata, its articles (each linked to what implements it), interpretations, eligibility."""
    doc = get_object_or_404(selectors.published_documents(), pk=pk)
    return render(
        request,
        "disclosure/document.html",
        {
            "doc": doc,
            "clauses": doc.clauses.select_related("policy", "item"),
            "interpretations": doc.interpretations.select_related("author"),
            "policies": doc.policies.all(),
            "items": doc.items.select_related("department"),
            "eligibility": _eligibility(request, doc),
            "in_force": doc.is_in_force(timezone.localdate()),
        },
    )


@login_required
def request_list(request: AuthedRequest) -> HttpResponse:
    """依申请公开: the user's requests, and a new one."""
    initial = {"requester_name": request.user.full_name, "idempotency_key": uuid.uuid4().hex}
    form = forms.DisclosureRequestForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            created = requests.submit_request(requester=request.user, **data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("申请已提交，答复期限为 %(due)s") % {"due": created.due_on})
            return redirect("disclosure:request", number=created.number)
    mine = DisclosureRequest.objects.filter(requester=request.user).select_related("department")
    return render(request, "disclosure/requests.html", {"form": form, "mine": mine})


@login_required
def request_detail(request: AuthedRequest, number: str) -> HttpResponse:
    item = get_object_or_404(DisclosureRequest.objects.select_related("department"), number=number)
    if item.requester_id != request.user.pk:
        raise Http404
    return render(request, "disclosure/request.html", {"req": item})


def round_list(request: HttpRequest) -> HttpResponse:
    rounds = LivelihoodRound.objects.select_related("division", "organiser").annotate(
        proposal_count=Count("proposals", distinct=True)
    )
    return render(request, "disclosure/rounds.html", {"rounds": rounds})


def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One year's 民生实事: every stage in public, with the propose and rate forms for residents."""
    round_ = get_object_or_404(LivelihoodRound.objects.select_related("division", "organiser"), pk=pk)
    user = request.user
    propose_form = forms.ProposalForm(initial={"idempotency_key": uuid.uuid4().hex})
    rating_form = forms.RatingForm()
    if request.method == "POST":
        if not user.is_authenticated:
            return redirect(f"{_login_url()}?next={request.path}")
        if "rate" in request.POST:
            rating_form = forms.RatingForm(request.POST)
            if rating_form.is_valid():
                candidate = get_object_or_404(Candidate, pk=rating_form.cleaned_data["candidate"], round=round_)
                try:
                    livelihood.rate_delivery(
                        candidate,
                        rater=user,
                        score=rating_form.cleaned_data["score"],
                        comment=rating_form.cleaned_data["comment"],
                    )
                except DomainError as exc:
                    _fail(rating_form, exc)
                else:
                    messages.success(request, _("感谢您的评价"))
                    return redirect("disclosure:round", pk=pk)
        else:
            propose_form = forms.ProposalForm(request.POST)
            if propose_form.is_valid():
                try:
                    proposal = livelihood.submit_proposal(round_, proposer=user, **propose_form.cleaned_data)
                except DomainError as exc:
                    _fail(propose_form, exc)
                else:
                    messages.success(
                        request,
                        _("建议已提交，归入候选项目“%(title)s”")
                        % {"title": proposal.candidate.title if proposal.candidate else ""},
                    )
                    return redirect("disclosure:round", pk=pk)
    rated = (
        set(round_.candidates.filter(ratings__rater=user).values_list("pk", flat=True))
        if user.is_authenticated
        else set()
    )
    return render(
        request,
        "disclosure/round.html",
        {
            "round": round_,
            "stages": livelihood.ORDER,
            "stage_index": livelihood.ORDER.index(LivelihoodRound.Stage(round_.stage)),
            "candidates": selectors.candidates_of(round_),
            "propose_form": propose_form,
            "rating_form": rating_form,
            "rated": rated,
        },
    )


def _login_url() -> str:
    from django.conf import settings

    return str(settings.LOGIN_URL)


def ballots_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """The ballots as counted (serial|deputy|choices, sorted): their SM3 is the one published with the tally."""
    round_ = get_object_or_404(LivelihoodRound, pk=pk)
    if not round_.tally:
        raise Http404
    text = livelihood.ballot_text(list(round_.ballots.all()))
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ballots-{round_.year}.txt"'
    return response


def ask(request: HttpRequest) -> HttpResponse:
    """智能问答: ask, get a cited answer or a hand-off; recommendations by life event below."""
    form = forms.AskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            question = answers.ask(form.cleaned_data["text"], user=request.user, contact=form.cleaned_data["contact"])
        except DomainError as exc:
            _fail(form, exc)
        else:
            request.session.setdefault("disclosure_questions", [])
            request.session["disclosure_questions"] = [*request.session["disclosure_questions"][-19:], question.pk]
            return redirect("disclosure:question", pk=question.pk)
    recommend_form = forms.RecommendForm(request.GET or None)
    life_event = recommend_form.cleaned_data["life_event"] if recommend_form.is_valid() else ""
    return render(
        request,
        "disclosure/ask.html",
        {
            "form": form,
            "recommend_form": recommend_form,
            "recommended": answers.recommend(user=request.user, life_event=life_event),
        },
    )


def question(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(Question, pk=pk)
    mine = (request.user.is_authenticated and item.asker_id == request.user.pk) or pk in request.session.get(
        "disclosure_questions", []
    )
    if not mine:
        raise Http404
    return render(request, "disclosure/question.html", {"question": item, "form": forms.AskForm()})
