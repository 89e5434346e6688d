"""Applicants' pages: apply (with 免填 and 免提交 shown), my applications, one application's timeline."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import User
from yiwang.applications.delegation import chosen_principal, grant_delegation, principals_for, revoke_delegation
from yiwang.applications.feedback import public_statistics, rate_application
from yiwang.applications.forms import (
    ApplicantStepForm,
    DelegationGrantForm,
    DelegationRevokeForm,
    PrincipalForm,
    RateForm,
    add_domain_error,
    apply_form,
    changes_form,
    field_rows,
)
from yiwang.applications.forms_data import FormInvalid
from yiwang.applications.intake import applicant_identity
from yiwang.applications.lifecycle import TRANSITIONS, Actor, State, allowed_actions
from yiwang.applications.models import Application, Delegation, Rating
from yiwang.applications.prefill import prefill
from yiwang.applications.receipt import render_receipt_pdf
from yiwang.applications.selectors import applications_of
from yiwang.applications.services import act, certificates_for_materials, submit_application
from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import Conflict, DomainError, ValidationFailed


def principal_for_page(request: AuthedRequest, principals: list[User]) -> User | None:
    """The principal a delegate applies for: from the posted form, else the ``?for=`` link (授权代办)."""
    data = request.POST if request.method == "POST" else {"on_behalf_of": request.GET.get("for", "")}
    return chosen_principal(request.user, principals, PrincipalForm(data).principal_id())


@login_required
def apply(request: AuthedRequest, item_code: str) -> HttpResponse:
    item = get_object_or_404(ServiceItem.objects.select_related("department"), item_code=item_code, status="published")
    principals = principals_for(request.user, [item])
    principal = principal_for_page(request, principals)
    applicant = principal or request.user
    try:
        holder_id, _name = applicant_identity(applicant)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:me")
    filled = prefill(item.form_schema, applicant)
    by_certificate = certificates_for_materials(item, holder_id)
    form_class = apply_form(item)
    form = form_class(item=item, initial={"idempotency_key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, request.FILES, item=item, prefilled={n: p.value for n, p in filled.items()})
        if form.is_valid():
            try:
                application = submit_application(
                    item,
                    user=request.user,
                    form_data=form.answers(),
                    idempotency_key=form.cleaned_data["idempotency_key"],
                    uploads=form.uploads(),
                    on_behalf_of=principal,
                )
            except FormInvalid as exc:
                for name, message in exc.errors.items():
                    form.add_error(name if name in form.fields else None, message)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status_code if isinstance(exc, Conflict) else 200
            else:
                messages.success(request, _("申请已提交，办件编号 %(no)s") % {"no": application.application_no})
                return redirect("applications:detail", application_no=application.application_no)
    errors = form.field_errors() if form.is_bound else {}
    values = dict(form.data.items()) if form.is_bound else {}
    materials = [
        {"requirement": m, "certificate": by_certificate.get(m.pk), "error": errors.get(f"material_{m.pk}", "")}
        for m in item.materials.all()
    ]
    return render(
        request,
        "applications/apply.html",
        {
            "item": item,
            "fields": field_rows(item, filled, values, errors),
            "materials": materials,
            "key": form["idempotency_key"].value() or uuid.uuid4().hex,
            "general_error": "；".join(str(e) for e in form.non_field_errors()) if form.is_bound else "",
            "has_field_errors": bool(errors),
            "principals": principals,
            "principal": principal,
        },
        status=status,
    )


#: the timeline's words for the entries that are not lifecycle steps
_NOTE_LABELS = {"auto_check": gettext_lazy("秒批比对")}


def _timeline(application: Application) -> list[dict[str, Any]]:
    """The steps as the applicant reads them: when, what was done, the resulting state, the note."""
    steps = []
    for event in application.events.all():
        transition = TRANSITIONS.get(event.action)
        label = transition.label if transition else _NOTE_LABELS.get(event.action, _("提交申请"))
        steps.append({"at": event.at, "label": label, "state": State(event.to_state).label, "note": event.note})
    return steps


@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    return render(request, "applications/mine.html", {"applications": applications_of(request.user)[:100]})


@login_required
def detail(request: AuthedRequest, application_no: str) -> HttpResponse:
    application = applications_of(request.user).filter(application_no=application_no).first()
    if application is None:
        raise Http404
    if request.method == "POST" and RateForm.is_posted(request.POST):
        _rate(request, application)
        return redirect("applications:detail", application_no=application_no)
    if request.method == "POST":
        _take_step(request, application)
        return redirect("applications:detail", application_no=application_no)
    return render(
        request,
        "applications/detail.html",
        {
            "application": application,
            "timeline": _timeline(application),
            "materials": application.materials.select_related("requirement", "certificate"),
            "actions": allowed_actions(application.state, Actor.APPLICANT),
            "can_rate": application.state == State.COMPLETED and not hasattr(application, "rating"),
            "scores": Rating.Score.choices,
        },
    )


def _rate(request: AuthedRequest, application: Application) -> None:
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            rate_application(
                application,
                actor=request.user,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("感谢您的评价"))
            return
    for errors in form.errors.values():
        messages.error(request, str(errors[0]))


def _take_step(request: AuthedRequest, application: Application) -> None:
    actions = [t.action for t in allowed_actions(application.state, Actor.APPLICANT)]
    form = ApplicantStepForm(request.POST, actions=actions)
    changes = changes_form(application.item.form_schema)(request.POST)
    if not form.is_valid() or not changes.is_valid():
        raise Http404
    try:
        act(
            application,
            form.cleaned_data["action"],
            actor=request.user,
            note=form.cleaned_data["note"],
            form_data=changes.changes(),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))


@login_required
def receipt(request: AuthedRequest, application_no: str) -> HttpResponse:
    application = applications_of(request.user).filter(application_no=application_no).first()
    if application is None:
        raise Http404
    url = request.build_absolute_uri(reverse("applications:detail", args=[application_no]))
    response = HttpResponse(render_receipt_pdf(application, status_url=url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{application_no}.pdf"'
    return response


@login_required
def delegations(request: AuthedRequest) -> HttpResponse:
    """授权代办: the delegations a person gave (grant, revoke) and those they hold."""
    if request.method == "POST":
        revoking = DelegationRevokeForm.is_posted(request.POST)
        form: forms.Form = DelegationRevokeForm(request.POST) if revoking else DelegationGrantForm(request.POST)
        if form.is_valid():
            try:
                _save_delegation(request.user, form)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("已保存"))
                return redirect("applications:delegations")
        for errors in form.errors.values():
            messages.error(request, str(errors[0]))
        return redirect("applications:delegations")
    return render(
        request,
        "applications/delegations.html",
        {
            "given": Delegation.objects.filter(principal=request.user).select_related("delegate"),
            "held": Delegation.objects.filter(delegate=request.user, revoked_at__isnull=True).select_related(
                "principal"
            ),
        },
    )


def _save_delegation(user: User, form: forms.Form) -> None:
    if isinstance(form, DelegationRevokeForm):
        delegation = get_object_or_404(Delegation, pk=form.cleaned_data["revoke"], principal=user)
        revoke_delegation(delegation, actor=user)
        return
    delegate = User.objects.filter(username=form.cleaned_data["delegate"].strip()).first()
    if delegate is None:
        raise ValidationFailed(_("代办人账户不存在"), field="delegate")
    grant_delegation(
        user,
        delegate,
        relationship=form.cleaned_data["relationship"],
        valid_from=timezone.localdate(),
        valid_until=form.cleaned_data["valid_until"],
    )


def ratings(request: HttpRequest) -> HttpResponse:
    """Public 好差评 statistics per department and per item (政务服务评价公开)."""
    return render(
        request,
        "applications/ratings.html",
        {
            "by_department": public_statistics("department"),
            "by_item": public_statistics("item")[:50],
        },
    )
