"""Enterprise pages of 免申即享: offers to confirm (意愿确认), policies already met, and near misses."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.accounts.http import AuthedRequest
from yiwang.policies import services
from yiwang.policies.forms import ObjectionForm, OfferResponseForm, ServiceForm
from yiwang.policies.models import Offer, Policy
from yiwang.registries.models import LegalEntity


def _entity(request: AuthedRequest) -> LegalEntity | None:
    uscc = request.user.enterprise_uscc
    return LegalEntity.objects.filter(uscc=uscc).first() if uscc else None


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    entity = _entity(request)
    if entity is None:
        return render(request, "policies/mine.html", {"entity": None})
    result = services.calculator(entity)
    offers = Offer.objects.filter(uscc=entity.uscc).select_related("policy").order_by("-created_at")
    return render(
        request,
        "policies/mine.html",
        {
            "entity": entity,
            "offers": offers,
            "eligible": result["eligible"],
            "near_misses": result["near_misses"],
        },
    )


def _tell(request: HttpRequest, form: ServiceForm) -> None:
    for message in form.messages():
        messages.error(request, message)


@login_required
@require_POST
def respond(request: AuthedRequest, offer_id: int) -> HttpResponse:
    entity = _entity(request)
    offer = Offer.objects.filter(pk=offer_id, uscc=entity.uscc if entity else "").first()
    if offer is None:
        raise Http404
    form = OfferResponseForm(request.POST)
    if form.is_valid() and form.cleaned_data["decision"] == "confirm":
        account = form.cleaned_data["bank_account"]
        if form.call(lambda: services.confirm_offer(offer, actor=request.user, bank_account=account)):
            messages.success(request, _("已确认申领，资金将拨付至您指定的账户"))
    elif form.call(lambda: services.decline_offer(offer, actor=request.user, reason=form.cleaned_data["reason"])):
        messages.success(request, _("已放弃该项政策"))
    _tell(request, form)
    return redirect("policies:mine")


def notice(request: HttpRequest, code: str) -> HttpResponse:
    """公示: a published policy's beneficiaries (legal representatives masked), with an objection form (异议)."""
    policy = Policy.objects.filter(code=code).exclude(status=Policy.Status.DRAFT).first()
    if policy is None:
        raise Http404
    if request.method == "POST":
        form = ObjectionForm(request.POST)
        data = form.cleaned_data if form.is_valid() else {}
        filed = form.call(
            lambda: services.file_objection(
                policy,
                reason=data["reason"],
                uscc=data["uscc"],
                subject=data["subject"],
                actor=request.user if request.user.is_authenticated else None,
            )
        )
        if filed is not None:
            messages.success(request, _("异议已提交，主管部门将核查并答复"))
        _tell(request, form)
        return redirect("policies:notice", code=code)
    return render(request, "policies/notice.html", {"policy": policy, "rows": services.public_notice(policy)})
