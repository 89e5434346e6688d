"""Background tasks of the applications app (django.tasks, queued in the database)."""

from __future__ import annotations

from django_tasks import task

from yiwang.applications.reminders import send_deadline_reminders


@task()
def remind_deadlines() -> int:
    """Run daily (``yiwang remind_deadlines`` from cron, or enqueue this task): 催办 for yellow and red cases."""
    return send_deadline_reminders()
