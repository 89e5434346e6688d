"""``yiwang watermark trace FILE``: name the export (and grant, recipient) a leaked file came from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from yiwang.sharing.services.watermark import MIN_AGREEMENT, trace_file


class Command(BaseCommand):
    help = "Trace a leaked CSV, Excel, JSON or Parquet export or download to its recipient (数据水印溯源)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        trace = sub.add_parser("trace", help="name the export a file came from")
        trace.add_argument("file", type=Path)

    def handle(self, *args: Any, action: str, file: Path, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(_("文件不存在：%(path)s") % {"path": file})
        result = trace_file(file)
        if result.export is None and result.candidates and result.agreement >= MIN_AGREEMENT:
            self.stdout.write(
                _("文件只携带 %(bits)d 位水印，与以下 %(n)d 次导出一致：")
                % {"bits": result.bits_seen, "n": len(result.candidates)}
            )
            for candidate in result.candidates:
                self.stdout.write(f"  #{candidate.pk} {candidate.recipient} {candidate.created_at:%Y-%m-%d %H:%M}")
            return
        if not result.found:
            raise CommandError(
                _("未能识别水印：%(rows)d 行中 %(voting)d 行可投票，一致率 %(agreement).0f%%")
                % {"rows": result.rows, "voting": result.voting_rows, "agreement": result.agreement * 100}
            )
        export = result.export
        assert export is not None
        grant = export.grant
        self.stdout.write(
            (
                _("导出 #%(export)d，接收方：%(recipient)s，授权：%(grant)s，")
                + _("时间：%(at)s，一致率 %(agreement).1f%%（%(voting)d 行）")
            )
            % {
                "export": export.pk,
                "recipient": export.recipient,
                "grant": f"#{grant.pk} {grant}" if grant else "—",
                "at": export.created_at.isoformat(timespec="seconds"),
                "agreement": result.agreement * 100,
                "voting": result.voting_rows,
            }
        )
