"""``yiwang supervision_escalate [--today YYYY-MM-DD]``: rectification orders past their deadline without accepted
evidence go one level up (责任单位 → 牵头单位 → 上级政府), each once per level. Run it every working day."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from yiwang.supervision.services import escalate_overdue_orders


class Command(BaseCommand):
    help = "Escalate overdue rectification orders one level up."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="the day to escalate as (ISO)")

    def handle(self, *args: Any, today: date | None = None, **options: Any) -> None:
        self.stdout.write(json.dumps({"escalated": escalate_overdue_orders(today=today)}))
