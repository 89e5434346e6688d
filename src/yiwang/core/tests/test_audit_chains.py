"""The ledger as several hash chains (PostgreSQL): concurrent writers append to different chains without waiting
for one another, and verification and checkpoints still prove every row of every chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from yiwang.core import audit
from yiwang.core.checkpoints import head_checkpoint, verify_checkpoint
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def four_chains(settings):
    if connection.vendor != "postgresql":
        pytest.skip("several chains are for PostgreSQL; SQLite has one writer and so one chain")
    settings.YIWANG_AUDIT_SHARDS = 4


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:  # what an administrator with database access can do
        cursor.execute(sql, params)


def _in_thread(target) -> threading.Thread:
    def run() -> None:
        try:
            target()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_a_writer_does_not_wait_for_another_transactions_chain():
    holding, release = threading.Event(), threading.Event()
    entries: dict[str, AuditEntry] = {}

    def slow() -> None:
        with transaction.atomic():
            entries["slow"] = audit.record("demo.slow", data={"i": 1})
            entries["slow2"] = audit.record("demo.slow", data={"i": 2})  # the same transaction, the same chain
            holding.set()
            release.wait(10)

    first = _in_thread(slow)
    assert holding.wait(10)
    fast = _in_thread(lambda: entries.setdefault("fast", audit.record("demo.fast")))
    fast.join(10)
    assert not fast.is_alive(), "the second writer waited for the first one's chain"
    release.set()
    first.join(10)
    assert entries["slow"].shard == entries["slow2"].shard != entries["fast"].shard
    assert entries["slow2"].shard_seq == entries["slow"].shard_seq + 1
    result = audit.verify_chain()
    assert (result.ok, result.count, len(result.heads)) == (True, 3, 2)
    assert result.head_hash == audit.ledger_root(result.heads) != entries["fast"].entry_hash


def test_concurrent_appenders_never_fork_any_chain():
    def append(worker: int) -> None:
        for i in range(10):
            with transaction.atomic():
                audit.record("demo.concurrent", actor_label=f"worker-{worker}", data={"i": i})
                audit.record("demo.concurrent", actor_label=f"worker-{worker}", data={"i": i, "second": True})

    threads = [_in_thread(lambda w=w: append(w)) for w in range(8)]
    for thread in threads:
        thread.join()
    result = audit.verify_chain()
    assert (result.ok, result.count) == (True, 160)
    for shard, (top, _hash) in result.heads.items():  # every chain numbered 1..n without a hole
        assert AuditEntry.objects.filter(shard=shard).count() == top


def test_a_checkpoint_seals_every_chain_and_finds_a_deleted_tail_in_any():
    holding, release = threading.Event(), threading.Event()

    def slow() -> None:
        with transaction.atomic():
            audit.record("demo.slow")
            holding.set()
            release.wait(10)

    first = _in_thread(slow)
    assert holding.wait(10)
    _in_thread(lambda: audit.record("demo.fast")).join(10)
    release.set()
    first.join(10)
    checkpoint = head_checkpoint()
    assert len(checkpoint["shards"]) == 2 and checkpoint["seq"] == AuditEntry.objects.order_by("-seq").first().seq
    assert verify_checkpoint(checkpoint).ok
    newest = AuditEntry.objects.order_by("-seq").first()
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [newest.seq])
    assert audit.verify_chain().ok  # the chain is shorter but consistent on its own
    assert verify_checkpoint(checkpoint).reason == "missing_entry"


def test_a_rolled_back_append_leaves_a_gap_in_seq_but_none_in_a_chain():
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("demo.rolled_back")
        raise RuntimeError("the business operation failed")
    entry = audit.record("demo.kept")
    assert (entry.shard_seq, entry.prev_hash) == (1, AuditEntry.GENESIS_HASH)
    assert audit.verify_chain().ok
