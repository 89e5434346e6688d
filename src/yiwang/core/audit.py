"""The audit ledger (审计日志): append an entry with :func:`record`, check the whole chain with :func:`verify_chain`.

Every entry carries the SM3 hash of a canonical serialisation of its own fields and of the previous entry's hash,
so altering or deleting any row is detected by recomputing the chain. Entries are appended inside the caller's
transaction: a rolled-back business operation leaves no audit row behind.

The ledger is several chains (``settings.YIWANG_AUDIT_SHARDS`` on PostgreSQL, one on SQLite): a transaction appends
to the first chain whose lock it can take at once (the one it used last, if free), so concurrent writers do not
queue behind one head; the lock is held to the transaction's end, so each chain grows one transaction at a time
and never forks. Each entry is position ``shard_seq`` of chain ``shard``; ``seq`` orders the whole ledger.

What a chain cannot show on its own: removal of its *newest* entries, or a wholesale rewrite by someone able to
recompute every hash. Against both, keep the ``head_seq``/``head_hash`` that ``audit verify`` prints (with several
chains, ``head_hash`` is the Merkle root of all chains' heads) or, better, a signed checkpoint of every chain's
head (``yiwang.core.checkpoints``) somewhere outside the database and compare.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext

from yiwang.core.crypto import sm3_hex
from yiwang.core.middleware import current_request_id
from yiwang.core.models import AuditEntry

__all__ = ["VerifyResult", "canonical_data", "entry_hash", "ledger_root", "record", "record_many", "verify_chain"]

#: Key of the PostgreSQL transaction-level advisory lock that serialises appenders of a single chain ("YWAUDIT").
ADVISORY_LOCK_KEY = 0x59574155444954
#: First key of the (key, chain) advisory locks of several chains ("YWAU").
CHAIN_LOCK_KEY = 0x59574155
#: The PostgreSQL sequence that numbers entries when there are several chains (migration core 0003).
SEQUENCE = "core_auditentry_seq_seq"
#: Version of the canonical serialisation; part of every hash so the format can evolve without ambiguity.
HASH_FORMAT = 1
_ACTION = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
# Every stored field except entry_hash, in the order of the ``values_list`` used by verify_chain.
_HASHED_FIELDS = (
    "seq",
    "created_at",
    "actor_id",
    "actor_label",
    "on_behalf_of",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "reason",
    "data",
    "request_id",
    "prev_hash",
)


def _iso_utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _integral_floats_to_int(value: Any) -> Any:
    # PostgreSQL's jsonb stores numbers as numeric and returns 1e20 as the integer 100000000000000000000, so an
    # integral float is stored as the integer it equals: what is hashed is what comes back.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral_floats_to_int(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral_floats_to_int(v) for v in value]
    return value


def canonical_data(data: Mapping[str, Any] | None) -> dict[str, Any]:
    """``data`` as plain JSON values (dates, decimals and UUIDs as strings), exactly as it will read back."""
    plain = json.loads(json.dumps(dict(data or {}), cls=DjangoJSONEncoder, allow_nan=False))
    return _integral_floats_to_int(plain)


def entry_hash(values: Mapping[str, Any]) -> str:
    """SM3 hex of the canonical JSON of ``values`` (the fields of ``_HASHED_FIELDS``).

    Canonical: keys sorted, no whitespace, UTF-8, the timestamp in UTC ISO 8601 with microseconds.
    """
    doc = {name: values[name] for name in _HASHED_FIELDS}
    doc["created_at"] = _iso_utc(doc["created_at"])
    doc["v"] = HASH_FORMAT
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return sm3_hex(text.encode("utf-8"))


def _actor_label(user: Any) -> str:
    username = user.get_username()
    full_name = getattr(user, "full_name", "")
    return f"{full_name}（{username}）" if full_name else username


def chain_count(using: str = "default") -> int:
    """How many chains appenders use: ``YIWANG_AUDIT_SHARDS`` on PostgreSQL, one on SQLite (a single writer)."""
    if connections[using].vendor != "postgresql":
        return 1
    return max(1, int(getattr(settings, "YIWANG_AUDIT_SHARDS", 1)))


def _next_position(using: str, count: int = 1) -> tuple[list[int], int, int, str]:
    """(seqs, shard, shard_seq, prev_hash) of the next ``count`` entries (their ``seq``, their chain, the first's
    position in it and its predecessor's hash), the chain locked until the transaction ends.

    One chain: PostgreSQL takes a transaction-level advisory lock; SQLite's ``BEGIN IMMEDIATE`` (settings) already
    holds the database's single write lock; ``seq`` is then contiguous. Several chains (PostgreSQL): the first chain
    whose advisory lock is free, starting from the one this connection used last (re-taking a lock the transaction
    holds succeeds at once, so one transaction stays on one chain), waiting only when every chain is busy; ``seq``
    comes from a sequence. Should a lock be missing, ``(shard, shard_seq)`` being unique still makes a racing
    appender fail, never fork a chain.
    """
    connection = connections[using]
    chains = chain_count(using)
    if chains == 1:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])
        ledger = AuditEntry.objects.using(using)
        top = ledger.order_by("-seq").values_list("seq", "shard", "shard_seq", "entry_hash").first()
        if top is None:
            return list(range(1, count + 1)), 0, 1, AuditEntry.GENESIS_HASH
        seqs = list(range(top[0] + 1, top[0] + 1 + count))
        last = (
            top[2:]
            if top[1] == 0
            else ledger.filter(shard=0).order_by("-shard_seq").values_list("shard_seq", "entry_hash").first()
        )  # a ledger that had several chains before: carry on chain 0
        return (seqs, 0, 1, AuditEntry.GENESIS_HASH) if last is None else (seqs, 0, last[0] + 1, last[1])
    preferred = getattr(connection, "_yiwang_audit_chain", None)
    if preferred is None or preferred >= chains:
        preferred = os.getpid() % chains
    table = AuditEntry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(  # no ORDER BY: the scan stops at the first lock taken, never takes a second one
            "SELECT (g + %s) %% %s FROM generate_series(0, %s) AS g "
            "WHERE pg_try_advisory_xact_lock(%s, ((g + %s) %% %s)::int) LIMIT 1",
            [preferred, chains, chains - 1, CHAIN_LOCK_KEY, preferred, chains],
        )
        row = cursor.fetchone()
        if row is None:  # every chain busy: wait for ours
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK_KEY, preferred])
            shard = preferred
        else:
            shard = int(row[0])
        connection._yiwang_audit_chain = shard  # type: ignore[attr-defined]
        cursor.execute(  # the sequence and the table are this module's constants
            f"SELECT ARRAY(SELECT nextval('{SEQUENCE}') FROM generate_series(1, %s)), h.shard_seq, h.entry_hash "  # noqa: S608
            f"FROM (SELECT 1) AS one LEFT JOIN LATERAL (SELECT shard_seq, entry_hash FROM {table} WHERE shard = %s "
            "ORDER BY shard_seq DESC LIMIT 1) AS h ON true",
            [count, shard],
        )
        seqs, last_seq, last_hash = cursor.fetchone()
    seqs = [int(seq) for seq in seqs]
    if last_seq is None:
        return seqs, shard, 1, AuditEntry.GENESIS_HASH
    return seqs, shard, int(last_seq) + 1, last_hash


def _values(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    on_behalf_of: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    if not _ACTION.match(action) or len(action) > 100:
        raise ValueError(f"audit action must be a dotted lower-case code, not {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    if len(object_id) > 64:
        raise ValueError("audit object_id is longer than 64 characters")
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    return {
        "actor_id": user.pk if user is not None else None,
        "actor_label": (actor_label or (_actor_label(user) if user is not None else ""))[:200],
        "on_behalf_of": on_behalf_of[:200],
        "action": action,
        "object_type": object_type[:100],
        "object_id": object_id,
        "object_repr": object_repr[:200],
        "reason": reason,
        "data": canonical_data(data),
        "request_id": current_request_id()[:64],
    }


def record(
    action: str,
    *,
    actor: Any = None,
    actor_label: str = "",
    on_behalf_of: str = "",
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    reason: str = "",
    data: Mapping[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the ledger, inside the caller's transaction, and return it.

    ``action`` is a dotted code (``registry.person.update``, ``auth.login_failed``); ``actor`` a user (anonymous
    or ``None`` for the system, then ``actor_label`` may name who tried); ``obj`` fills the object fields from a
    model instance. ``data`` must be JSON-serialisable (Django's encoder: dates, decimals, UUIDs allowed).
    """
    return record_many(
        [
            {
                "action": action,
                "actor": actor,
                "actor_label": actor_label,
                "on_behalf_of": on_behalf_of,
                "obj": obj,
                "object_type": object_type,
                "object_id": object_id,
                "object_repr": object_repr,
                "reason": reason,
                "data": data,
            }
        ]
    )[0]


def record_many(entries: list[dict[str, Any]]) -> list[AuditEntry]:
    """Append several entries (each the keyword arguments of :func:`record`), in order, on one chain, with one
    lock and one insert: what one business transaction does in several steps (秒批: submit, accept, approve,
    complete). Inside the caller's transaction, like :func:`record`."""
    rows = [_values(**entry) for entry in entries]
    if not rows:
        return []
    using = router.db_for_write(AuditEntry)
    with transaction.atomic(using=using, savepoint=False):  # inside the caller's transaction, or its own
        seqs, shard, shard_seq, prev_hash = _next_position(using, len(rows))
        now = timezone.now()
        out = []
        for offset, (values, seq) in enumerate(zip(rows, seqs, strict=True)):
            values.update(seq=seq, prev_hash=prev_hash, created_at=now)
            entry = AuditEntry(**values, shard=shard, shard_seq=shard_seq + offset, entry_hash=entry_hash(values))
            prev_hash = entry.entry_hash
            out.append(entry)
        AuditEntry.objects.using(using).bulk_create(out)
    return out


def ledger_root(heads: Mapping[int, tuple[int, str]]) -> str:
    """One hash that seals every chain's head: the head's own hash with one chain (chain 0), else the SM3 Merkle
    root over the chains in order, each leaf ``SM3("<shard>:<shard_seq>:<entry_hash>")``."""
    if not heads:
        return AuditEntry.GENESIS_HASH
    if list(heads) == [0]:
        return heads[0][1]
    level = [sm3_hex(f"{shard}:{heads[shard][0]}:{heads[shard][1]}".encode()) for shard in sorted(heads)]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [sm3_hex((level[i] + level[i + 1]).encode()) for i in range(0, len(level), 2)]
    return level[0]


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify_chain`. ``reason`` is ``hash_mismatch``, ``broken_link`` or ``gap`` when broken.

    ``heads`` maps each chain to its verified head (``shard_seq``, ``entry_hash``); ``head_seq`` is the highest
    ``seq`` and ``head_hash`` the :func:`ledger_root` of the heads. When broken, ``first_broken_seq`` is the
    ``seq`` of the first entry found wrong (for a gap, the entry after it), in chain ``shard`` at ``shard_seq``.
    """

    ok: bool
    count: int
    first_broken_seq: int | None = None
    reason: str = ""
    head_seq: int = 0
    head_hash: str = AuditEntry.GENESIS_HASH
    heads: Mapping[int, tuple[int, str]] = field(default_factory=dict)
    shard: int | None = None
    shard_seq: int | None = None

    @property
    def message(self) -> str:
        if self.ok:
            return gettext("审计日志完整：共 %(count)d 条，末条序号 %(seq)d，哈希 %(hash)s") % {
                "count": self.count,
                "seq": self.head_seq,
                "hash": self.head_hash,
            }
        if self.reason == "gap":
            return gettext("第 %(seq)d 条记录之前有记录被删除：链 %(shard)d 缺少第 %(position)d 条（序号不连续）") % {
                "seq": self.first_broken_seq,
                "shard": self.shard,
                "position": self.shard_seq,
            }
        detail = {
            "hash_mismatch": gettext("内容与其哈希不符"),
            "broken_link": gettext("与前一条记录的哈希链接断开"),
        }[self.reason]
        return gettext("第 %(seq)d 条记录被篡改：%(detail)s") % {"seq": self.first_broken_seq, "detail": detail}


def verify_chain(*, batch_size: int = 5000) -> VerifyResult:
    """Recompute every chain in ``(shard, shard_seq)`` order, streaming, and report the first broken entry if any."""
    heads: dict[int, tuple[int, str]] = {}
    shard, expected, prev_hash = -1, 1, AuditEntry.GENESIS_HASH
    rows = (
        AuditEntry.objects.order_by("shard", "shard_seq")
        .values_list("shard", "shard_seq", *_HASHED_FIELDS, "entry_hash")
        .iterator(chunk_size=batch_size)
    )
    count, top = 0, 0

    def broken(seq: int, reason: str, at_shard: int, at: int) -> VerifyResult:
        return VerifyResult(False, count, seq, reason, top, ledger_root(heads), dict(heads), at_shard, at)

    for row in rows:
        values = dict(zip(_HASHED_FIELDS, row[2:], strict=False))
        if row[0] != shard:
            shard, expected, prev_hash = row[0], 1, AuditEntry.GENESIS_HASH
        seq = values["seq"]
        if row[1] != expected:
            return broken(seq, "gap", shard, expected)
        if values["prev_hash"] != prev_hash:
            return broken(seq, "broken_link", shard, expected)
        if entry_hash(values) != row[-1]:
            return broken(seq, "hash_mismatch", shard, expected)
        prev_hash = row[-1]
        heads[shard] = (expected, prev_hash)
        top = max(top, seq)
        expected += 1
        count += 1
    return VerifyResult(True, count, None, "", top, ledger_root(heads), heads)
