"""The 秒批 rule editor: officials edit an item's auto-approval rules with validation, and preview them against a
real applicant (inside their scope) before saving."""

from __future__ import annotations

import json
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
from yiwang.catalog.models import ServiceItem
from yiwang.catalog.services import set_approval_rules
from yiwang.core.errors import DomainError
from yiwang.core.identifiers import is_valid_id_number, normalize_identifier
from yiwang.core.keys import index_of
from yiwang.registries.selectors import entities_for, persons_for
from yiwang.rules import RuleError, explain, load_rule_set


def _items_for(request: AuthedRequest) -> QuerySet[ServiceItem]:
    """The items whose rules the official may edit: those of a department and division where they hold a role."""
    return scope_queryset(request.user, ServiceItem.objects.select_related("department").order_by("item_code"))


@official_required
def rule_list(request: AuthedRequest) -> HttpResponse:
    return render(request, "catalog/workbench/rule_list.html", {"items": _items_for(request)})


def _preview(request: AuthedRequest, item: ServiceItem, rules_text: str) -> tuple[dict[str, Any] | None, str]:
    """Explain the draft rules for one applicant in the official's scope (nothing is saved)."""
    ident = normalize_identifier(request.POST.get("applicant", ""))
    if is_valid_id_number(ident):
        in_scope = persons_for(request.user).filter(id_number_index=index_of(ident)).exists()
    else:
        in_scope = entities_for(request.user).filter(uscc=ident).exists()
    if not in_scope:
        return None, _("辖区内未找到该申请人（请输入公民身份号码或统一社会信用代码）")
    try:
        form_data = json.loads(request.POST.get("form_data") or "{}")
    except json.JSONDecodeError:
        return None, _("表单数据应为 JSON 对象")
    facts = applicant_facts(ident, form_data if isinstance(form_data, dict) else {})
    schema = application_fact_schema(item)
    rules = load_rule_set(rules_text, schema)
    return explain(rules, facts, schema, as_of=timezone.localdate()).as_dict(), ""


@official_required
def rule_edit(request: AuthedRequest, item_code: str) -> HttpResponse:
    item = _items_for(request).filter(item_code=item_code).first()
    if item is None:
        raise Http404
    rules_text = request.POST.get("rules", item.approval_rules) if request.method == "POST" else item.approval_rules
    problems: list[dict[str, str]] = []
    decision = None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if rules_text.strip():
                load_rule_set(rules_text, application_fact_schema(item))
        except RuleError as exc:
            problems = [p.as_dict() for p in exc.problems]
        if not problems and action == "save":
            try:
                set_approval_rules(item, rules_text, actor=request.user)
            except DomainError as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("秒批规则已保存并发布新版本"))
                return redirect("catalog:workbench:rule_edit", item_code=item_code)
        elif not problems and action == "test" and rules_text.strip():
            decision, error = _preview(request, item, rules_text)
            if error:
                messages.error(request, error)
        elif not problems:
            messages.success(request, _("规则校验通过"))
    facts = [
        (name, fact.label, fact.type.value, fact.source) for name, fact in application_fact_schema(item).facts.items()
    ]
    return render(
        request,
        "catalog/workbench/rule_edit.html",
        {
            "item": item,
            "rules": rules_text,
            "problems": problems,
            "facts": facts,
            "decision": decision,
            "applicant": request.POST.get("applicant", ""),
            "form_data": request.POST.get("form_data", "{}"),
        },
    )
