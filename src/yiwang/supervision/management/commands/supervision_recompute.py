"""``yiwang supervision_recompute [--as-of YYYY-MM-DD]``: recompute every item's three-colour code under the rules in
force (a milestone passes its date, a month goes by without a report: colours change without new data). Run it
every night after the day's reports; an unchanged colour adds no history."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand

from yiwang.supervision.services import recompute_colours


class Command(BaseCommand):
    help = "Recompute the three-colour code of every supervised item under the rules in force."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="the evaluation date (ISO)")

    def handle(self, *args: Any, as_of: date | None = None, **options: Any) -> None:
        self.stdout.write(json.dumps(recompute_colours(as_of=as_of).as_dict(), ensure_ascii=False))
