"""In Django admin, the money and decisions of offers, payouts and batches are shown, never changed."""

from __future__ import annotations

from decimal import Decimal

from yiwang.policies import services
from yiwang.policies.models import Offer, Payout, PayoutBatch, Policy

ACCOUNT = "6222021202012345678"


def test_admin_cannot_change_offers_payouts_batches_or_a_policys_money(
    client, admin_user, make_entity, make_policy, make_agent, official
):
    entity = make_entity(annual_revenue=Decimal("2000.00"))
    policy = make_policy(budget=Decimal("15000"))
    services.run_matching(actor=official)
    offer = Offer.objects.get(policy=policy)
    payout = services.confirm_offer(offer, actor=make_agent(entity), bank_account=ACCOUNT)
    batch, _text = services.export_batch(policy, actor=official)
    client.force_login(admin_user)

    for url, data in [
        (f"/admin/policies/offer/{offer.pk}/change/", {"status": "offered", "amount": "99999"}),
        (f"/admin/policies/payout/{payout.pk}/change/", {"status": "paid", "amount": "99999"}),
        (f"/admin/policies/payoutbatch/{batch.pk}/change/", {"total": "1", "paid_at_0": "2026-01-01"}),
    ]:
        assert client.get(url).status_code == 200  # shown
        assert client.post(url, data).status_code == 403  # never changed here
    assert client.post(f"/admin/policies/offer/{offer.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/policies/payout/add/").status_code == 403

    client.post(
        f"/admin/policies/policy/{policy.pk}/change/",
        {"title": "改名", "legal_references": "x", "route": policy.route, "kind": policy.kind, "budget_total": "1"},
    )
    offer.refresh_from_db()
    policy.refresh_from_db()
    assert offer.status == Offer.Status.CONFIRMED and offer.amount == Decimal("10000.00")
    assert Payout.objects.get().status == Payout.Status.EXPORTED and Payout.objects.get().amount == Decimal("10000.00")
    assert PayoutBatch.objects.get().paid_at is None
    assert policy.budget_total == Decimal("15000.00") and policy.status == Policy.Status.PUBLISHED
