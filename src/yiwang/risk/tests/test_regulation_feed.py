"""The classes feed the inspection plans: the draw's stratum of each firm is the class the run wrote, and a lead
closed into a targeted inspection lets the firm be drawn beyond its class's yearly limit."""

from __future__ import annotations

from datetime import date

import pytest

from yiwang.regulation.models import ItemKind, SamplingRatio
from yiwang.regulation.services import draws, plans
from yiwang.regulation.tests import factories as regulation
from yiwang.risk.models import Alert, RiskScore
from yiwang.risk.services import alerts
from yiwang.risk.services.classification import run_classification
from yiwang.risk.tests.conftest import MONTH

pytestmark = pytest.mark.django_db


def _lines(plan) -> dict[str, tuple[str, str]]:
    text = draws._target_lines(plan, draws._tasks(plan))
    return {cols[0]: (cols[1], cols[2]) for cols in (line.split("\t") for line in text.splitlines())}


def test_the_next_plan_strata_follow_the_classes_and_a_lead_lifts_the_limit(city):
    run = run_classification(MONTH, department=city.samr, actor=city.planner)
    item = regulation.item(city.samr, kind=ItemKind.GENERAL)
    firms = [*city.firms, *city.ring, city.shell]
    for firm in firms:
        regulation.roster_entry(firm)
    year = date.today().year
    for klass, limit in (("A", 0), ("B", 0), ("C", 0), ("D", 0)):  # nobody may be visited again this year…
        SamplingRatio.objects.create(
            year=year,
            division=city.org.xihu,
            item_kind=ItemKind.GENERAL,
            risk_class=klass,
            ratio_bp=10000,
            max_per_year=limit,
        )
    plan = plans.create_plan(
        code=f"{year}-RISK-01",
        name="信用风险分类定向抽查",
        year=year,
        division=city.org.xihu,
        lead_department=city.samr,
        period_start=date(year, 1, 1),
        period_end=date(year, 12, 31),
        tasks=[plans.TaskSpec(city.samr, [item])],
        actor=city.planner,
    )
    before = _lines(plan)
    for score in RiskScore.objects.filter(run=run).select_related("entity"):
        assert before[score.entity.uscc][0] == score.risk_class
    ring_firm = city.ring[0]
    assert before[ring_firm.uscc][1] == "1"  # …so it is excluded by the limit

    alert = Alert.objects.get(entity=ring_firm, indicator="ADDRESS_CLUSTER")
    alerts.close_alert(alert, outcome="confirmed", disposal="inspection", result="转定向检查", actor=city.planner)

    after = _lines(plan)
    assert after[ring_firm.uscc][1] == "0"  # …unless a confirmed lead calls for a targeted inspection
    assert after[city.ring[1].uscc][1] == "1"
