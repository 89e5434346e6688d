"""``yiwang catalog import FILE --user NAME`` / ``yiwang catalog export [--format yaml|json] [--output FILE]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.accounts.models import User
from yiwang.catalog.services import CatalogImportFailed, export_catalog, import_catalog
from yiwang.core.errors import DomainError


class Command(BaseCommand):
    help = "导入或导出政务服务事项目录（JSON 或 YAML）：导入时有任何问题则不导入，并列出每个事项的每个问题。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("file", type=Path, nargs="?", help="导入的目录文件（.json、.yaml 或 .yml）")
        parser.add_argument("--user", help="以该系统管理员身份导入（记入审计日志）")
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--output", type=Path, help="导出到该文件；缺省输出到标准输出")

    def handle(self, *args: Any, action: str, file: Path | None, user: str | None, **options: Any) -> None:
        if action == "export":
            text = export_catalog(fmt=options["format"])
            if options["output"]:
                options["output"].write_text(text, encoding="utf-8")
            else:
                self.stdout.write(text, ending="")
            return
        if file is None or not user:
            raise CommandError("导入需要目录文件和 --user")
        actor = User.objects.filter(username=user).first()
        if actor is None:
            raise CommandError(f"用户不存在：{user}")
        try:
            report = import_catalog(file, actor=actor)
        except CatalogImportFailed as exc:
            for problem in exc.problems:
                self.stderr.write(f"{problem.item_code or '—'} · {problem.field}：{problem.message}")
            raise CommandError(f"目录导入失败，未导入任何事项（{len(exc.problems)} 个问题）") from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"共 {report.total} 个事项：新增 {len(report.created)}，更新 {len(report.updated)}，"
                f"未变 {len(report.unchanged)}。"
            )
        )
