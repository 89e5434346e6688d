"""Authoring policies (政策制定): a draft with its first rule version, new versions, publication and retirement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.policies.facts import ENTERPRISE_SCHEMA
from yiwang.policies.models import Offer, Policy, PolicyVersion
from yiwang.policies.rulesets import RulesInvalid, case_failures, parse_rules


def _version(policy: Policy, rules: str, actor: User | None) -> PolicyVersion:
    parse_rules(policy.code, policy.title, rules)
    failures = case_failures(policy.code, policy.title, rules)
    if failures:  # a version whose own test cases fail is not saved
        raise RulesInvalid(failures)
    last = policy.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PolicyVersion.objects.create(policy=policy, number=last + 1, rules=rules, created_by=actor)
    policy.current_version = version
    policy.save(update_fields=["current_version"])
    return version


@transaction.atomic
def create_policy(
    *,
    code: str,
    title: str,
    department: Department,
    rules: str,
    actor: User | None,
    budget_total: Decimal = Decimal(0),
    legal_references: str = "",
    route: str = Policy.Route.PROACTIVE,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Policy:
    """A draft policy with its first rule version; the rules are checked before anything is written."""
    if actor is not None:
        require_acts_for(actor, department)
    code = code.strip()
    if not code or not title.strip():
        raise ValidationFailed(_("政策编码和名称不能为空"), field="code" if not code else "title")
    if Policy.objects.filter(code=code).exists():
        raise Conflict(_("政策编码 %(code)s 已存在") % {"code": code}, field="code")
    if budget_total < 0:
        raise ValidationFailed(_("资金预算不能为负数"), field="budget_total")
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationFailed(_("截止日期不能早于生效日期"), field="valid_until")
    parse_rules(code, title, rules)
    policy = Policy.objects.create(
        code=code,
        title=title.strip(),
        department=department,
        legal_references=legal_references,
        route=route,
        valid_from=valid_from,
        valid_until=valid_until,
        budget_total=budget_total,
    )
    version = _version(policy, rules, actor)
    audit.record("policy.create", actor=actor, obj=policy, data={"version": version.number, "budget": budget_total})
    return policy


@transaction.atomic
def new_version(policy: Policy, rules: str, *, actor: User | None) -> PolicyVersion:
    """A new rule version that becomes current (earlier versions stay as the evidence of past runs)."""
    require_acts_for(actor, policy.department)
    version = _version(policy, rules, actor)
    audit.record("policy.version.create", actor=actor, obj=policy, data={"version": version.number})
    return version


@transaction.atomic
def publish_policy(policy: Policy, *, actor: User | None) -> Policy:
    if actor is not None:
        require_acts_for(actor, policy.department)
    if policy.current_version_id is None:
        raise Conflict(_("政策尚无规则版本，不能发布"), field="rules")
    policy.status = Policy.Status.PUBLISHED
    policy.save(update_fields=["status"])
    audit.record("policy.publish", actor=actor, obj=policy)
    return policy


@transaction.atomic
def retire_policy(policy: Policy, *, actor: User | None) -> int:
    """Stop a policy (停止兑现): open offers expire; confirmed ones are still paid. Returns offers expired."""
    require_acts_for(actor, policy.department)
    Policy.objects.select_for_update().get(pk=policy.pk)
    policy.status = Policy.Status.RETIRED
    policy.save(update_fields=["status"])
    expired = Offer.objects.filter(policy=policy, status=Offer.Status.OFFERED).update(status=Offer.Status.EXPIRED)
    audit.record("policy.retire", actor=actor, obj=policy, data={"offers_expired": expired})
    return expired


def schema_facts() -> list[dict[str, str]]:
    """The facts rules may use, for authors: name, type, label, unit and source data element."""
    return [
        {"name": f.name, "type": f.type.value, "label": f.label, "unit": f.unit, "source": f.source}
        for f in ENTERPRISE_SCHEMA
    ]
