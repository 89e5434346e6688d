"""Officials' reviews of applications to use data: 授权运营 (apply → review → agreement) and conditionally open
datasets (有条件开放: apply → review → agreement → download)."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.core.errors import DomainError
from yiwang.sharing import selectors
from yiwang.sharing.forms import DatasetDecisionForm, OperationDecisionForm, OperationEndForm
from yiwang.sharing.models import DatasetApplication, OperationAgreement
from yiwang.sharing.services import opendata, operations


@official_required
def operation_list(request: AuthedRequest) -> HttpResponse:
    agreements = selectors.operations_for(request.user)
    return render(request, "sharing/workbench/operation_list.html", {"agreements": agreements[:200]})


@official_required
def operation_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    agreement = selectors.operation_for(request.user, pk)
    which = request.POST.get("form")
    decision = OperationDecisionForm(request.POST if which == "decide" else None)
    end = OperationEndForm(request.POST if which == "end" else None)
    if which == "decide" and decision.is_valid():
        data = decision.cleaned_data
        try:
            if data["decision"] == "approve":
                operations.approve_operation(
                    request.user,
                    agreement,
                    agreement_no=data["agreement_no"],
                    fee_yuan=data["fee_yuan"] or Decimal("0"),
                )
                messages.success(request, _("已签署授权运营协议，运营开始"))
            else:
                operations.refuse_operation(request.user, agreement, reason=data["reason"])
                messages.success(request, _("已不予授权"))
        except DomainError as exc:
            decision.add_error(exc.field if exc.field in decision.fields else None, str(exc.message))
        else:
            return redirect("sharing:workbench:operation", pk=agreement.pk)
    if which == "end" and end.is_valid():
        try:
            operations.end_operation(request.user, agreement, reason=end.cleaned_data["reason"])
        except DomainError as exc:
            end.add_error(exc.field if exc.field in end.fields else None, str(exc.message))
        else:
            messages.success(request, _("协议已终止，核验接口立即停止应答"))
            return redirect("sharing:workbench:operation", pk=agreement.pk)
    agreement.refresh_from_db()
    context = {
        "agreement": agreement,
        "decision": decision if agreement.status == OperationAgreement.Status.APPLIED else None,
        "end": end if agreement.status == OperationAgreement.Status.ACTIVE else None,
    }
    return render(request, "sharing/workbench/operation_detail.html", context)


@official_required
def application_list(request: AuthedRequest) -> HttpResponse:
    applications = selectors.dataset_applications_for(request.user)
    return render(request, "sharing/workbench/application_list.html", {"applications": applications[:200]})


@official_required
def application_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    application = selectors.dataset_application_for(request.user, pk)
    form = DatasetDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opendata.decide_dataset_application(
                request.user,
                application,
                approve=form.cleaned_data["decision"] == "approve",
                agreement_no=form.cleaned_data["agreement_no"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("审核结果已送达申请人"))
            return redirect("sharing:workbench:application", pk=application.pk)
    pending = application.status == DatasetApplication.Status.REQUESTED
    context = {"application": application, "form": form if pending else None}
    return render(request, "sharing/workbench/application_detail.html", context)
