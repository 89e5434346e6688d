"""The demo city's risk: the planted ring is found, leads are verified, two monthly runs with their history."""

from __future__ import annotations

import pytest

from yiwang.registries.credit import current_rating
from yiwang.risk.models import Alert, ClassificationRun, RiskScore
from yiwang.risk.services.alerts import precision_by_quarter
from yiwang.risk.services.classification import reproduce_score


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_city_finds_its_ring_and_verifies_the_first_leads(settings):
    from yiwang.demo.seeding import seed_demo_city

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    report = seed_demo_city(persons=300, enterprises=40)
    runs = list(ClassificationRun.objects.order_by("month"))
    assert [str(r) for r in runs] == ["2026-10", "2026-11"]
    ring = RiskScore.objects.filter(run=runs[-1], entity__address__contains="文三路")
    assert ring.count() == 12
    assert all(s.risk_class in "CD" for s in ring)
    hits = {i["code"] for i in ring.first().explanation["indicators"] if i["hit"]}
    assert {"ADDRESS_CLUSTER", "PERSON_CONTROLS_MANY", "REP_ADDRESS_CHANGE"} <= hits
    for score in ring:
        assert current_rating(score.entity).risk_class == score.risk_class
        again = reproduce_score(score)
        assert (again["score"], again["risk_class"]) == (score.score, score.risk_class)
    assert Alert.objects.filter(indicator="SHELL_CAPITAL").count() == 3
    assert Alert.objects.filter(indicator="SHELL_CAPITAL", department__code__endswith="SWJ").count() == 3
    address = next(p for p in precision_by_quarter() if p.indicator == "ADDRESS_CLUSTER")
    assert (address.raised, address.closed, address.confirmed) == (12, 3, 2)
    assert Alert.objects.filter(status="closed", disposal="inspection", regulation_lead__open=True).count() == 1
    assert {"demo-risk-analyst", "demo-risk-verifier", "demo-risk-firm"} <= {x.username for x in report.logins}
    again = seed_demo_city(persons=300, enterprises=40)
    assert ClassificationRun.objects.count() == 2 and len(again.logins) == len(report.logins)
