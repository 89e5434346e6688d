"""``yiwang sharing_returns``: deliver every data-return extract that is due (数据回流), with its receipt."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.sharing.services.returns import run_due_returns


class Command(BaseCommand):
    help = "Run the due data-return schedules; print each receipt (rows, SM3)."

    def handle(self, *args: Any, **options: Any) -> None:
        for extract in run_due_returns():
            self.stdout.write(f"extract {extract.pk}: rows {extract.row_count} sm3 {extract.sm3_digest}")
