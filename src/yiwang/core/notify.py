"""Notifications (消息通知): in-portal messages plus SMS/e-mail through an outbox that never loses a message.

    notify(applicant, "办件已办结", "您的申请已批准。", url=..., channels=("portal", "sms"),
           dedupe_key=f"application:{application.pk}:approved", obj=application)

:func:`notify` writes one ``Notification`` row per channel in the *caller's* transaction and, once that commits,
enqueues the ``deliver_pending`` task. So a rolled-back business operation sends nothing, and a committed one
always has its rows: if the task is lost (the enqueue failed, the worker died), the periodic sweeper
``yiwang notify deliver`` finds the rows still pending and delivers them.

:func:`deliver_pending` claims due rows (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's single
writer lock does the same), leasing them for ``YIWANG_NOTIFY_LEASE_SECONDS`` and counting the attempt, then
sends outside any transaction and marks each row sent, or schedules a retry with exponential backoff, or marks
it failed after ``YIWANG_NOTIFY_MAX_ATTEMPTS``. A crash between send and mark leaves the row pending; when its
lease runs out it is sent again: delivery is at least once, and channels are idempotent by notification id.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from yiwang.core.channels import OutgoingMessage, PermanentFailure, configured_channels, get_channel
from yiwang.core.models import Notification

__all__ = [
    "DeliveryReport",
    "deliver_pending",
    "due_count",
    "inbox",
    "mark_read",
    "notify",
    "notify_many",
    "retry_delay",
    "unread_count",
]

logger = logging.getLogger("yiwang.notify")
PORTAL = Notification.Channel.PORTAL
PENDING = Notification.State.PENDING


def _check(channels: tuple[str, ...], url: str) -> None:
    unknown = set(channels) - ({PORTAL} | (configured_channels() & set(Notification.Channel.values)))
    if unknown or not channels:
        raise ValueError(f"unknown notification channels {sorted(unknown)!r}; see YIWANG_NOTIFY_CHANNELS")
    if url and not (url.startswith(("https://", "http://")) or (url.startswith("/") and not url.startswith("//"))):
        raise ValueError("url must be a path on this site or an http(s) address")


def notify(
    user: Any,
    subject: str,
    body: str,
    *,
    url: str = "",
    channels: Iterable[str] = ("portal",),
    dedupe_key: str,
    obj: models.Model | None = None,
    fetch: bool = True,
) -> list[Notification]:
    """Notify ``user`` on each of ``channels``, inside the caller's transaction; returns the rows.

    ``dedupe_key`` names the business event; notifying the same event again (a retried request, a re-run job)
    returns the existing rows and sends nothing twice. ``obj`` records which object the message is about.
    ``fetch=False`` skips reading the rows back (one query fewer) and returns an empty list.
    """
    channels = tuple(dict.fromkeys(channels))
    _check(channels, url)
    if not dedupe_key or len(dedupe_key) > 200:
        raise ValueError("dedupe_key must name the business event in 1 to 200 characters")
    now = timezone.now()
    common: dict[str, Any] = {
        "recipient_id": user.pk,
        "subject": subject[:200],
        "body": body,
        "url": url,
        "dedupe_key": dedupe_key,
        "created_at": now,
        "object_type": obj._meta.label_lower if obj is not None else "",
        "object_id": str(obj.pk)[:64] if obj is not None else "",
    }
    rows = [
        Notification(**common, channel=PORTAL, state=Notification.State.SENT, sent_at=now)
        if channel == PORTAL
        else Notification(**common, channel=channel, state=PENDING, next_attempt_at=now)
        for channel in channels
    ]
    using = router.db_for_write(Notification)
    # ON CONFLICT DO NOTHING (INSERT OR IGNORE on SQLite): a duplicate event is skipped without aborting the
    # caller's transaction, and two concurrent callers cannot both insert.
    Notification.objects.using(using).bulk_create(rows, ignore_conflicts=True)
    if not fetch:
        if any(row.state == PENDING for row in rows):  # a duplicate's delivery is already queued: no harm
            transaction.on_commit(_enqueue_delivery, using=using, robust=True)
        return []
    saved = list(
        Notification.objects.using(using).filter(recipient_id=user.pk, dedupe_key=dedupe_key, channel__in=channels)
    )
    if any(row.state == PENDING for row in saved):
        transaction.on_commit(_enqueue_delivery, using=using, robust=True)
    return saved


_MANY_FIELDS = (
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
)


def notify_many(
    recipients: Iterable[tuple[int, str]],
    subject: str,
    body: str,
    *,
    url: str = "",
    channels: Iterable[str] = ("portal",),
    obj: models.Model | None = None,
) -> int:
    """:func:`notify` for many recipients at once: each ``(user id, dedupe key)`` gets the rows ``notify`` would
    write (portal sent, other channels pending, a repeated event skipped), in a few bulk inserts in the caller's
    transaction, and delivery is enqueued once it commits. Returns the rows offered (skipped duplicates included).

    For fan-outs (an instruction to 30,000 units) where one ``notify`` per recipient would dominate the time.
    """
    from yiwang.core.bulk import db_value, insert_rows

    channels = tuple(dict.fromkeys(channels))
    _check(channels, url)
    now = timezone.now()
    at = db_value(Notification, "created_at", now)
    common = (subject[:200], body, url)
    where = (obj._meta.label_lower if obj is not None else "", str(obj.pk)[:64] if obj is not None else "")
    shapes = [
        (channel, Notification.State.SENT.value, at, None) if channel == PORTAL else (channel, PENDING.value, None, at)
        for channel in channels
    ]
    rows = []
    for user_id, dedupe_key in recipients:
        if not dedupe_key or len(dedupe_key) > 200:
            raise ValueError("dedupe_key must name the business event in 1 to 200 characters")
        for channel, state, sent_at, next_attempt_at in shapes:
            rows.append((user_id, channel, *common, dedupe_key, at, *where, state, 0, sent_at, next_attempt_at, ""))
    # ON CONFLICT DO NOTHING, as notify(): a repeated event is skipped without aborting the caller's transaction.
    insert_rows(Notification, _MANY_FIELDS, rows, ignore_conflicts=True)
    if rows and any(channel != PORTAL for channel in channels):
        transaction.on_commit(_enqueue_delivery, using=router.db_for_write(Notification), robust=True)
    return len(rows)


def _enqueue_delivery() -> None:
    # Imported here: tasks.py imports this module.
    from yiwang.core.tasks import deliver_pending as deliver_task

    deliver_task.enqueue()


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failed attempt: the base doubled each time (60 s, 2 min, 4 min, …), ≤ 1 day."""
    seconds = settings.YIWANG_NOTIFY_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, 86400))


@dataclass
class DeliveryReport:
    """What one :func:`deliver_pending` run did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed

    def as_dict(self) -> dict[str, int]:
        return {"sent": self.sent, "retried": self.retried, "failed": self.failed}


def _claim(limit: int, now: datetime, report: DeliveryReport) -> list[int]:
    """Lease up to ``limit`` due pending rows to this worker and count the attempt; returns their ids.

    A row whose attempts are already used up was interrupted on its last attempt (a crash after claiming):
    it is marked failed rather than retried forever.
    """
    using = router.db_for_write(Notification)
    max_attempts = settings.YIWANG_NOTIFY_MAX_ATTEMPTS
    with transaction.atomic(using=using):
        due = (
            Notification.objects.using(using)
            .filter(state=PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")
        )
        if connections[using].features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due.values_list("id", "attempts")[:limit])
        exhausted = [pk for pk, attempts in rows if attempts >= max_attempts]
        claimed = [pk for pk, attempts in rows if attempts < max_attempts]
        if exhausted:
            report.failed += (
                Notification.objects.using(using)
                .filter(pk__in=exhausted)
                .update(
                    state=Notification.State.FAILED,
                    next_attempt_at=None,
                    last_error="delivery interrupted on the last attempt",
                )
            )
        lease = timedelta(seconds=settings.YIWANG_NOTIFY_LEASE_SECONDS)
        Notification.objects.using(using).filter(pk__in=claimed).update(
            attempts=F("attempts") + 1, next_attempt_at=now + lease
        )
    return claimed


def _send(row: Notification) -> None:
    channel = get_channel(row.channel)
    address = channel.address_for(row.recipient)
    if not address:
        raise PermanentFailure(f"recipient has no {row.channel} address")
    channel.send(
        OutgoingMessage(
            id=row.pk,
            channel=row.channel,
            address=address,
            subject=row.subject,
            body=row.body,
            url=row.url,
            created_at=row.created_at,
        )
    )


def _deliver_one(row: Notification, report: DeliveryReport) -> None:
    still_ours = Notification.objects.filter(pk=row.pk, state=PENDING, attempts=row.attempts)
    try:
        _send(row)
    except PermanentFailure as exc:
        report.failed += still_ours.update(state=Notification.State.FAILED, next_attempt_at=None, last_error=str(exc))
    except Exception as exc:
        error = f"{type(exc).__name__}: {exc}"[:2000]
        logger.warning("notification id=%s channel=%s attempt %s failed: %s", row.pk, row.channel, row.attempts, error)
        if row.attempts >= settings.YIWANG_NOTIFY_MAX_ATTEMPTS:
            report.failed += still_ours.update(state=Notification.State.FAILED, next_attempt_at=None, last_error=error)
        else:
            report.retried += still_ours.update(
                next_attempt_at=timezone.now() + retry_delay(row.attempts), last_error=error
            )
    else:
        # Not filtered on attempts: the gateway took the message, so it is sent even if our lease ran out.
        report.sent += Notification.objects.filter(pk=row.pk, state=PENDING).update(
            state=Notification.State.SENT, sent_at=timezone.now(), next_attempt_at=None, last_error=""
        )


def deliver_pending(limit: int | None = None) -> DeliveryReport:
    """Send up to ``limit`` due pending notifications; see the module docstring for the guarantees."""
    limit = limit or settings.YIWANG_NOTIFY_BATCH_SIZE
    report = DeliveryReport()
    claimed = _claim(limit, timezone.now(), report)
    for row in Notification.objects.filter(pk__in=claimed).select_related("recipient").order_by("id"):
        _deliver_one(row, report)
    if report.handled:
        logger.info("notifications delivered: %s", report.as_dict())
    return report


def due_count() -> int:
    """How many pending notifications are due now (the sweeper's and the operator's question)."""
    return Notification.objects.filter(state=PENDING, next_attempt_at__lte=timezone.now()).count()


def inbox(user: Any) -> models.QuerySet[Notification]:
    """The user's own portal messages, newest first."""
    return Notification.objects.filter(recipient_id=user.pk, channel=PORTAL).order_by("-created_at", "-id")


def mark_read(user: Any, ids: Iterable[int]) -> int:
    """Mark these portal messages of ``user`` as read (others' ids are ignored); returns how many changed."""
    return inbox(user).filter(pk__in=list(ids), read_at__isnull=True).update(read_at=timezone.now())


def unread_count(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``unread_messages_count`` for the navigation, counted only if a template uses it."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_messages_count": 0}
    return {"unread_messages_count": SimpleLazyObject(lambda: inbox(user).filter(read_at__isnull=True).count())}
