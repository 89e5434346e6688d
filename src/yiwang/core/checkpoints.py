"""Signed checkpoints of the audit ledger's head, kept outside the database.

The hash chain (:mod:`yiwang.core.audit`) shows any change to a stored row, but not the removal of the newest
rows, nor a wholesale rewrite by someone able to recompute every hash. A checkpoint closes both gaps: it is the
head (``seq``, ``entry_hash``) at a moment, signed with the platform's SM2 ledger key
(``settings.YIWANG_LEDGER_KEY``) and kept where the database's administrators cannot reach (an operations log,
another organisation, a printed page, a transparency log). Later, :func:`verify_checkpoint` proves that the
ledger still holds that entry with that hash and that the chain up to it is intact: a deleted tail is found
because the entry is gone, and a rewrite because its hash differs.

With several chains (``YIWANG_AUDIT_SHARDS``), a checkpoint (format 2) holds every chain's head
(``shards``: ``[shard, shard_seq, entry_hash]`` each) and their Merkle root as ``entry_hash``
(:func:`yiwang.core.audit.ledger_root`); ``seq`` is the highest entry number. Verifying it checks each head, so a
deleted tail or a rewrite of any chain is found. Format 1 checkpoints (one chain, before chains existed) still
verify.

A checkpoint is one JSON object; a checkpoint file holds one per line (JSON Lines), newest last.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone
from django.utils.translation import gettext

from yiwang.core.audit import VerifyResult, ledger_root, verify_chain
from yiwang.core.crypto import sm2_public_key, sm2_sign, sm2_verify
from yiwang.core.models import AuditEntry

__all__ = ["CheckpointResult", "head_checkpoint", "ledger_public_key", "read_checkpoints", "verify_checkpoint"]

#: Version of the signed document's layout; part of what is signed.
CHECKPOINT_FORMAT = 2
_SIGNED_FIELDS = {
    1: ("format", "seq", "entry_hash", "created_at", "public_key"),
    2: ("format", "seq", "entry_hash", "shards", "created_at", "public_key"),
}


def _ledger_key() -> str:
    key = settings.YIWANG_LEDGER_KEY
    if not key:
        raise ImproperlyConfigured("YIWANG_LEDGER_KEY (an SM2 private key, 64 hex) must be set to sign checkpoints")
    return key


def ledger_public_key() -> str:
    """The public key that verifies checkpoints (publish it with the first checkpoint)."""
    return sm2_public_key(_ledger_key())


def _signed_bytes(doc: dict[str, Any]) -> bytes:
    body = {name: doc[name] for name in _SIGNED_FIELDS[int(doc["format"])]}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def head_checkpoint(*, now: datetime | None = None) -> dict[str, Any]:
    """A signed checkpoint of every chain's newest entry (``seq`` 0 and the genesis hash for an empty ledger)."""
    heads: dict[int, tuple[int, str]] = {}
    seq = 0
    for shard in AuditEntry.objects.order_by().values_list("shard", flat=True).distinct():
        top = (
            AuditEntry.objects.filter(shard=shard)
            .order_by("-shard_seq")
            .values_list("shard_seq", "entry_hash", "seq")
            .first()
        )
        if top is not None:
            heads[shard] = (top[0], top[1])
            seq = max(seq, top[2])
    moment = (now or timezone.now()).astimezone(UTC)
    doc: dict[str, Any] = {
        "format": CHECKPOINT_FORMAT,
        "seq": seq,
        "entry_hash": ledger_root(heads),
        "shards": [[shard, at, digest] for shard, (at, digest) in sorted(heads.items())],
        "created_at": moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "public_key": ledger_public_key(),
    }
    doc["signature"] = sm2_sign(_ledger_key(), _signed_bytes(doc))
    return doc


def read_checkpoints(path: Path) -> list[dict[str, Any]]:
    """The checkpoints of a JSON Lines file, in file order (``ValueError`` names the first unreadable line)."""
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            doc = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValueError(f"{path.name}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(doc, dict):
            raise ValueError(f"{path.name}:{number}: not a checkpoint object")
        out.append(doc)
    return out


@dataclass(frozen=True)
class CheckpointResult:
    """Outcome of :func:`verify_checkpoint`; ``reason`` says which part failed."""

    ok: bool
    seq: int
    reason: str = ""  # malformed, wrong_key, bad_signature, missing_entry, hash_differs, chain_broken

    @property
    def message(self) -> str:
        if self.ok:
            return gettext("检查点 %(seq)d 与审计日志一致") % {"seq": self.seq}
        detail = {
            "malformed": gettext("检查点格式不正确"),
            "wrong_key": gettext("检查点不是用本平台的审计签名密钥签发的"),
            "bad_signature": gettext("检查点的签名无效（检查点被改动）"),
            "missing_entry": gettext("审计日志中已没有该条记录（末尾记录被删除）"),
            "hash_differs": gettext("该条记录的哈希与检查点不符（审计日志被重写）"),
            "chain_broken": gettext("审计日志的哈希链在该检查点之前已断开"),
        }[self.reason]
        return gettext("检查点 %(seq)d 校验失败：%(detail)s") % {"seq": self.seq, "detail": detail}


def verify_checkpoint(
    doc: dict[str, Any], *, public_key: str | None = None, chain: VerifyResult | None = None
) -> CheckpointResult:
    """Whether the ledger is consistent with one checkpoint, signed by ``public_key`` (default: this platform's).

    ``chain`` is a :func:`~yiwang.core.audit.verify_chain` result to reuse when checking many checkpoints.
    """
    try:
        seq = int(doc["seq"])
        signed = _signed_bytes(doc)
        signature = str(doc["signature"])
        heads = {int(s): (int(at), str(h)) for s, at, h in doc.get("shards", [])} if doc["format"] == 2 else None
    except (KeyError, TypeError, ValueError):
        return CheckpointResult(False, int(doc.get("seq", 0) or 0) if isinstance(doc, dict) else 0, "malformed")
    expected_key = public_key or ledger_public_key()
    if str(doc["public_key"]).lower() != expected_key.lower():
        return CheckpointResult(False, seq, "wrong_key")
    if not sm2_verify(expected_key, signed, signature):
        return CheckpointResult(False, seq, "bad_signature")
    if seq == 0:
        return CheckpointResult(True, 0)
    if heads is not None:
        return _verify_heads(doc, seq, heads, chain)
    stored = AuditEntry.objects.filter(seq=seq).values_list("entry_hash", flat=True).first()
    if stored is None:
        return CheckpointResult(False, seq, "missing_entry")
    if stored != doc["entry_hash"]:
        return CheckpointResult(False, seq, "hash_differs")
    chain = chain or verify_chain()
    if not chain.ok and chain.first_broken_seq is not None and chain.first_broken_seq <= seq:
        return CheckpointResult(False, seq, "chain_broken")
    return CheckpointResult(True, seq)


def _verify_heads(
    doc: dict[str, Any], seq: int, heads: dict[int, tuple[int, str]], chain: VerifyResult | None
) -> CheckpointResult:
    """A format 2 checkpoint: its root seals its heads, and the ledger still holds each head, unbroken up to it."""
    if ledger_root(heads) != doc["entry_hash"]:
        return CheckpointResult(False, seq, "malformed")
    for shard, (at, digest) in sorted(heads.items()):
        stored = AuditEntry.objects.filter(shard=shard, shard_seq=at).values_list("entry_hash", flat=True).first()
        if stored is None:
            return CheckpointResult(False, seq, "missing_entry")
        if stored != digest:
            return CheckpointResult(False, seq, "hash_differs")
    chain = chain or verify_chain()
    broken = not chain.ok and chain.shard in heads and chain.shard_seq is not None
    if broken and chain.shard_seq <= heads[chain.shard][0]:  # type: ignore[index, operator]
        return CheckpointResult(False, seq, "chain_broken")
    return CheckpointResult(True, seq)
