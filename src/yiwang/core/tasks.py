"""Background tasks of the kernel (``django.tasks`` API; run by ``yiwang db_worker``).

``deliver_pending`` is enqueued by ``core.notify.notify`` after the caller's transaction commits. A full batch
enqueues the next one; a batch with retries schedules a run for the earliest retry when the backend can defer
(the database backend can). Should any of these tasks be lost, ``sweep_notifications`` (and the
``yiwang notify deliver`` command that cron runs) picks the pending rows up again.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Min
from django_tasks import task

from yiwang.core import notify
from yiwang.core.models import Notification


@task()
def deliver_pending(limit: int = 0) -> dict[str, int]:
    """Deliver up to ``limit`` (default ``YIWANG_NOTIFY_BATCH_SIZE``) due notifications."""
    limit = limit or settings.YIWANG_NOTIFY_BATCH_SIZE
    report = notify.deliver_pending(limit)
    if report.handled >= limit:
        deliver_pending.enqueue(limit)
    elif report.retried and deliver_pending.get_backend().supports_defer:
        earliest = Notification.objects.filter(state=Notification.State.PENDING).aggregate(at=Min("next_attempt_at"))
        if earliest["at"] is not None:
            deliver_pending.using(run_after=earliest["at"]).enqueue(limit)
    return report.as_dict()


@task()
def sweep_notifications() -> int:
    """Enqueue delivery if any pending notification is due (its task was lost); returns how many are due."""
    due = notify.due_count()
    if due:
        deliver_pending.enqueue()
    return due
