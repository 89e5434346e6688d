"""Notices to many units at once, through the notification outbox (``core.notify``'s rows and guarantees).

:func:`yiwang.core.notify.notify` writes one recipient's rows per call; an instruction to 30,000 units needs
their rows in a few bulk inserts. :func:`notify_many` writes exactly the rows ``notify`` would (portal rows
sent, other channels pending, one dedupe key per event and recipient, ``ON CONFLICT DO NOTHING``) and enqueues
the same delivery task once the caller's transaction commits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import models, router, transaction
from django.utils import timezone

from yiwang.collaboration.bulk import db_value, insert_rows
from yiwang.core.channels import configured_channels
from yiwang.core.models import Notification

__all__ = ["notify_many"]


def _enqueue_delivery() -> None:
    from yiwang.core.tasks import deliver_pending as deliver_task

    deliver_task.enqueue()


def notify_many(
    recipients: Iterable[tuple[int, str]],
    subject: str,
    body: str,
    *,
    url: str = "",
    channels: Sequence[str] = ("portal",),
    obj: models.Model | None = None,
) -> int:
    """Notify each ``(user id, dedupe key)`` on ``channels`` in the caller's transaction; returns rows written."""
    channels = tuple(dict.fromkeys(channels))
    unknown = set(channels) - ({Notification.Channel.PORTAL} | configured_channels())
    if unknown or not channels:
        raise ValueError(f"unknown notification channels {sorted(unknown)!r}; see YIWANG_NOTIFY_CHANNELS")
    now = timezone.now()
    fields = [
        "recipient",
        "channel",
        "subject",
        "body",
        "url",
        "dedupe_key",
        "created_at",
        "object_type",
        "object_id",
        "state",
        "attempts",
        "sent_at",
        "next_attempt_at",
        "last_error",
    ]
    at = db_value(Notification, "created_at", now)
    common = (subject[:200], body, url)
    where = (obj._meta.label_lower if obj is not None else "", str(obj.pk)[:64] if obj is not None else "")
    shapes = [
        (channel, Notification.State.SENT, at, None)
        if channel == Notification.Channel.PORTAL
        else (channel, Notification.State.PENDING, None, at)
        for channel in channels
    ]
    rows = [
        (user_id, channel, *common, dedupe_key[:200], at, *where, str(state), 0, sent_at, next_attempt_at, "")
        for user_id, dedupe_key in recipients
        for channel, state, sent_at, next_attempt_at in shapes
    ]
    # ON CONFLICT DO NOTHING, as notify(): a repeated event is skipped without aborting the caller's transaction.
    insert_rows(Notification, fields, rows, ignore_conflicts=True)
    if rows and any(channel != Notification.Channel.PORTAL for channel in channels):
        transaction.on_commit(_enqueue_delivery, using=router.db_for_write(Notification), robust=True)
    return len(rows)
