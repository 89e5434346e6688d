"""A small city for regulation: two departments with items, officers with logins, firms on the roster, ratios."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from yiwang.accounts.models import Department
from yiwang.core.workdays import seed_provisional_calendar, seed_work_calendar
from yiwang.registries.tests import factories as registry
from yiwang.regulation.models import ItemKind, SamplingRatio
from yiwang.regulation.tests import factories

YEAR = date.today().year


@dataclass
class City:
    org: Any
    samr: Department
    health: Department
    samr_items: list
    health_items: list
    officers: dict
    firms: list
    planner: Any
    health_planner: Any
    reviewer: Any


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The city has a dozen logins: hash their test passwords cheaply (the login tests check the real hasher)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(org, make_official) -> City:
    seed_work_calendar([YEAR])
    seed_provisional_calendar(YEAR + 1)
    samr = org.xihu_samr
    Department.objects.filter(pk=samr.pk).update(kind=Department.Kind.MARKET_REGULATION)
    samr.refresh_from_db()
    health = Department.objects.create(
        code="330106-WJW", name="西湖区卫生健康局", division=org.xihu, kind=Department.Kind.HEALTH
    )
    samr_items = [factories.item(samr, name="食品经营检查"), factories.item(samr, name="广告发布检查")]
    health_items = [factories.item(health, name="公共场所卫生检查")]
    officers = {}
    for dept, items, prefix in ((samr, samr_items, "s"), (health, health_items, "h")):
        for k in range(4):
            user = make_official(f"{prefix}officer{k}", dept, roles=("acceptor",))
            person = registry.person(org.xihu_town, name=f"执法{prefix}{k}")
            officers[f"{prefix}{k}"] = factories.inspector(dept, items, user=user, person=person)
    firms = []
    for k in range(12):
        firm = registry.entity(org.xihu_town, registry.person(org.xihu_town), name=f"西湖商户{k}有限公司")
        factories.roster_entry(firm)
        firms.append(firm)
    for kind in ItemKind.values:
        for klass, ratio, limit in (("A", 10000, 1), ("B", 10000, None), ("C", 10000, None), ("D", 10000, None)):
            SamplingRatio.objects.create(
                year=YEAR, division=org.xihu, item_kind=kind, risk_class=klass, ratio_bp=ratio, max_per_year=limit
            )
    return City(
        org=org,
        samr=samr,
        health=health,
        samr_items=samr_items,
        health_items=health_items,
        officers=officers,
        firms=firms,
        planner=make_official("planner", samr, roles=("approver",)),
        health_planner=make_official("hplanner", health, roles=("approver",)),
        reviewer=make_official("reviewer", samr, roles=("approver",)),
    )
