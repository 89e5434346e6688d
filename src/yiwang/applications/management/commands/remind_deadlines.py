"""``yiwang remind_deadlines``: the daily 催办 run (cron or a systemd timer)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from yiwang.applications.reminders import send_deadline_reminders


class Command(BaseCommand):
    help = "向即将到期或已超期办件的办理部门工作人员发送催办提醒（每件每天每种颜色一次）。"

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"催办提醒 {send_deadline_reminders()} 条。")
