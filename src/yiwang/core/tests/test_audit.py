"""The audit ledger: append, verify, detect tampering, never fork; the administrators' page."""

from __future__ import annotations

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from yiwang.core.audit import entry_hash, record, verify_chain
from yiwang.core.models import AuditEntry, LedgerIsAppendOnly

PASSWORD = "Correct-Horse-9"
User = get_user_model()  # accounts.User; through the setting, since core sits below accounts
TABLE = AuditEntry._meta.db_table


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.format(table=connection.ops.quote_name(TABLE)), params)


@pytest.fixture(autouse=True)
def one_chain(settings):
    """These tests number entries 1, 2, 3: one chain, as on SQLite (several chains: test_audit_chains.py)."""
    settings.YIWANG_AUDIT_SHARDS = 1


@pytest.fixture
def official(db):
    return User.objects.create_user(username="wang", password=PASSWORD, kind="official", full_name="王芳")


@pytest.fixture
def three_entries(official) -> list[AuditEntry]:
    return [
        record("registry.person.update", actor=official, obj=official, reason="更正住址", data={"field": "address"}),
        record(
            "policy.payout.approve",
            actor=official,
            on_behalf_of="91330106MA27XXXX0X",
            object_type="policies.payout",
            object_id="17",
            data={"amount": Decimal("1200.00"), "on": date(2026, 9, 29), "ratio": 0.1, "big": 1e20},
        ),
        record("auth.login_failed", actor_label="nobody"),
    ]


def test_entries_chain_and_verify(three_entries, official):
    first, second, third = three_entries
    assert [e.seq for e in three_entries] == [1, 2, 3]
    assert first.prev_hash == AuditEntry.GENESIS_HASH
    assert second.prev_hash == first.entry_hash and third.prev_hash == second.entry_hash
    assert (first.object_type, first.object_id, first.actor_label) == (
        "accounts.user",
        str(official.pk),
        "王芳（wang）",
    )
    assert third.actor is None and third.actor_label == "nobody"
    stored = AuditEntry.objects.get(seq=2)
    assert stored.data == {"amount": "1200.00", "on": "2026-09-29", "ratio": 0.1, "big": 10**20}
    result = verify_chain()
    assert (result.ok, result.count, result.head_seq, result.head_hash) == (True, 3, 3, third.entry_hash)


def test_hash_covers_every_field(three_entries):
    values = {f: getattr(three_entries[1], f) for f in ("seq", "created_at", "actor_id", "actor_label")}
    values.update({f: getattr(three_entries[1], f) for f in ("on_behalf_of", "action", "object_type", "object_id")})
    values.update({f: getattr(three_entries[1], f) for f in ("object_repr", "reason", "data", "request_id")})
    values["prev_hash"] = three_entries[1].prev_hash
    assert entry_hash(values) == three_entries[1].entry_hash
    for field, other in [("reason", "x"), ("seq", 9), ("prev_hash", "1" * 64), ("data", {"amount": "1"})]:
        assert entry_hash({**values, field: other}) != three_entries[1].entry_hash


def test_editing_a_row_in_the_database_is_found_at_that_row(three_entries):
    _sql("UPDATE {table} SET reason = %s WHERE seq = %s", ["无", 2])
    result = verify_chain(batch_size=2)
    assert (result.ok, result.first_broken_seq, result.reason) == (False, 2, "hash_mismatch")
    assert result.message.startswith("第 2 条记录被篡改")


def test_rehashing_an_edited_row_breaks_the_link_to_the_next(three_entries):
    _sql("UPDATE {table} SET entry_hash = %s WHERE seq = %s", ["f" * 64, 1])
    result = verify_chain()
    # Row 1's own hash no longer matches its content.
    assert (result.ok, result.first_broken_seq, result.reason) == (False, 1, "hash_mismatch")


def test_deleting_a_row_in_the_database_is_a_gap(three_entries):
    _sql("DELETE FROM {table} WHERE seq = %s", [three_entries[1].seq])
    result = verify_chain()
    assert (result.ok, result.first_broken_seq, result.reason) == (False, three_entries[2].seq, "gap")
    assert (result.shard, result.shard_seq) == (three_entries[1].shard, three_entries[1].shard_seq)
    assert "有记录被删除" in result.message


def test_a_rolled_back_operation_leaves_no_entry(official):
    with pytest.raises(RuntimeError), transaction.atomic():
        record("registry.person.update", actor=official, reason="will fail")
        raise RuntimeError("business rule failed after the audit call")
    assert not AuditEntry.objects.exists()
    assert record("registry.person.update", actor=official).seq == 1  # no gap left behind


def test_the_orm_refuses_to_change_or_delete_entries(three_entries):
    entry = AuditEntry.objects.get(seq=1)
    entry.reason = "改写"
    with pytest.raises(LedgerIsAppendOnly):
        entry.save()
    with pytest.raises(LedgerIsAppendOnly):
        entry.delete()
    with pytest.raises(LedgerIsAppendOnly):
        AuditEntry.objects.filter(seq=1).update(reason="改写")
    with pytest.raises(LedgerIsAppendOnly):
        AuditEntry.objects.filter(seq__gte=1).delete()
    assert verify_chain().ok


def test_bad_action_codes_are_refused(db):
    with pytest.raises(ValueError):
        record("Person Update")


def test_verify_command_exit_codes(three_entries, capsys):
    call_command("audit", "verify")
    assert "审计日志完整" in capsys.readouterr().out
    _sql("UPDATE {table} SET reason = %s WHERE seq = %s", ["无", 3])
    with pytest.raises(SystemExit) as exited:
        call_command("audit", "verify")
    assert exited.value.code == 1
    assert "第 3 条记录被篡改" in capsys.readouterr().err


def test_logins_are_audited_with_the_request_id(client, official):
    client.post(
        "/accounts/login/", {"username": "wang", "password": "wrong-password"}, HTTP_X_REQUEST_ID="req-failed-0001"
    )
    client.post("/accounts/login/", {"username": "wang", "password": PASSWORD}, HTTP_X_REQUEST_ID="req-login-00001")
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert (failed.actor_label, failed.request_id) == ("wang", "req-failed-0001")
    login = AuditEntry.objects.get(action="auth.login")
    assert (login.actor, login.request_id) == (official, "req-login-00001")
    assert verify_chain().ok


def test_audit_page_is_for_administrators_only(client, official):
    assert client.get("/workbench/audit/").status_code == 302  # anonymous: to the login page
    client.force_login(official)
    assert client.get("/workbench/audit/").status_code == 403


def test_audit_page_lists_and_filters_for_an_administrator(client, three_entries):
    admin = User.objects.create_user(username="root", password=PASSWORD, kind="admin")
    client.force_login(admin)  # itself audited as auth.login
    response = client.get("/workbench/audit/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "registry.person.update" in page and "policy.payout.approve" in page and "<caption>" in page
    response = client.get("/workbench/audit/", {"action": "policy."})
    page = response.content.decode()
    assert "policy.payout.approve" in page and "registry.person.update" not in page
    response = client.get("/workbench/audit/", {"object_type": "policies.payout", "object_id": "17"})
    assert response.context["page"].paginator.count == 1
    response = client.get("/workbench/audit/", {"actor": "王芳"})
    assert response.context["page"].paginator.count == 2
    today = timezone.localdate(AuditEntry.objects.get(seq=1).created_at).isoformat()
    response = client.get("/workbench/audit/", {"date_from": today, "date_to": today, "action": "policy."})
    assert response.context["page"].paginator.count == 1
    response = client.get("/workbench/audit/", {"date_from": "2000-01-01", "date_to": "2000-01-02"})
    assert response.context["page"].paginator.count == 0


def test_audit_page_paginates_by_fifty(client, db):
    admin = User.objects.create_user(username="root", password=PASSWORD, kind="admin")
    for i in range(60):
        record("demo.step", actor_label=f"step-{i}")
    client.force_login(admin)
    response = client.get("/workbench/audit/", {"action": "demo."})
    assert len(response.context["page"].object_list) == 50
    response = client.get("/workbench/audit/", {"action": "demo.", "page": 2})
    assert len(response.context["page"].object_list) == 10
    assert "action=demo." in response.content.decode()  # the pager keeps the filter


@pytest.mark.django_db(transaction=True)
def test_concurrent_appenders_never_fork_the_chain():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database cannot be shared by threads; on disk it serialises writers")
    errors: list[BaseException] = []

    def append(worker: int) -> None:
        try:
            for i in range(10):
                with transaction.atomic():
                    record("demo.concurrent", actor_label=f"worker-{worker}", data={"i": i})
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    result = verify_chain()
    assert (result.ok, result.count) == (True, 80)


def test_admin_shows_the_ledger_read_only(client, three_entries):
    root = User.objects.create_user(username="root", password=PASSWORD, kind="admin", is_staff=True, is_superuser=True)
    client.force_login(root)
    response = client.get("/admin/core/auditentry/", {"action__exact": "policy.payout.approve"})
    assert response.status_code == 200
    assert "policy.payout.approve" in response.content.decode()
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    client.post("/admin/core/auditentry/1/change/", {"reason": "改写"})
    assert AuditEntry.objects.get(seq=1).reason == "更正住址"
    assert client.post("/admin/core/auditentry/1/delete/", {"post": "yes"}).status_code == 403
    assert verify_chain().ok
