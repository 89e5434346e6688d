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

from yiwang.core.channels import configured_channels
from yiwang.core.models import Notification

__all__ = ["notify_many"]

BATCH_SIZE = 5000


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
    object_type = obj._meta.label_lower if obj is not None else ""
    object_id = str(obj.pk)[:64] if obj is not None else ""
    rows = []
    for user_id, dedupe_key in recipients:
        for channel in channels:
            portal = channel == Notification.Channel.PORTAL
            rows.append(
                Notification(
                    recipient_id=user_id,
                    channel=channel,
                    subject=subject[:200],
                    body=body,
                    url=url,
                    dedupe_key=dedupe_key[:200],
                    created_at=now,
                    object_type=object_type,
                    object_id=object_id,
                    state=Notification.State.SENT if portal else Notification.State.PENDING,
                    sent_at=now if portal else None,
                    next_attempt_at=None if portal else now,
                )
            )
    using = router.db_for_write(Notification)
    Notification.objects.using(using).bulk_create(rows, batch_size=BATCH_SIZE, ignore_conflicts=True)
    if rows and any(channel != Notification.Channel.PORTAL for channel in channels):
        transaction.on_commit(_enqueue_delivery, using=using, robust=True)
    return len(rows)
