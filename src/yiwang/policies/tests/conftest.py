"""Fixtures of the policy tests: field keys, generated enterprises with varied facts, policy builders, agents."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import override_settings

from yiwang.core.identifiers import make_uscc
from yiwang.policies.tests.factories import REVENUE_RULES

TEST_FIELD_KEYS = {"test2026": "00112233445566778899aabbccddeeff"}
PASSWORD = "Correct-Horse-9"
TAG_CHOICES = ["高新技术企业", "专精特新", "小微企业", "科技型中小企业"]

REVENUE_POLICY = REVENUE_RULES


@pytest.fixture(autouse=True)
def fresh_calculator():
    """The calculator's compiled matchers are cached by version ids, which SQLite reuses after each test's rollback."""
    from yiwang.policies import rulesets

    rulesets._CALCULATORS.clear()
    yield
    rulesets._CALCULATORS.clear()


@pytest.fixture(autouse=True)
def field_keys():
    with override_settings(YIWANG_FIELD_KEYS=TEST_FIELD_KEYS, YIWANG_FIELD_KEY_CURRENT="test2026"):
        yield


@pytest.fixture
def industries(db):
    from yiwang.registries.models import Industry

    names = {"65": "软件和信息技术服务业", "34": "通用设备制造业", "51": "批发业", "62": "餐饮业"}
    return {
        code: Industry.objects.get_or_create(code=code, defaults={"name": n, "section": "C"})[0]
        for code, n in names.items()
    }


@pytest.fixture
def make_entity(org, industries):
    """An active enterprise in 西湖区 (or the given division) with the given facts (revenue etc. in 万元)."""
    from yiwang.registries.models import LegalEntity
    from yiwang.registries.tests.factories import person

    counter = iter(range(1, 10**6))

    def make(*, division=None, name=None, rep_name="王小明", industry="65", **fields):
        n = next(counter)
        division = division or org.xihu_town
        values = {
            "registered_capital": Decimal("100.00"),
            "founding_date": date(2019, 3, 1),
            "size": "small",
            "headcount": 25,
            "annual_revenue": Decimal("800.00"),
            "tax_paid": Decimal("20.00"),
            "social_insurance_headcount": 20,
            "tags": [],
        }
        values.update(fields)
        return LegalEntity.objects.create(
            uscc=make_uscc("9", "1", division.code[:6], f"{n:08d}"),
            name=name or f"杭州测试{n}号科技有限公司",
            entity_type=LegalEntity.EntityType.LIMITED_COMPANY,
            legal_representative=person(division, name=rep_name),
            industry=industries[industry],
            division=division,
            address=f"{division.name}{n}号",
            **values,
        )

    return make


@pytest.fixture
def generated_entities(org, make_entity):
    """150 enterprises with varied facts (some missing, some with credit ratings), drawn from a fixed seed."""
    from yiwang.registries.models import CreditRating, LegalEntity

    rng = random.Random(20261125)
    entities = []
    for _ in range(150):
        missing = rng.random() < 0.15
        entity = make_entity(
            division=rng.choice([org.xihu_town, org.shangcheng, org.xihu]),
            industry=rng.choice(["65", "34", "51", "62"]),
            size=rng.choice(["micro", "small", "medium", "large", ""]),
            headcount=None if missing else rng.randint(1, 400),
            annual_revenue=None if missing else Decimal(rng.randint(10, 50000)),
            tax_paid=Decimal(rng.randint(0, 2000)) if rng.random() < 0.9 else None,
            social_insurance_headcount=rng.randint(0, 300),
            founding_date=date(2026, 1, 1) - timedelta(days=rng.randint(30, 9000)),
            registered_capital=Decimal(rng.randint(1, 5000)),
            tags=rng.sample(TAG_CHOICES, rng.randint(0, 2)),
            status=LegalEntity.Status.ACTIVE if rng.random() < 0.95 else LegalEntity.Status.CANCELLED,
        )
        if rng.random() < 0.6:
            for days in (400, 30):
                CreditRating.objects.create(
                    entity=entity,
                    risk_class=rng.choice("ABCD"),
                    rated_on=date(2026, 1, 1) - timedelta(days=days),
                    department=org.xihu_samr,
                )
        entities.append(entity)
    return entities


@pytest.fixture
def official(org, make_official):
    return make_official("xihu_policy_clerk", org.xihu_samr)


@pytest.fixture
def make_policy(org, official):
    """A published proactive policy of 西湖区市场监督管理局 (rules as YAML)."""
    from yiwang.policies.tests import factories

    def make(code="XH-TEST-001", rules=REVENUE_POLICY, budget=Decimal("1000000"), title="西湖区测试扶持政策", **kw):
        return factories.policy(org.xihu_samr, code=code, rules=rules, budget=budget, title=title, actor=official, **kw)

    return make


@pytest.fixture
def make_agent(db):
    from yiwang.accounts.models import User

    def make(entity, username=None):
        return User.objects.create_user(
            username=username or f"agent-{entity.uscc}",
            password=PASSWORD,
            kind=User.Kind.AGENT,
            full_name="经办人",
            enterprise_uscc=entity.uscc,
        )

    return make
