"""The enterprise's policy page: what it already qualifies for, near misses, and one-click confirmation."""

from __future__ import annotations

from decimal import Decimal

import pytest

from yiwang.policies import services
from yiwang.policies.models import Offer, Payout


@pytest.mark.django_db
def test_agent_sees_offer_confirms_and_second_is_refused_when_budget_is_spent(
    client, make_entity, make_policy, make_agent, official
):
    first = make_entity(annual_revenue=Decimal("2000.00"))
    second = make_entity(annual_revenue=Decimal("3000.00"))
    make_policy(budget=Decimal("15000"))
    services.run_matching(actor=official)
    client.force_login(make_agent(first))
    page = client.get("/policies/").content.decode()
    assert "待确认" in page and "一键确认申领" in page and "比对依据" in page
    offer = Offer.objects.get(uscc=first.uscc)
    client.post(f"/policies/offers/{offer.pk}/", {"decision": "confirm", "bank_account": "6222021202012345678"})
    assert Payout.objects.filter(offer=offer).exists()
    client.force_login(make_agent(second))
    other = Offer.objects.get(uscc=second.uscc)
    response = client.post(
        f"/policies/offers/{other.pk}/", {"decision": "confirm", "bank_account": "6222021202019999"}, follow=True
    )
    assert not Payout.objects.filter(offer=other).exists()
    assert "政策资金余额不足" in response.content.decode()
    assert client.post(f"/policies/offers/{offer.pk}/", {"decision": "decline"}).status_code == 404  # not theirs


@pytest.mark.django_db
def test_the_push_reaches_the_enterprises_agent_once(make_entity, make_policy, make_agent, official):
    from yiwang.core.models import Notification

    entity = make_entity(annual_revenue=Decimal("2000.00"))
    agent = make_agent(entity)
    make_policy(budget=Decimal("15000"))
    services.run_matching(actor=official)
    services.run_matching(actor=official)  # no second offer, no second message
    assert sorted(Notification.objects.filter(recipient=agent).values_list("channel", flat=True)) == ["portal", "sms"]


@pytest.mark.django_db
def test_public_notice_page_masks_and_takes_objections(client, make_entity, make_policy, official):
    from yiwang.policies.models import Objection

    entity = make_entity(annual_revenue=Decimal("2000.00"), rep_name="张三丰")
    policy = make_policy(budget=Decimal("15000"))
    services.run_matching(actor=official)
    page = client.get(f"/policies/{policy.code}/notice/").content.decode()
    assert entity.name in page and "张**" in page and "张三丰" not in page
    client.post(f"/policies/{policy.code}/notice/", {"uscc": entity.uscc, "reason": "该企业实际已停业"})
    assert Objection.objects.get().reason == "该企业实际已停业"
