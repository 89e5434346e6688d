"""The audit ledger (审计日志): append an entry with :func:`record`, check the whole chain with :func:`verify_chain`.

Every entry carries the SM3 hash of a canonical serialisation of its own fields and of the previous entry's hash,
so altering or deleting any row is detected by recomputing the chain. Entries are appended inside the caller's
transaction: a rolled-back business operation leaves no audit row behind.

What the chain cannot show on its own: removal of the *newest* entries, or a wholesale rewrite by someone able to
recompute every hash. Against both, keep the ``head_seq``/``head_hash`` that ``audit verify`` prints somewhere
outside the database (an operations log, a signed checkpoint) and compare.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext

from yiwang.core.crypto import sm3_hex
from yiwang.core.middleware import current_request_id
from yiwang.core.models import AuditEntry

__all__ = ["VerifyResult", "canonical_data", "entry_hash", "record", "verify_chain"]

#: Key of the PostgreSQL transaction-level advisory lock that serialises appenders ("YWAUDIT" in ASCII).
ADVISORY_LOCK_KEY = 0x59574155444954
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


def _lock_ledger(using: str) -> None:
    """Serialise appenders so that two transactions never read the same last entry and fork the chain.

    PostgreSQL: a transaction-level advisory lock, released at commit or rollback. SQLite: the project opens
    transactions with ``BEGIN IMMEDIATE`` (settings), which already holds the database's single write lock.
    Should either be missing, ``seq`` being the primary key still makes a racing appender fail, never fork.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADVISORY_LOCK_KEY])


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
    if not _ACTION.match(action) or len(action) > 100:
        raise ValueError(f"audit action must be a dotted lower-case code, not {action!r}")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)
    if len(object_id) > 64:
        raise ValueError("audit object_id is longer than 64 characters")
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    values: dict[str, Any] = {
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
    using = router.db_for_write(AuditEntry)
    with transaction.atomic(using=using):
        _lock_ledger(using)
        last = AuditEntry.objects.using(using).order_by("-seq").values_list("seq", "entry_hash").first()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, AuditEntry.GENESIS_HASH)
        values.update(seq=seq, prev_hash=prev_hash, created_at=timezone.now())
        entry = AuditEntry(**values, entry_hash=entry_hash(values))
        entry.save(using=using)
    return entry


@dataclass(frozen=True)
class VerifyResult:
    """Outcome of :func:`verify_chain`. ``reason`` is ``hash_mismatch``, ``broken_link`` or ``gap`` when broken."""

    ok: bool
    count: int
    first_broken_seq: int | None = None
    reason: str = ""
    head_seq: int = 0
    head_hash: str = AuditEntry.GENESIS_HASH

    @property
    def message(self) -> str:
        if self.ok:
            return gettext("审计日志完整：共 %(count)d 条，末条序号 %(seq)d，哈希 %(hash)s") % {
                "count": self.count,
                "seq": self.head_seq,
                "hash": self.head_hash,
            }
        detail = {
            "hash_mismatch": gettext("内容与其哈希不符"),
            "broken_link": gettext("与前一条记录的哈希链接断开"),
            "gap": gettext("记录缺失（序号不连续）"),
        }[self.reason]
        return gettext("第 %(seq)d 条记录被篡改：%(detail)s") % {"seq": self.first_broken_seq, "detail": detail}


def verify_chain(*, batch_size: int = 5000) -> VerifyResult:
    """Recompute the whole chain in ``seq`` order, streaming, and report the first broken entry if any."""
    expected_seq = 1
    prev_hash = AuditEntry.GENESIS_HASH
    rows = AuditEntry.objects.order_by("seq").values_list(*_HASHED_FIELDS, "entry_hash").iterator(chunk_size=batch_size)
    count = 0
    for row in rows:
        values = dict(zip(_HASHED_FIELDS, row, strict=False))
        seq = values["seq"]
        if seq != expected_seq:
            return VerifyResult(False, count, expected_seq, "gap", expected_seq - 1, prev_hash)
        if values["prev_hash"] != prev_hash:
            return VerifyResult(False, count, seq, "broken_link", seq - 1, prev_hash)
        if entry_hash(values) != row[-1]:
            return VerifyResult(False, count, seq, "hash_mismatch", seq - 1, prev_hash)
        prev_hash = row[-1]
        expected_seq += 1
        count += 1
    return VerifyResult(True, count, None, "", expected_seq - 1, prev_hash)
