"""Firms' and public pages of 一网统管 risk: a firm sees its class and why, and may object; each indicator's
precision is published per quarter."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import DomainError
from yiwang.registries.credit import current_rating
from yiwang.registries.models import LegalEntity
from yiwang.risk import forms
from yiwang.risk.models import Objection, RiskScore
from yiwang.risk.services import alerts, classification, objections


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    """我的信用风险分类: the firm's class, every indicator with its clause and reason, the model's factors."""
    user = request.user
    entity = LegalEntity.objects.filter(uscc=user.enterprise_uscc).first() if user.enterprise_uscc else None
    score = (
        RiskScore.objects.filter(entity=entity).select_related("run", "run__model").order_by("-run__month").first()
        if entity
        else None
    )
    form = forms.ObjectionForm(request.POST or None)
    if request.method == "POST" and score is not None and form.is_valid():
        try:
            objections.submit_objection(score, form.cleaned_data["reason"], actor=user)
        except DomainError as exc:
            form.add_error("reason", str(exc.message))
        else:
            messages.success(request, _("异议已提交，评定部门将在十五个工作日内答复"))
            return redirect("risk:mine")
    return render(
        request,
        "risk/portal/mine.html",
        {
            "entity": entity,
            "score": score,
            "rating": current_rating(entity) if entity else None,
            "form": form,
            "objections": Objection.objects.filter(score__entity=entity).order_by("-created_at") if entity else [],
            "explained": classification.readable(score.explanation) if score else None,
        },
    )


def precision(request: HttpRequest) -> HttpResponse:
    """Published each quarter: how many leads each rule raised and how many proved true (线索准确率公开)."""
    rows = [(p, p.title) for p in alerts.precision_by_quarter()]
    return render(request, "risk/portal/precision.html", {"rows": rows})
