"""Citizen and enterprise pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import DomainError
from yiwang.core.forms import add_domain_error, errors_text
from yiwang.portal.forms import ErrorReportForm
from yiwang.registries.models import LegalEntity, Person
from yiwang.registries.selectors import provenance_rows
from yiwang.registries.services import report_discrepancy


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


def _own_records(request: AuthedRequest) -> tuple[Person | None, LegalEntity | None]:
    user = request.user
    person = (
        Person.objects.select_related("division").with_id_number(user.id_number).first() if user.id_number else None
    )
    entity = (
        LegalEntity.objects.select_related("division", "industry", "legal_representative")
        .filter(uscc=user.enterprise_uscc)
        .first()
        if user.enterprise_uscc
        else None
    )
    return person, entity


@login_required
def me(request: AuthedRequest) -> HttpResponse:
    """The user's own registry data, each element with its authoritative source, and a way to report errors."""
    person, entity = _own_records(request)
    return render(
        request,
        "portal/me.html",
        {
            "person": person,
            "person_rows": provenance_rows(person) if person else [],
            "entity": entity,
            "entity_rows": provenance_rows(entity) if entity else [],
        },
    )


@login_required
@require_POST
def report_error(request: AuthedRequest) -> HttpResponse:
    """Report that an element of one's own record is wrong; it goes to the element's authoritative source."""
    form = ErrorReportForm(request.POST)
    person, entity = _own_records(request)
    if form.is_valid():
        record = person if form.cleaned_data["registry"] == "person" else entity
        if record is None:
            messages.error(request, _("只能对本人或本企业的信息提出纠错"))
            return redirect("portal:me")
        try:
            report_discrepancy(
                record,
                form.cleaned_data["field"],
                form.cleaned_data["value"],
                actor=request.user,
                note=form.cleaned_data["note"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("已提交纠错，数据来源部门核实后会更正，并通知您处理结果。"))
    if form.errors:
        messages.error(request, errors_text(form))
    return redirect("portal:me")
