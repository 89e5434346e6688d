"""``manage.py audit verify`` (``yiwang audit verify``): check the audit ledger's hash chain end to end."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiwang.core.audit import verify_chain


class Command(BaseCommand):
    help = "审计日志：verify 逐条重算 SM3 哈希链，完整时退出码为 0，否则为 1 并指出第一条被篡改的记录。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="校验审计日志哈希链")
        verify.add_argument("--batch-size", type=int, default=5000, help="每批读取的记录数")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        result = verify_chain(batch_size=options["batch_size"])
        if result.ok:
            self.stdout.write(self.style.SUCCESS(result.message))
            return
        self.stderr.write(self.style.ERROR(result.message))
        sys.exit(1)
