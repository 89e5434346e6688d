"""Two matching runs of one policy never give one entity two open offers; confirming twice never pays twice."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from yiwang.core.errors import Conflict
from yiwang.policies import services
from yiwang.policies.models import Offer, Payout

ACCOUNT = "6222021202012345678"


def test_the_database_refuses_a_second_open_offer_of_one_policy_to_one_entity(make_entity, make_policy, official):
    make_entity(annual_revenue=Decimal("2000.00"))
    policy = make_policy()
    first = services.run_matching(actor=official)
    offer = Offer.objects.get(policy=policy)
    second = services.run_matching(actor=official)
    assert Offer.objects.filter(policy=policy).count() == 1 and second.offers_created == 0
    duplicate = Offer(run=second, policy=policy, version=offer.version, uscc=offer.uscc, amount=offer.amount)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()
    Offer.objects.filter(pk=offer.pk).update(status=Offer.Status.DECLINED)  # a declined offer may be made again
    duplicate.save()
    assert first.pk != second.pk


def test_confirming_twice_pays_once(make_entity, make_policy, make_agent, official):
    entity = make_entity(annual_revenue=Decimal("2000.00"))
    make_policy()
    services.run_matching(actor=official)
    offer, agent = Offer.objects.get(), make_agent(entity)
    services.confirm_offer(offer, actor=agent, bank_account=ACCOUNT)
    with pytest.raises(Conflict):
        services.confirm_offer(offer, actor=agent, bank_account=ACCOUNT)
    assert Payout.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_push_one_offer_per_entity(make_entity, make_policy, official):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be shared by threads; on disk it serialises writers")
    entities = [make_entity(annual_revenue=Decimal("5000.00")) for _ in range(5)]
    policy = make_policy()
    barrier, errors = threading.Barrier(2), []

    def run() -> None:
        try:
            barrier.wait()
            services.run_matching([policy], actor=official)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(Offer.objects.filter(policy=policy).values_list("uscc", flat=True)) == sorted(
        e.uscc for e in entities
    )
