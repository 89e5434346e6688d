"""Builders of valid 免申即享 rows, through the same services an operator uses (plain functions, no magic)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from yiwang.accounts.models import Department, User
from yiwang.policies import services
from yiwang.policies.models import MatchRun, Offer, Policy
from yiwang.registries.models import LegalEntity

#: 西湖区 enterprises with an annual revenue of at least 1,000 万元 get a fixed 10,000 yuan.
REVENUE_RULES = """
conditions:
  all:
    - {id: district, fact: district, op: eq, value: "330106", clause: "《西湖区企业扶持办法（演示）》第二条"}
    - {id: revenue, fact: annual_revenue, op: ge, value: 10000000, clause: "《西湖区企业扶持办法（演示）》第三条"}
amount:
  fixed: 10000
"""


def policy(
    department: Department,
    *,
    code: str = "XH-TEST-001",
    title: str = "西湖区测试扶持政策",
    rules: str = REVENUE_RULES,
    budget: Decimal = Decimal("1000000"),
    actor: User | None = None,
    published: bool = True,
    **fields: Any,
) -> Policy:
    """A policy with its first rule version (published unless ``published=False``)."""
    fields.setdefault("legal_references", "《西湖区企业扶持办法（演示）》")
    created = services.create_policy(
        code=code, title=title, department=department, rules=rules, actor=actor, budget_total=budget, **fields
    )
    return services.publish_policy(created, actor=actor) if published else created


def run(policies: Iterable[Policy] | None = None, *, actor: User | None = None, **kwargs: Any) -> MatchRun:
    """A matching run (of every published policy by default), offers pushed as the service pushes them."""
    return services.run_matching(list(policies) if policies is not None else None, actor=actor, **kwargs)


def offer(for_policy: Policy, entity: LegalEntity, *, actor: User | None = None) -> Offer:
    """The open offer of ``for_policy`` to ``entity``, made by a matching run of that policy."""
    run([for_policy], actor=actor)
    return Offer.objects.get(policy=for_policy, uscc=entity.uscc, status=Offer.Status.OFFERED)
