"""Officials' pages: start a window intake or a 帮代办 (identity check, SMS code), then enter and confirm."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.applications.forms import add_domain_error, apply_form, field_rows
from yiwang.applications.forms_data import FormInvalid
from yiwang.applications.prefill import prefill
from yiwang.applications.services import certificates_for_materials
from yiwang.channels.forms import CodeForm, StartForm
from yiwang.channels.models import Confirmation
from yiwang.channels.services import CODE_MINUTES, confirm_and_submit, start_confirmation
from yiwang.core.channels import mask_address
from yiwang.core.errors import DomainError
from yiwang.registries.masking import mask_id_number

_TITLES = {Confirmation.Kind.WINDOW: gettext_lazy("窗口收件"), Confirmation.Kind.ASSISTED: gettext_lazy("帮代办")}


def _start(request: AuthedRequest, kind: str) -> HttpResponse:
    form = StartForm(request.POST or None, helper=request.user, kind=kind)
    if request.method == "POST" and form.is_valid():
        try:
            confirmation = start_confirmation(
                request.user,
                form.cleaned_data["item"],
                id_number=form.cleaned_data["id_number"],
                name=form.cleaned_data["name"],
                kind=kind,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                _("身份核验通过，验证码已发送至申请人手机 %(phone)s，%(minutes)s 分钟内有效。")
                % {"phone": mask_address(confirmation.applicant.phone), "minutes": CODE_MINUTES},
            )
            return redirect("channels:workbench:confirm", token=confirmation.token)
    recent = Confirmation.objects.filter(helper=request.user, kind=kind).select_related(
        "item", "applicant", "application"
    )[:10]
    return render(
        request,
        "channels/workbench/start.html",
        {"form": form, "kind": kind, "title": _TITLES[Confirmation.Kind(kind)], "recent": recent},
        status=400 if form.errors else 200,
    )


@official_required
def window(request: AuthedRequest) -> HttpResponse:
    """窗口收件: an official registers a walk-in's application; the applicant confirms by SMS code."""
    return _start(request, Confirmation.Kind.WINDOW)


@official_required
def assist(request: AuthedRequest) -> HttpResponse:
    """帮代办: a community worker applies for a resident who consents by SMS code, on the spot or at home."""
    return _start(request, Confirmation.Kind.ASSISTED)


@official_required
def confirm(request: AuthedRequest, token: uuid.UUID) -> HttpResponse:
    """Enter the application for the verified applicant, with the code they received; or see the result."""
    confirmation = (
        Confirmation.objects.select_related("item__department", "applicant", "application")
        .filter(token=token, helper=request.user)
        .first()
    )
    if confirmation is None:
        raise Http404
    item, applicant = confirmation.item, confirmation.applicant
    context: dict[str, Any] = {
        "confirmation": confirmation,
        "item": item,
        "title": _TITLES[Confirmation.Kind(confirmation.kind)],
        "masked_id": mask_id_number(applicant.id_number or ""),
        "masked_phone": mask_address(applicant.phone or ""),
    }
    if confirmation.is_confirmed:
        return render(request, "channels/workbench/done.html", context)
    filled = prefill(item.form_schema, applicant)
    by_certificate = certificates_for_materials(item, applicant.id_number or "")
    form_class = apply_form(item)
    form = form_class(item=item, initial={"idempotency_key": uuid.uuid4().hex})
    code_form = CodeForm()
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, item=item, prefilled={n: p.value for n, p in filled.items()})
        code_form = CodeForm(request.POST)
        if form.is_valid() and code_form.is_valid():
            try:
                application = confirm_and_submit(
                    confirmation,
                    request.user,
                    code=code_form.cleaned_data["code"],
                    form_data=form.answers(),
                    idempotency_key=form.cleaned_data["idempotency_key"] or uuid.uuid4().hex,
                    uploads=form.uploads(),
                )
            except FormInvalid as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            except DomainError as exc:
                target = code_form if exc.field == "code" else form
                add_domain_error(target, exc)
            else:
                messages.success(
                    request,
                    _("申请人已确认，办件 %(no)s 已提交，办理渠道：%(channel)s。")
                    % {"no": application.application_no, "channel": application.get_channel_display()},
                )
                return redirect("channels:workbench:confirm", token=confirmation.token)
    errors = form.field_errors() if form.is_bound else {}
    values = dict(form.data.items()) if form.is_bound else {}
    context |= {
        "fields": field_rows(item, filled, values, errors),
        "materials": [
            {"requirement": m, "certificate": by_certificate.get(m.pk), "error": errors.get(f"material_{m.pk}", "")}
            for m in item.materials.all()
        ],
        "key": form["idempotency_key"].value() or uuid.uuid4().hex,
        "general_error": "；".join(str(e) for e in form.non_field_errors()) if form.is_bound else "",
        "code_form": code_form,
    }
    return render(request, "channels/workbench/confirm.html", context, status=400 if form.is_bound else 200)
