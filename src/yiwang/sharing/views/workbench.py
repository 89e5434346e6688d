"""Officials' pages: the resource catalogue, sharing requests and decisions, credentials, usage alerts, joint
statistics."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.core.errors import DomainError
from yiwang.sharing import selectors
from yiwang.sharing.forms import (
    DecisionForm,
    GrantRequestForm,
    RevokeForm,
    SecureSumContributeForm,
    SecureSumOpenForm,
)
from yiwang.sharing.models import Grant, Resource, SecureSum
from yiwang.sharing.services import grants, secure_sum


@official_required
def catalogue(request: AuthedRequest) -> HttpResponse:
    resources = Resource.objects.select_related("provider").prefetch_related("items")
    return render(request, "sharing/workbench/catalogue.html", {"resources": resources})


@official_required
def grant_list(request: AuthedRequest) -> HttpResponse:
    form = GrantRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            grant = grants.request_grant(
                request.user,
                data["resource"],
                consumer=request.user.department,  # type: ignore[arg-type]
                purpose=data["purpose"],
                legal_basis=data["legal_basis"],
                fields=form.field_codes(),
                row_scope=data["row_scope"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
                daily_volume=data["daily_volume"],
                rate_per_minute=data["rate_per_minute"],
            )
        except DomainError as exc:
            form.add_error(_form_field(exc.field), str(exc.message))
        else:
            messages.success(request, _("共享申请已提交，答复期限 %(due)s") % {"due": grant.due_on})
            return redirect("sharing:workbench:grant", pk=grant.pk)
    today = timezone.localdate()
    rows = [(g, grants.is_overdue(g, today)) for g in selectors.grants_for(request.user)[:200]]
    return render(request, "sharing/workbench/grants.html", {"rows": rows, "form": form})


def _form_field(field: str | None) -> str | None:
    return {"fields": "items", "consumer": None, "actor": None}.get(field or "", field)


@official_required
def grant_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    grant = selectors.grant_for(request.user, pk)
    decision = DecisionForm(request.POST if request.POST.get("form") == "decide" else None)
    revoke = RevokeForm(request.POST if request.POST.get("form") == "revoke" else None)
    credential = ""
    if request.method == "POST":
        try:
            if request.POST.get("form") == "decide" and decision.is_valid():
                if decision.cleaned_data["decision"] == "approve":
                    grants.approve_grant(request.user, grant, reason=decision.cleaned_data["reason"])
                    messages.success(request, _("已同意共享，申请部门可领取调用凭证"))
                else:
                    grants.refuse_grant(request.user, grant, reason=decision.cleaned_data["reason"])
                    messages.success(request, _("已不予共享"))
                return redirect("sharing:workbench:grant", pk=grant.pk)
            if request.POST.get("form") == "revoke" and revoke.is_valid():
                grants.revoke_grant(request.user, grant, reason=revoke.cleaned_data["reason"])
                messages.success(request, _("授权已撤销，凭证立即失效"))
                return redirect("sharing:workbench:grant", pk=grant.pk)
            if request.POST.get("form") == "credential":
                credential = grants.reissue_credential(request.user, grant)
        except DomainError as exc:
            target = decision if request.POST.get("form") == "decide" else revoke
            target.add_error(exc.field if exc.field in target.fields else None, str(exc.message))
    grant.refresh_from_db()
    context = {
        "grant": grant,
        "decision": decision,
        "revoke": revoke,
        "credential": credential,
        "overdue": grants.is_overdue(grant),
        "answer_days": grants.answer_days(grant.resource),
        "reads": grant.reads.all()[:50],
        "alerts": grant.alerts.all(),
        "approved": grant.status == Grant.Status.APPROVED,
    }
    return render(request, "sharing/workbench/grant.html", context)


@official_required
def alerts(request: AuthedRequest) -> HttpResponse:
    return render(request, "sharing/workbench/alerts.html", {"alerts": selectors.alerts_for(request.user)[:200]})


@official_required
def joint_list(request: AuthedRequest) -> HttpResponse:
    """联合统计: the joint sums of the official's departments, and a form to open one."""
    form = SecureSumOpenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            session = secure_sum.open_secure_sum(
                request.user,
                initiator=request.user.department,  # type: ignore[arg-type]
                parties=list(form.cleaned_data["parties"]),
                description=form.cleaned_data["description"],
                unit=form.cleaned_data["unit"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("联合求和已发起，待各参与部门提交"))
            return redirect("sharing:workbench:joint_sum", pk=session.pk)
    context = {
        "sessions": secure_sum.sessions_for(request.user)[:200],
        "counts": selectors.joint_counts_for(request.user)[:50],
        "form": form,
    }
    return render(request, "sharing/workbench/joint_list.html", context)


@official_required
def joint_sum(request: AuthedRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(secure_sum.sessions_for(request.user), pk=pk)
    own = secure_sum.own_parties(request.user, session)
    pending = [p.department for p in own if p.contributed_at is None]
    form = SecureSumContributeForm(request.POST or None, departments=pending)
    if request.method == "POST" and form.is_valid():
        try:
            secure_sum.contribute_value(
                request.user, session, department=form.cleaned_data["department"], value=form.cleaned_data["value"]
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("已提交：本部门数值已拆分为随机份额，原值未保存"))
            return redirect("sharing:workbench:joint_sum", pk=session.pk)
    session.refresh_from_db()
    context = {
        "session": session,
        "parties": session.parties.select_related("department").order_by("position"),
        "form": form if pending and session.status == SecureSum.Status.COLLECTING else None,
        "prime": secure_sum.PRIME,
    }
    return render(request, "sharing/workbench/joint_sum.html", context)
