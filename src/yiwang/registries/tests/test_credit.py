"""Credit registry: deciding departments record their own decisions; only the source rates; latest rating holds."""

from __future__ import annotations

from datetime import date

import pytest

from yiwang.accounts.models import Department
from yiwang.core.errors import ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.registries.credit import current_rating, rate_entity, record_credit
from yiwang.registries.models import CreditRecord
from yiwang.registries.services import NotAuthoritative
from yiwang.registries.tests import factories


@pytest.fixture
def entity(org):
    Department.objects.filter(pk=org.xihu_samr.pk).update(kind=Department.Kind.MARKET_REGULATION)
    org.xihu_samr.refresh_from_db()
    return factories.entity(org.xihu_town, factories.person(org.xihu_town), name="西湖食品有限公司")


@pytest.mark.django_db
def test_only_market_regulation_rates_and_the_latest_rating_holds(org, make_official, entity):
    samr = make_official("samr", org.xihu_samr)
    rate_entity(entity, "B", rated_on=date(2025, 1, 1), department=org.xihu_samr, actor=samr)
    rate_entity(entity, "A", rated_on=date(2026, 1, 1), department=org.xihu_samr, actor=samr)
    assert current_rating(entity).risk_class == "A"
    assert current_rating(entity, on=date(2025, 6, 30)).risk_class == "B"
    tax = Department.objects.create(code="330106-SWJ", name="西湖区税务局", division=org.xihu, kind=Department.Kind.TAX)
    taxman = make_official("tax", tax)
    with pytest.raises(NotAuthoritative):
        rate_entity(entity, "D", rated_on=date(2026, 2, 1), department=tax, actor=taxman)
    with pytest.raises(ValidationFailed) as exc:
        rate_entity(entity, "E", rated_on=date(2026, 2, 1), department=org.xihu_samr, actor=samr)
    assert exc.value.field == "risk_class"
    assert AuditEntry.objects.filter(action="registry.credit.rate").count() == 2


@pytest.mark.django_db
def test_penalty_needs_a_decision_number_and_the_own_department(org, make_official, entity):
    samr = make_official("samr", org.xihu_samr)
    other = make_official("other", org.shangcheng_samr)
    with pytest.raises(ValidationFailed) as exc:
        record_credit(
            entity,
            kind="penalty",
            title="未按规定公示年报",
            decided_on=date(2026, 3, 1),
            department=org.xihu_samr,
            actor=samr,
        )
    assert exc.value.field == "decision_no"
    with pytest.raises(NotAuthoritative):
        record_credit(
            entity,
            kind="penalty",
            title="未按规定公示年报",
            decided_on=date(2026, 3, 1),
            department=org.xihu_samr,
            actor=other,
            decision_no="西市监罚〔2026〕12号",
        )
    record_credit(
        entity,
        kind="penalty",
        title="未按规定公示年报",
        decided_on=date(2026, 3, 1),
        department=org.xihu_samr,
        actor=samr,
        decision_no="西市监罚〔2026〕12号",
        legal_basis="《企业信息公示暂行条例》第十八条",
    )
    assert CreditRecord.objects.get().decision_no == "西市监罚〔2026〕12号"
