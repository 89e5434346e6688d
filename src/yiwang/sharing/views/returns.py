"""Officials' pages of 数据回流: schedule a return, deliver it now, download an extract, check a receipt."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.accounts.permissions import acts_for
from yiwang.core import audit
from yiwang.core.errors import DomainError
from yiwang.sharing import selectors
from yiwang.sharing.forms import ReceiptCheckForm, ReturnRunForm, ReturnScheduleForm
from yiwang.sharing.services import returns

_FIELDS = {"fields": "items", "resource": "resource", "recipient": "recipient", "every_days": "every_days"}


@official_required
def return_list(request: AuthedRequest) -> HttpResponse:
    form = ReturnScheduleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            schedule = returns.schedule_return(
                request.user,
                data["resource"],
                division=data["division"],
                recipient=data["recipient"],
                fields=form.field_codes(),
                every_days=data["every_days"],
                first_on=data["first_on"],
            )
        except DomainError as exc:
            form.add_error(_FIELDS.get(exc.field or ""), str(exc.message))
        else:
            messages.success(request, _("回流计划已建立，首次回流 %(d)s") % {"d": schedule.next_run_on})
            return redirect("sharing:workbench:return", pk=schedule.pk)
    schedules = selectors.return_schedules_for(request.user)
    return render(request, "sharing/workbench/return_list.html", {"schedules": schedules, "form": form})


@official_required
def return_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    schedule = selectors.return_schedule_for(request.user, pk)
    which = request.POST.get("form")
    run_form = ReturnRunForm(request.POST if which == "run" else None)
    check_form = ReceiptCheckForm(
        request.POST if which == "check" else None, request.FILES if which == "check" else None
    )
    checked = None
    if which == "run" and run_form.is_valid():
        try:
            extract = returns.run_return_now(request.user, schedule)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(
                request, _("已回流 %(n)d 行，SM3 %(d)s") % {"n": extract.row_count, "d": extract.sm3_digest[:16]}
            )
        return redirect("sharing:workbench:return", pk=schedule.pk)
    if which == "check" and check_form.is_valid():
        received = schedule.extracts.filter(pk=check_form.cleaned_data["extract"]).first()
        if received is None:
            raise Http404(_("未找到该回执"))
        checked = (received, returns.verify_receipt(received, check_form.cleaned_data["file"].read()))
    context = {
        "schedule": schedule,
        "extracts": schedule.extracts.select_related("export").all()[:100],
        "run_form": run_form,
        "check_form": check_form,
        "checked": checked,
        "is_provider": acts_for(request.user, schedule.resource.provider),
    }
    return render(request, "sharing/workbench/return_detail.html", context)


@official_required
def return_extract(request: AuthedRequest, pk: int, extract_pk: int) -> HttpResponse:
    """The delivered file itself, as its receipt describes it; each download is audited."""
    schedule = selectors.return_schedule_for(request.user, pk)
    extract = schedule.extracts.filter(pk=extract_pk).first()
    if extract is None:
        raise Http404(_("未找到该回执"))
    audit.record("sharing.return.download", actor=request.user, obj=extract, data={"sm3": extract.sm3_digest})
    response = HttpResponse(bytes(extract.content), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="return-{schedule.pk}-{extract.pk}.csv"'
    response["X-SM3"] = extract.sm3_digest
    return response
