"""``manage.py seed``: seed the demo city and print the demo logins."""

from __future__ import annotations

import resource
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from yiwang.demo.seeding import seed_demo_city


class Command(BaseCommand):
    help = "生成演示城市：行政区划、行业分类、人口、市场主体、部门和演示账号（可重复执行，结果相同）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--persons", type=int, default=2000, help="number of persons (default 2000)")
        parser.add_argument("--enterprises", type=int, default=300, help="number of enterprises (default 300)")
        parser.add_argument("--seed", type=int, default=2026, help="random seed (default 2026)")
        parser.add_argument("--city", default="330100", help="prefecture-level division code (default 330100)")
        parser.add_argument(
            "--all-divisions", action="store_true", help="load the divisions of all of China, not only the province"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库尚未迁移到最新结构：请先运行 `yiwang migrate`（或用 `yiwang demo` 一步完成）。")
        verbose = options["verbosity"] >= 2
        report = seed_demo_city(
            seed=options["seed"],
            persons=options["persons"],
            enterprises=options["enterprises"],
            city_code=options["city"],
            all_divisions=options["all_divisions"],
            progress=(lambda message: self.stdout.write(f"  {message}")) if verbose else None,
        )
        out = self.stdout.write
        out(self.style.SUCCESS(f"演示城市 {report.city_name}（{report.city_code}），种子 {report.seed}"))
        out(f"  行政区划写入 {report.divisions_written:,} 条，行业分类写入 {report.industries_written:,} 条")
        if report.generation_skipped:
            out("  人口和市场主体已存在（同一种子），跳过生成")
        out(
            f"  自然人 {report.persons_total:,}（新增 {report.persons_created:,}），"
            f"市场主体 {report.enterprises_total:,}（新增 {report.enterprises_created:,}），部门 {report.departments}"
        )
        timings = "，".join(f"{name} {seconds:.1f}s" for name, seconds in report.seconds.items())
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (
            1024 * 1024 if sys.platform == "darwin" else 1024
        )
        out(f"  用时：{timings}；峰值内存 {peak_mb:.0f} MB")
        for note in report.notes:
            self.stdout.write(self.style.WARNING(f"  {note}"))
        out("")
        out("演示账号（密码相同）：")
        width = max(len(login.username) for login in report.logins)
        out(f"  {'username'.ljust(width)}  {'password':<16}  {'kind':<8}  who")
        for login in report.logins:
            account = f"{login.username.ljust(width)}  {login.password:<16}  {login.kind:<8}"
            out(f"  {account}  {login.full_name}，{login.description}")
