"""``yiwang import_registry persons|entities FILE --user NAME [--reason …]``: bulk import, all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.accounts.models import User
from yiwang.core.errors import DomainError
from yiwang.registries.importing import ImportRejected, import_entities, import_persons


class Command(BaseCommand):
    help = "从 CSV 或 Excel 批量导入人口库或法人库：有任何错误则不导入，并列出每一行错误。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("registry", choices=["persons", "entities"])
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="以该用户（权威来源部门工作人员或管理员）身份导入")
        parser.add_argument("--reason", default="", help="导入原因，记入变更历史与审计日志")

    def handle(self, *args: Any, registry: str, file: Path, user: str, reason: str, **options: Any) -> None:
        actor = User.objects.filter(username=user).select_related("department").first()
        if actor is None:
            raise CommandError(f"用户不存在：{user}")
        importer = import_persons if registry == "persons" else import_entities
        try:
            report = importer(file, actor=actor, department=actor.department, reason=reason)
        except ImportRejected as exc:
            for error in exc.report.errors[:200]:
                self.stderr.write(f"第 {error.line} 行 {error.field}：{error.message}")
            raise CommandError(str(exc.message)) from exc
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"共 {report.rows} 行：新增 {report.created}，更新 {report.updated}，未变 {report.unchanged}。"
            )
        )
