"""``manage.py chase_receipts [--today YYYY-MM-DD]``: the scheduled chase of unacknowledged instructions
(SMS reminders past the deadline, escalation to the unit above a working day later). Run it every working day."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from yiwang.collaboration.services import chase_receipts


class Command(BaseCommand):
    help = "Remind units that have not acknowledged an instruction in time, and escalate those still silent."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--today", type=date.fromisoformat, default=None, help="the day to chase as (ISO date)")

    def handle(self, *args: Any, today: date | None = None, **options: Any) -> None:
        self.stdout.write(json.dumps(chase_receipts(today=today).as_dict()))
