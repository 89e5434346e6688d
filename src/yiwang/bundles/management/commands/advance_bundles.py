"""``yiwang advance_bundles``: start bundle items whose prerequisites completed (cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.bundles.services import advance_open_bundles


class Command(BaseCommand):
    help = "推进一件事联办：前置事项办结后自动开始后续事项，并合并发送补正和办结通知。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"已推进一件事办件 {advance_open_bundles()} 件。")
