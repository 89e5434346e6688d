"""Matching and the calculator agree, for every entity of a generated population (amounts at the thresholds'
edges, revoked and cancelled ones among them) and every demo policy: same eligibility, same amount to the fen."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest

from yiwang.demo.policies import ensure_demo_policies
from yiwang.policies import services
from yiwang.policies.facts import entity_snapshot
from yiwang.policies.rulesets import definition_of, new_matcher, published_versions
from yiwang.policies.tests.conftest import field_keys, fresh_calculator, industries, make_entity  # noqa: F401
from yiwang.registries.models import CreditRating, LegalEntity

AS_OF = date(2026, 6, 30)

# --- property: on a generated population, the two paths agree for every entity and every demo policy ----------

#: 万元 thresholds of the demo policies; entities are drawn at, just below and just above them.
EDGES_WAN = [10, 50, 100, 500, 1000, 2000, 3000, 5000, 10000, 50000]


def _edge(rng: random.Random) -> Decimal:
    base = Decimal(rng.choice(EDGES_WAN))
    return max(base + Decimal(rng.choice([-1, 0, 0, 1])) / 100 + Decimal(rng.choice([0, 0, 7])) / 100, Decimal(0))


def _years_ago(years: int) -> date:
    return AS_OF.replace(year=AS_OF.year - years)


@pytest.fixture
def edge_population(org, make_entity):  # noqa: F811 - the fixture imported above
    rng = random.Random(20261202)
    statuses = [LegalEntity.Status.ACTIVE] * 8 + [LegalEntity.Status.REVOKED, LegalEntity.Status.CANCELLED]
    entities = []
    for _ in range(300):
        entity = make_entity(
            division=rng.choice([org.xihu_town, org.shangcheng, org.xihu]),
            industry=rng.choice(["65", "34", "51", "62"]),
            size=rng.choice(["micro", "small", "medium", "large"]),
            headcount=rng.choice([None, 4, 5, 9, 10, 19, 20, 29, 30, 49, 50, 99, 100, 200]),
            annual_revenue=_edge(rng) if rng.random() < 0.9 else None,
            tax_paid=_edge(rng) if rng.random() < 0.9 else None,
            registered_capital=_edge(rng),
            social_insurance_headcount=rng.choice([0, 1, 2, 3, 5, 10, 30, 50, 100, 101, 200]),
            founding_date=AS_OF.replace(year=AS_OF.year - rng.choice([1, 2, 5]))
            + timedelta(days=rng.choice([-1, 0, 1])),
            tags=rng.sample(["高新技术企业", "专精特新", "小微企业", "科技型中小企业"], rng.randint(0, 2)),
            status=rng.choice(statuses),
        )
        if rng.random() < 0.7:
            CreditRating.objects.create(
                entity=entity, risk_class=rng.choice("ABCD"), rated_on=date(2026, 1, 1), department=org.xihu_samr
            )
        entities.append(entity)
    return entities


def test_matching_and_the_calculator_agree_on_every_entity_and_demo_policy_to_the_fen(edge_population):
    ensure_demo_policies(200)
    versions = published_versions()
    snapshot = entity_snapshot()
    matcher = new_matcher(versions, AS_OF)
    matcher.load(snapshot.table)
    matcher.run()
    by_matching: dict[tuple[str, str], Decimal] = {}
    for version in versions:
        rows = matcher.eligible(version.policy.code)
        fen = matcher.amounts_fen(definition_of(version), rows)
        for row, amount in zip(rows.tolist(), fen.tolist(), strict=True):
            by_matching[(snapshot.usccs[row].decode(), version.policy.code)] = Decimal(amount) / 100

    by_calculator: dict[tuple[str, str], Decimal] = {}
    for entity in edge_population:
        for e in services.calculator(entity, as_of=AS_OF)["eligible"]:  # a missing amount fact: nothing to pay
            by_calculator[(entity.uscc, e["policy_id"])] = Decimal(e["amount"] or 0)

    assert len(by_matching) > 300  # the population does reach the policies
    assert {k for k in by_matching} == {k for k in by_calculator}
    assert {k: v for k, v in by_matching.items() if v != by_calculator[k]} == {}
