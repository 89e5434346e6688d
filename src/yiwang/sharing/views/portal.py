"""Citizens' and enterprises' pages: the open-data portal, 谁看了我的数据 and an enterprise's 授权运营."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import DomainError, NotFound
from yiwang.sharing.forms import DatasetApplicationForm, OperationApplyForm, StatisticForm
from yiwang.sharing.models import OpenDataset, OperationAgreement
from yiwang.sharing.services import opendata, whoread
from yiwang.sharing.services import operations as operation_service


def _dataset(name: str) -> OpenDataset:
    try:
        return opendata.get_listed(name)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def open_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "sharing/open_list.html", {"datasets": opendata.listed().order_by("name")})


def open_detail(request: AuthedRequest, name: str) -> HttpResponse:
    dataset = _dataset(name)
    form = StatisticForm(request.POST or None)
    answer = None
    if request.method == "POST" and form.is_valid():
        filters = {k: form.cleaned_data[k] for k in ("division", "industry") if form.cleaned_data[k]}
        try:
            answer = opendata.noisy_statistic(
                dataset, filters=filters, measure=form.cleaned_data["measure"], epsilon=form.cleaned_data["epsilon"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
    context = {
        "dataset": dataset,
        "formats": list(opendata.FORMATS),
        "may_download": opendata.may_download(request.user, dataset),
        "preview": dataset.rows[:20],
        "form": form,
        "answer": answer,
        "ledger": dataset.privacy_queries.all()[:50],
        "spent": opendata.privacy_spent(dataset),
        "apply_form": DatasetApplicationForm(),
    }
    return render(request, "sharing/open_detail.html", context)


@login_required
def open_apply(request: AuthedRequest, name: str) -> HttpResponse:
    dataset = _dataset(name)
    form = DatasetApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            opendata.apply_for_dataset(request.user, dataset, purpose=form.cleaned_data["purpose"])
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("申请已提交，待开放主体审核并签署协议"))
    return redirect("sharing:open_detail", name=dataset.name)


def open_download(request: AuthedRequest, name: str, fmt: str) -> HttpResponse:
    dataset = _dataset(name)
    try:
        download = opendata.download(request.user, dataset, fmt, address=request.META.get("REMOTE_ADDR", ""))
    except DomainError as exc:
        return HttpResponse(str(exc.message), status=exc.status_code, content_type="text/plain; charset=utf-8")
    response = HttpResponse(download.content, content_type=opendata.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{dataset.name}.{fmt}"'
    response["X-Export"] = str(download.export.pk)
    return response


def open_dcat(request: AuthedRequest, name: str) -> JsonResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    response = JsonResponse(opendata.dcat(_dataset(name), base), json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/ld+json"
    return response


@login_required
def who_read(request: AuthedRequest) -> HttpResponse:
    """Every read and unmasking of the user's own records: who, when, purpose and grant."""
    entries = whoread.reads_of(request.user)
    return render(
        request, "sharing/who_read.html", {"entries": entries, "has_records": bool(whoread.subjects_of(request.user))}
    )


@login_required
def operations(request: AuthedRequest) -> HttpResponse:
    """授权运营 for an enterprise: apply to build a product on conditional data, and follow the applications."""
    form = OperationApplyForm(request.POST or None)
    uscc = request.user.enterprise_uscc or ""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            operation_service.apply_operation(
                request.user,
                data["resource"],
                operator_name=data["operator_name"],
                operator_uscc=uscc,
                product=data["product"],
                output=data["output"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("申请已提交，待资源提供部门审核并签署协议"))
            return redirect("sharing:operations")
    agreements = (
        OperationAgreement.objects.filter(operator_uscc=uscc).select_related("resource").order_by("-created_at")
        if uscc
        else OperationAgreement.objects.none()
    )
    return render(request, "sharing/operations.html", {"form": form, "agreements": agreements, "uscc": uscc})
