"""``yiwang supervision_report weekly|monthly [--day YYYY-MM-DD] [--out FILE.pdf|FILE.xlsx]``: generate the weekly
or monthly report (周报、月报) of the period containing ``--day`` (default yesterday) and optionally write it as PDF
or Excel. Once per period: running it again returns the same report. Run weekly on Monday, monthly on the 1st."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from yiwang.supervision import exports
from yiwang.supervision.services import generate_periodic_report


class Command(BaseCommand):
    help = "Generate the weekly or monthly supervision report, optionally as PDF or xlsx."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("kind", choices=["weekly", "monthly"])
        parser.add_argument("--day", type=date.fromisoformat, default=None, help="a day of the period (ISO)")
        parser.add_argument("--out", type=Path, default=None, help="write the report to this .pdf or .xlsx file")

    def handle(self, *args: Any, kind: str, day: date | None = None, out: Path | None = None, **options: Any) -> None:
        if out is not None and out.suffix not in (".pdf", ".xlsx"):
            raise CommandError("--out must end in .pdf or .xlsx")
        report = generate_periodic_report(kind=kind, day=day)
        if out is not None:
            out.write_bytes(
                exports.periodic_report_pdf(report) if out.suffix == ".pdf" else exports.periodic_report_xlsx(report)
            )
        body = report.body
        summary = {"id": report.pk, "period": body["period"], "totals": body["totals"], "out": str(out or "")}
        self.stdout.write(json.dumps(summary, ensure_ascii=False))
