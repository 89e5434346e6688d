"""意愿确认 and payment: within the budget, never beyond it, only by the enterprise's own agent."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import connection

from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.policies import services
from yiwang.policies.models import Objection, Offer, Payout, Policy

ACCOUNT = "6222 0212 0201 2345 678"


@pytest.fixture
def two_offers(make_entity, make_policy, make_agent, official):
    """Two eligible enterprises, a fixed 10,000 yuan benefit and a budget of 15,000: room for one payout."""
    first = make_entity(annual_revenue=Decimal("2000.00"), rep_name="张三丰")
    second = make_entity(annual_revenue=Decimal("3000.00"))
    make_entity(annual_revenue=Decimal("100.00"))  # not eligible
    policy = make_policy(budget=Decimal("15000"))
    run = services.run_matching(actor=official)
    assert run.offers_created == 2
    offers = {o.uscc: o for o in Offer.objects.filter(policy=policy)}
    return policy, (offers[first.uscc], make_agent(first)), (offers[second.uscc], make_agent(second))


def test_enterprise_confirms_within_budget_and_the_next_is_refused(two_offers):
    policy, (offer, agent), (other_offer, other_agent) = two_offers
    assert offer.amount == Decimal("10000.00")
    assert offer.explanation["result"] == "true"  # the stored evidence: each condition with value and clause

    payout = services.confirm_offer(offer, actor=agent, bank_account=ACCOUNT)
    assert payout.amount == Decimal("10000.00") and payout.status == Payout.Status.PENDING
    assert payout.bank_account == "6222021202012345678" and payout.bank_account_masked == "6222***********5678"
    offer.refresh_from_db()
    policy.refresh_from_db()
    assert offer.status == Offer.Status.CONFIRMED and policy.budget_committed == Decimal("10000.00")

    entries = AuditEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        services.confirm_offer(other_offer, actor=other_agent, bank_account=ACCOUNT)
    assert refused.value.code == "budget_exhausted" and refused.value.field == "amount"
    assert "余额不足" in str(refused.value.message)
    other_offer.refresh_from_db()
    policy.refresh_from_db()
    assert other_offer.status == Offer.Status.OFFERED  # nothing changed
    assert policy.budget_committed == Decimal("10000.00") and Payout.objects.count() == 1
    assert AuditEntry.objects.count() == entries

    with pytest.raises(Conflict):  # the same offer cannot be confirmed twice
        services.confirm_offer(offer, actor=agent, bank_account=ACCOUNT)


def test_only_the_enterprises_own_agent_may_confirm(two_offers, official):
    _policy, (offer, _agent), (_other, other_agent) = two_offers
    for intruder in (other_agent, official):
        with pytest.raises(PermissionDenied):
            services.confirm_offer(offer, actor=intruder, bank_account=ACCOUNT)
    with pytest.raises(PermissionDenied):
        services.decline_offer(offer, actor=other_agent)
    offer.refresh_from_db()
    assert offer.status == Offer.Status.OFFERED and not Payout.objects.exists()


def test_a_bad_bank_account_is_refused_with_its_field(two_offers):
    _policy, (offer, agent), _ = two_offers
    with pytest.raises(ValidationFailed) as caught:
        services.confirm_offer(offer, actor=agent, bank_account="12ab")
    assert caught.value.field == "bank_account"


def test_decline_then_a_new_run_does_not_push_twice(two_offers, official):
    policy, (offer, agent), (other, _) = two_offers
    services.decline_offer(offer, actor=agent, reason="不需要")
    run = services.run_matching(actor=official)
    # the declined one is pushed again (a new chance), the still-open one is not duplicated
    assert run.offers_created == 1
    assert Offer.objects.filter(policy=policy, uscc=other.uscc).count() == 1


def test_export_a_payment_file_and_mark_it_paid(two_offers, official):
    policy, (offer, agent), _ = two_offers
    services.confirm_offer(offer, actor=agent, bank_account=ACCOUNT)
    batch, text = services.export_batch(policy, actor=official)
    lines = text.strip().splitlines()
    assert lines[0].startswith("序号,统一社会信用代码") and len(lines) == 2
    assert offer.uscc in lines[1] and "6222021202012345678" in lines[1] and "10000.00" in lines[1]
    assert batch.total == Decimal("10000.00") and len(batch.file_hash) == 64
    assert Payout.objects.get().status == Payout.Status.EXPORTED
    with pytest.raises(Conflict):
        services.export_batch(policy, actor=official)  # nothing pending any more
    services.mark_batch_paid(batch, actor=official)
    assert Payout.objects.get().status == Payout.Status.PAID


def test_public_notice_masks_the_legal_representative(two_offers):
    policy, (offer, _agent), _ = two_offers
    rows = services.public_notice(policy)
    mine = next(r for r in rows if r["uscc"] == offer.uscc)
    assert mine["entity_name"] == offer.entity_name  # the enterprise's name is public
    assert mine["legal_representative"] == "张**" and mine["amount"] == Decimal("10000.00")
    assert all("张三丰" not in str(r) for r in rows)


def test_objections_are_filed_and_resolved(two_offers, official):
    policy, (offer, _), _ = two_offers
    objection = services.file_objection(policy, uscc=offer.uscc, reason="该企业实际已停业")
    with pytest.raises(ValidationFailed):
        services.file_objection(policy, reason=" ")
    resolved = services.resolve_objection(objection, actor=official, upheld=False, resolution="经核实正常经营")
    assert resolved.status == Objection.Status.REJECTED


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_never_overspend(org, make_entity, make_policy, make_agent, official):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be shared by threads; on disk it serialises writers")
    entities = [make_entity(annual_revenue=Decimal("5000.00")) for _ in range(8)]
    policy = make_policy(budget=Decimal("30000"))  # room for three of eight
    services.run_matching(actor=official)
    jobs = [(Offer.objects.get(policy=policy, uscc=e.uscc), make_agent(e)) for e in entities]
    outcomes: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(jobs))

    def confirm(offer, agent) -> None:
        try:
            barrier.wait()
            services.confirm_offer(offer, actor=agent, bank_account=ACCOUNT)
            outcomes.append("paid")
        except Conflict as exc:
            outcomes.append(exc.code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(outcomes) == ["budget_exhausted"] * 5 + ["paid"] * 3
    policy = Policy.objects.get(pk=policy.pk)
    assert policy.budget_committed == Decimal("30000.00") == sum(p.amount for p in Payout.objects.all())


def test_retiring_a_policy_expires_open_offers(two_offers, official):
    policy, (offer, agent), _ = two_offers
    assert services.retire_policy(policy, actor=official) == 2
    offer.refresh_from_db()
    assert offer.status == Offer.Status.EXPIRED
    with pytest.raises(Conflict):
        services.confirm_offer(offer, actor=agent, bank_account=ACCOUNT)
