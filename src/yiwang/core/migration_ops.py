"""Helpers for data migrations (kept importable by historical migrations: no model imports here)."""

from __future__ import annotations

from typing import Any

from yiwang.core.crypto import InvalidToken, UnknownKeyId
from yiwang.core.keys import field_cipher, index_of


def encrypt_existing(
    model: Any, label: str, fields: list[str], indexed: str, index_field: str = "", batch_size: int = 2000
) -> int:
    """Encrypt clear-text values of ``fields`` in place and fill the blind index of ``indexed``
    (``index_field``, by default ``<indexed>_index``); already-encrypted values stay.

    Historical models have plain TextFields here, so values are read and written as stored.
    """
    cipher = field_cipher()
    index_field = index_field or f"{indexed}_index"
    changed = 0
    rows = []
    for obj in model.objects.all().iterator(chunk_size=batch_size):
        dirty = False
        for name in fields:
            value = getattr(obj, name)
            if not value:
                continue
            context = f"{label}.{name}"
            try:
                plain = cipher.decrypt(value, context=context)
            except (InvalidToken, UnknownKeyId):
                plain = value
                setattr(obj, name, cipher.encrypt(value, context=context))
                dirty = True
            if name == indexed:
                setattr(obj, index_field, index_of(plain))
                dirty = True
        if dirty:
            rows.append(obj)
            changed += 1
        if len(rows) >= batch_size:
            model.objects.bulk_update(rows, [*fields, index_field])
            rows = []
    if rows:
        model.objects.bulk_update(rows, [*fields, index_field])
    return changed
