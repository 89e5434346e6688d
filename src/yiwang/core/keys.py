"""The platform's field-encryption keys, from settings (and so from the environment)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

from yiwang.core.crypto import FieldCipher, blind_index


@lru_cache(maxsize=1)
def field_cipher() -> FieldCipher:
    """The SM4-GCM cipher holding every configured key, encrypting with the current one."""
    keys = settings.YIWANG_FIELD_KEYS
    current = settings.YIWANG_FIELD_KEY_CURRENT
    if not keys or current not in keys:
        raise ImproperlyConfigured("YIWANG_FIELD_KEYS must include YIWANG_FIELD_KEY_CURRENT")
    try:
        return FieldCipher({key_id: bytes.fromhex(key) for key_id, key in keys.items()}, current)
    except ValueError as exc:
        raise ImproperlyConfigured(f"YIWANG_FIELD_KEYS is invalid: {exc}") from exc


@lru_cache(maxsize=1)
def _index_key() -> bytes:
    try:
        key = bytes.fromhex(settings.YIWANG_BLIND_INDEX_KEY)
    except ValueError as exc:
        raise ImproperlyConfigured("YIWANG_BLIND_INDEX_KEY must be hexadecimal") from exc
    if len(key) < 16:
        raise ImproperlyConfigured("YIWANG_BLIND_INDEX_KEY must be at least 16 bytes")
    return key


def index_of(value: str) -> str:
    """The blind index (HMAC-SM3) of a plaintext, for exact lookup of an encrypted field."""
    return blind_index(value, _index_key())


@receiver(setting_changed)
def _reset(setting: str, **kwargs: object) -> None:
    if setting in {"YIWANG_FIELD_KEYS", "YIWANG_FIELD_KEY_CURRENT", "YIWANG_BLIND_INDEX_KEY"}:
        field_cipher.cache_clear()
        _index_key.cache_clear()
