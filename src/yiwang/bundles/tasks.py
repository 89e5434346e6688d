"""Background tasks of the bundles app (django.tasks, queued in the database)."""

from __future__ import annotations

from django_tasks import task

from yiwang.bundles import services


@task()
def advance_open_bundles() -> int:
    """Run every few minutes (``yiwang advance_bundles`` from cron, or enqueue this task)."""
    return services.advance_open_bundles()
