"""Background tasks of 一网协同 (django.tasks, queued in the database); cron runs the same through the command."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from yiwang.collaboration.services import chase_receipts


@task()
def chase_instruction_receipts() -> dict[str, Any]:
    """Every working day: remind units past the deadline, escalate those still silent (``yiwang chase_receipts``)."""
    return chase_receipts().as_dict()
