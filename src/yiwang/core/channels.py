"""Delivery channels for notifications (SMS, e-mail, …): pluggable classes named by dotted path in settings.

    YIWANG_NOTIFY_CHANNELS = {"sms": "yiwang.core.channels.FileChannel", "email": "yiwang.core.channels.ConsoleChannel"}

A channel is built once per process with its name (the key above) and has two methods: ``address_for(user)``
reads where to send (the phone for ``sms``, the e-mail for ``email``) and ``send(message)`` hands one message to
the gateway. ``send`` returns normally when the gateway accepted the message; it raises :class:`PermanentFailure`
when retrying cannot help (no address, a number the gateway refuses) and any other exception for a transient
fault, which is retried with backoff.

Delivery is at least once: a worker that dies after the gateway accepted a message but before the row was marked
sent retries it. A channel must therefore be idempotent by ``message.id`` (pass it to the gateway as the
request's idempotency key or client reference), and must never put the address in an exception message, which
is stored in ``Notification.last_error``.

The two channels here are the demo's: :class:`FileChannel` appends JSON lines under the data directory (the demo
city's "SMS gateway"), :class:`ConsoleChannel` logs. Both mask the address: a phone number is personal data and
is stored encrypted, so it is never written in clear to a file or a log.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import asdict, dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string

__all__ = [
    "Channel",
    "ConsoleChannel",
    "FileChannel",
    "OutgoingMessage",
    "PermanentFailure",
    "get_channel",
    "mask_address",
]

logger = logging.getLogger("yiwang.notify")

#: The user attribute holding the address of each channel kind.
ADDRESS_ATTRIBUTES = {"sms": "phone", "email": "email"}


class PermanentFailure(Exception):
    """Retrying cannot deliver this message (no address, refused by the gateway): mark it failed now."""


@dataclass(frozen=True)
class OutgoingMessage:
    """What a channel needs to send one notification. ``id`` is the notification's id: the idempotency key."""

    id: int
    channel: str
    address: str
    subject: str
    body: str
    url: str
    created_at: datetime


def mask_address(address: str) -> str:
    """138****5678 for a phone, z***@example.cn for an e-mail: enough to recognise, not to reuse."""
    if "@" in address:
        local, _, domain = address.partition("@")
        return f"{local[:1]}***@{domain}"
    if len(address) >= 11:
        return f"{address[:3]}****{address[-4:]}"
    return "*" * len(address)


class Channel:
    """Base class of a delivery channel; subclasses implement :meth:`send`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def address_for(self, user: Any) -> str:
        """The recipient's address on this channel, or ``""`` when the user has none."""
        attribute = ADDRESS_ATTRIBUTES.get(self.name, self.name)
        return str(getattr(user, attribute, "") or "").strip()

    def send(self, message: OutgoingMessage) -> None:
        raise NotImplementedError


class FileChannel(Channel):
    """Appends one JSON line per message to ``<YIWANG_NOTIFY_FILE_DIR>/<channel>.jsonl``: the demo's gateway.

    The line carries the notification id, so a re-sent message (at-least-once delivery) is recognisable as a
    duplicate by whoever reads the file; the address is masked.
    """

    def path(self) -> Path:
        return Path(settings.YIWANG_NOTIFY_FILE_DIR) / f"{self.name}.jsonl"

    def send(self, message: OutgoingMessage) -> None:
        record = asdict(message)
        record["address"] = mask_address(message.address)
        record["created_at"] = message.created_at.isoformat()
        line = json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n"
        path = self.path()
        path.parent.mkdir(parents=True, exist_ok=True)
        # One write() of one line in append mode: lines from concurrent workers do not interleave.
        with path.open("a", encoding="utf-8") as handle:
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())


class ConsoleChannel(Channel):
    """Logs each message on the ``yiwang.notify`` logger (address masked): for development."""

    def send(self, message: OutgoingMessage) -> None:
        logger.info(
            "notification id=%s channel=%s to=%s subject=%s",
            message.id,
            self.name,
            mask_address(message.address),
            message.subject,
        )


@cache
def get_channel(name: str) -> Channel:
    """The configured channel called ``name`` (built once per process)."""
    paths = getattr(settings, "YIWANG_NOTIFY_CHANNELS", {})
    if name not in paths:
        raise ImproperlyConfigured(f"no notification channel {name!r} in YIWANG_NOTIFY_CHANNELS")
    cls = import_string(paths[name])
    if not (isinstance(cls, type) and issubclass(cls, Channel)):
        raise ImproperlyConfigured(f"YIWANG_NOTIFY_CHANNELS[{name!r}] is not a Channel subclass")
    return cls(name)


def configured_channels() -> frozenset[str]:
    return frozenset(getattr(settings, "YIWANG_NOTIFY_CHANNELS", {}))


@receiver(setting_changed)
def _reset_channels(*, setting: str, **kwargs: Any) -> None:
    if setting in {"YIWANG_NOTIFY_CHANNELS", "YIWANG_NOTIFY_FILE_DIR"}:
        get_channel.cache_clear()
