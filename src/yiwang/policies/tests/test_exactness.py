"""Matching and the calculator apply one rule: same eligibility, same amounts to the fen (half up), same statuses.

Found by an independent reference evaluator: 万元 scaled in floats (0.07 万元 → 700.0000000000001 元), revoked
enterprises eligible in the calculator only, and percentages rounded differently on the two paths. The equality
over a generated population and every demo policy is ``demo/tests/test_policy_agreement.py``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from yiwang.policies import services
from yiwang.policies.models import Offer
from yiwang.policies.tests import factories
from yiwang.registries.models import LegalEntity

AS_OF = date(2026, 6, 30)


def _rules(condition: str, amount: str) -> str:
    return f"""
conditions:
  all:
    - {{id: district, fact: district, op: eq, value: "330106", clause: "《办法》第二条"}}
    - {condition}
amount:
  {amount}
"""


def _eligible(entity: LegalEntity, code: str) -> dict | None:
    return next((e for e in services.calculator(entity, as_of=AS_OF)["eligible"] if e["policy_id"] == code), None)


def test_a_threshold_of_exactly_700_yuan_holds_for_0_07_wan_in_matching_and_in_the_calculator(
    org, make_entity, official
):
    entity = make_entity(tax_paid=Decimal("0.07"))
    rules = _rules('{id: tax, fact: tax_paid, op: le, value: 700, clause: "《办法》第三条"}', "fixed: 1000")
    policy = factories.policy(org.xihu_samr, code="XH-700", rules=rules, actor=official)

    assert _eligible(entity, "XH-700") is not None
    factories.run([policy], actor=official)
    assert Offer.objects.filter(policy=policy, uscc=entity.uscc).exists()


def test_a_revoked_or_cancelled_enterprise_qualifies_in_neither(org, make_entity, official):
    revoked = make_entity(status=LegalEntity.Status.REVOKED)
    cancelled = make_entity(status=LegalEntity.Status.CANCELLED)
    active = make_entity()
    policy = factories.policy(org.xihu_samr, actor=official, rules=factories.REVENUE_RULES.replace("10000000", "1"))

    assert _eligible(active, policy.code) is not None
    assert _eligible(revoked, policy.code) is None and _eligible(cancelled, policy.code) is None
    assert services.calculator(revoked, as_of=AS_OF)["near_misses"] == []
    factories.run([policy], actor=official)
    assert set(Offer.objects.filter(policy=policy).values_list("uscc", flat=True)) == {active.uscc}


def test_a_percentage_is_rounded_to_the_fen_half_up_on_both_paths(org, make_entity, official):
    entity = make_entity(tax_paid=Decimal("1.01"))  # 10,100 元 × 0.005% = 0.505 元 → 0.51 (half even: 0.50)
    rules = _rules(
        '{id: tax, fact: tax_paid, op: gt, value: 0, clause: "《办法》第三条"}',
        "percentage: {fact: tax_paid, rate: 0.00005}",
    )
    policy = factories.policy(org.xihu_samr, code="XH-PCT", rules=rules, actor=official)

    assert _eligible(entity, "XH-PCT")["amount"] == "0.51"
    run = factories.run([policy], actor=official)
    assert Offer.objects.get(policy=policy, uscc=entity.uscc).amount == Decimal("0.51")
    assert run.amounts_total == Decimal("0.51")
