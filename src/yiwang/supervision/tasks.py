"""Background tasks of 督查督办 (django.tasks, queued in the database); cron runs the same through the commands."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from yiwang.supervision.services import escalate_overdue_orders, generate_periodic_report, recompute_colours


@task()
def recompute_all_colours() -> dict[str, Any]:
    """Nightly: every item's colour under the rules in force (``yiwang supervision_recompute``)."""
    return recompute_colours().as_dict()


@task()
def escalate_rectifications() -> int:
    """Every working day: overdue rectification orders one level up (``yiwang supervision_escalate``)."""
    return escalate_overdue_orders()


@task()
def periodic_report(kind: str) -> int:
    """Weekly or monthly: the report of the last period (``yiwang supervision_report``); returns its id."""
    return generate_periodic_report(kind=kind).pk
