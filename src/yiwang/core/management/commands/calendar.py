"""``manage.py calendar seed --years 2025 2026`` and ``calendar status``: the working-day calendar."""

from __future__ import annotations

import csv
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from yiwang.core.errors import DomainError
from yiwang.core.models import WorkCalendar
from yiwang.core.workdays import (
    PROVISIONAL_SOURCE,
    SEED_SOURCE,
    package_years,
    publish_work_calendar,
    seed_work_calendar,
)


class Command(BaseCommand):
    help = "工作日历：seed 从 holidays 软件包导入指定年份（含调休）；status 列出已有年份。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        seed = sub.add_parser("seed", help="导入指定年份的放假安排（人工修改过的日期保持不变）")
        seed.add_argument("--years", type=int, nargs="+", default=[date.today().year], metavar="YEAR")
        sub.add_parser("status", help="列出已导入的年份")
        publish = sub.add_parser("publish", help="按国务院放假通知录入整年（CSV：date,kind,name）")
        publish.add_argument("--year", type=int, required=True)
        publish.add_argument(
            "--file", required=True, help="CSV 文件：date,kind,name；kind 为 holiday 或 makeup_workday"
        )
        publish.add_argument("--reason", default="", help="依据，如国务院办公厅通知文号")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "seed":
            self._seed(options["years"])
        elif subcommand == "publish":
            self._publish(options["year"], options["file"], options["reason"])
        else:
            self._status()

    def _publish(self, year: int, path: str, reason: str) -> None:
        exceptions: dict[date, tuple[str, str]] = {}
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for line_no, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    exceptions[date.fromisoformat(row["date"].strip())] = (
                        row["kind"].strip(),
                        row.get("name", "").strip(),
                    )
                except (KeyError, ValueError, AttributeError) as exc:
                    raise CommandError(f"{path} 第 {line_no} 行格式错误（需要 date,kind,name）：{exc}") from exc
        try:
            count = publish_work_calendar(year, exceptions, actor=None, reason=reason)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(self.style.SUCCESS(f"已录入 {year} 年工作日历，共 {count} 天。"))

    def _seed(self, years: list[int]) -> None:
        known = package_years()
        available = sorted({y for y in years if y in known})
        for year in sorted(set(years) - set(available)):
            self.stderr.write(
                self.style.WARNING(
                    f"holidays 软件包（{SEED_SOURCE}）没有 {year} 年的放假安排"
                    f"（已知 {known.start}–{known.stop - 1} 年），未导入："
                    "请在国务院通知发布后升级软件包，或由管理员维护。"
                )
            )
        if not available:
            raise CommandError("没有可导入的年份。")
        changed = seed_work_calendar(available)
        self.stdout.write(self.style.SUCCESS(f"已导入 {'、'.join(map(str, available))} 年，新增或更新 {changed} 天。"))

    def _status(self) -> None:
        years = (
            WorkCalendar.objects.annotate(year=ExtractYear("date"))
            .values("year")
            .annotate(
                days=Count("date"),
                working=Count("date", filter=Q(is_working_day=True)),
                edited=Count("date", filter=~Q(source__startswith=WorkCalendar.SEED_SOURCE_PREFIX)),
                provisional=Count("date", filter=Q(source=PROVISIONAL_SOURCE)),
            )
            .order_by("year")
        )
        if not years:
            self.stdout.write("工作日历为空：请运行 calendar seed --years <年份>。")
        for row in years:
            self.stdout.write(
                f"{row['year']} 年：{row['days']} 天，工作日 {row['working']} 天，人工修改 {row['edited']} 天"
                + ("（演示推算，未含调休：国务院通知发布后请用 calendar publish 录入）" if row["provisional"] else "")
            )
