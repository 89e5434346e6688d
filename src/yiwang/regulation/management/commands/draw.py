"""``yiwang draw verify <draw number | folder>``: re-run a published draw with the platform's engine.

The standalone ``tools/verify_draw.py`` does the same with the standard library only; both must agree.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.regulation.models import InspectionDraw
from yiwang.regulation.services import draws


class Command(BaseCommand):
    help = "Verify a published 双随机 draw: commitment, seed and result (verify NUMBER_OR_FOLDER)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("draw", help="a draw number, or a folder holding the published files")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["draw"])
        if folder.is_dir():
            files = {name: (folder / name).read_text(encoding="utf-8") for name in draws.FILES}
        else:
            draw = InspectionDraw.objects.filter(number=options["draw"]).first()
            if draw is None:
                raise CommandError(f"no draw numbered {options['draw']!r} and no such folder")
            if not draw.result_json:
                raise CommandError(f"draw {draw.number} has no result yet (waiting for its randomness)")
            files = draws.published_files(draw)
        failures = draws.verify_files(files)
        if failures:
            for failure in failures:
                self.stderr.write(f"FAILED {failure}")
            raise CommandError("the draw does not verify")
        self.stdout.write("OK: commitment, seed and result verified")
