"""The 秒批 rule editor: officials edit an item's auto-approval rules with validation, and preview them against a
real applicant (inside their scope) before saving."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.accounts.scopes import scope_queryset
from yiwang.catalog.approval import applicant_facts, application_fact_schema
from yiwang.catalog.forms import ApprovalRulesForm
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.services import set_approval_rules
from yiwang.core.errors import DomainError
from yiwang.core.forms import add_domain_error
from yiwang.rules import explain, load_rule_set


def _items_for(request: AuthedRequest) -> QuerySet[ServiceItem]:
    """The items whose rules the official may edit: those of a department and division where they hold a role."""
    return scope_queryset(request.user, ServiceItem.objects.select_related("department").order_by("item_code"))


@official_required
def rule_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "catalog/workbench/rule_list.html", {"items": _items_for(request)})


def _preview(item: ServiceItem, data: dict[str, Any]) -> dict[str, Any]:
    """Explain the draft rules for the form's applicant (already checked to be in scope); nothing is saved."""
    schema = application_fact_schema(item)
    rules = load_rule_set(data["rules"], schema)
    facts = applicant_facts(data["applicant"], data["form_data"])
    return explain(rules, facts, schema, as_of=timezone.localdate()).as_dict()


@official_required
def rule_edit(request: AuthedRequest, item_code: str) -> HttpResponse:
    item = _items_for(request).filter(item_code=item_code).first()
    if item is None:
        raise Http404
    form = ApprovalRulesForm(
        request.POST if request.method == "POST" else None,
        item=item,
        user=request.user,
        initial={"rules": item.approval_rules, "form_data": "{}"},
    )
    decision = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data["action"] == "save":
            try:
                set_approval_rules(item, data["rules"], actor=request.user)
            except DomainError as exc:
                add_domain_error(form, exc, fields={"approval_rules": "rules"})
            else:
                messages.success(request, _("秒批规则已保存并发布新版本"))
                return redirect("catalog:workbench:rule_edit", item_code=item_code)
        elif data["action"] == "test" and data["rules"].strip():
            decision = _preview(item, data)
        else:
            messages.success(request, _("规则校验通过"))
    facts = [
        (name, fact.label, fact.type.value, fact.source) for name, fact in application_fact_schema(item).facts.items()
    ]
    return render(
        request,
        "catalog/workbench/rule_edit.html",
        {"item": item, "form": form, "problems": form.problems, "facts": facts, "decision": decision},
    )
