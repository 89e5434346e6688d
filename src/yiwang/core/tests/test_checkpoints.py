"""Signed checkpoints of the ledger's head find what the chain alone cannot: a deleted tail and a rewrite."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.db import connection

from yiwang.core import audit
from yiwang.core.checkpoints import head_checkpoint, read_checkpoints, verify_checkpoint
from yiwang.core.crypto import sm2_generate_keypair
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def one_chain(settings):
    """These tests number entries 1, 2, 3: one chain, as on SQLite (several chains: test_audit_chains.py)."""
    settings.YIWANG_AUDIT_SHARDS = 1


def _entries(n: int) -> None:
    for i in range(n):
        audit.record("test.thing.happen", object_type="test", object_id=str(i), data={"i": i})


def _raw(sql: str, params: list) -> None:
    with connection.cursor() as cursor:  # what an administrator with database access can do
        cursor.execute(sql, params)


def test_a_checkpoint_verifies_while_the_ledger_only_grows():
    _entries(3)
    checkpoint = head_checkpoint()
    assert checkpoint["seq"] == 3
    _entries(2)
    assert verify_checkpoint(checkpoint).ok


def test_deleting_the_newest_entries_is_found_though_the_chain_still_verifies():
    _entries(5)
    checkpoint = head_checkpoint()
    _raw("DELETE FROM core_auditentry WHERE seq >= %s", [4])
    assert audit.verify_chain().ok  # the shortened chain is consistent on its own
    result = verify_checkpoint(checkpoint)
    assert not result.ok and result.reason == "missing_entry"


def test_a_rewritten_chain_is_found_by_the_hash_at_the_checkpoint():
    _entries(3)
    checkpoint = head_checkpoint()
    first = AuditEntry.objects.get(seq=1)
    values = {name: getattr(first, name) for name in audit._HASHED_FIELDS}
    values["reason"] = "rewritten"
    prev = audit.entry_hash(values)
    _raw("UPDATE core_auditentry SET reason = %s, entry_hash = %s WHERE seq = 1", ["rewritten", prev])
    for seq in (2, 3):  # recompute every later hash, as a forger would
        row = AuditEntry.objects.get(seq=seq)
        values = {name: getattr(row, name) for name in audit._HASHED_FIELDS}
        values["prev_hash"] = prev
        prev = audit.entry_hash(values)
        _raw(
            "UPDATE core_auditentry SET prev_hash = %s, entry_hash = %s WHERE seq = %s",
            [values["prev_hash"], prev, seq],
        )
    assert audit.verify_chain().ok
    result = verify_checkpoint(checkpoint)
    assert not result.ok and result.reason == "hash_differs"


def test_an_altered_or_foreign_checkpoint_is_refused_with_the_part_that_failed():
    _entries(2)
    checkpoint = head_checkpoint()
    forged = {**checkpoint, "seq": 1}
    assert verify_checkpoint(forged).reason == "bad_signature"
    _private, other_public = sm2_generate_keypair()
    assert verify_checkpoint({**checkpoint, "public_key": other_public}).reason == "wrong_key"
    assert verify_checkpoint({"seq": 2}).reason == "malformed"


def test_the_command_appends_checkpoints_and_verify_checks_every_one(tmp_path, capsys):
    path = tmp_path / "ledger-heads.jsonl"
    _entries(2)
    call_command("audit", "checkpoint", "--out", str(path))
    _entries(1)
    call_command("audit", "checkpoint", "--out", str(path))
    assert [c["seq"] for c in read_checkpoints(path)] == [2, 3]
    call_command("audit", "verify", "--checkpoint", str(path))
    assert "检查点 3" in capsys.readouterr().out
    _raw("DELETE FROM core_auditentry WHERE seq = %s", [3])
    with pytest.raises(SystemExit) as exited:
        call_command("audit", "verify", "--checkpoint", str(path))
    assert exited.value.code == 1


def test_the_head_is_published_signed_on_the_api(client):
    _entries(1)
    response = client.get("/api/v1/audit/head")
    assert response.status_code == 200
    body = response.json()
    assert body["seq"] == AuditEntry.objects.order_by("-seq").first().seq
    assert verify_checkpoint(json.loads(json.dumps(body))).ok
