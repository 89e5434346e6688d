"""``yiwang audit verify|checkpoint``: check the ledger's hash chain; sign and check its head outside the database.

``audit checkpoint --out FILE`` appends a signed checkpoint of the head to a JSON Lines file kept outside the
database; ``audit verify --checkpoint FILE`` checks, besides the chain, that the ledger still holds every
checkpoint of the file (a deleted tail or a rewritten chain fails). See docs/operations.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from yiwang.core.audit import verify_chain
from yiwang.core.checkpoints import head_checkpoint, read_checkpoints, verify_checkpoint


class Command(BaseCommand):
    help = (
        "审计日志：verify 逐条重算 SM3 哈希链（可加 --checkpoint 核对日志外保存的检查点），完整时退出码为 0，"
        "否则为 1 并指出第一条被篡改的记录；checkpoint 签发当前末条记录的 SM2 签名检查点。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="校验审计日志哈希链")
        verify.add_argument("--batch-size", type=int, default=5000, help="每批读取的记录数")
        verify.add_argument("--checkpoint", type=Path, help="检查点文件（每行一个 JSON），逐个核对")
        checkpoint = sub.add_parser("checkpoint", help="签发末条记录的检查点")
        checkpoint.add_argument("--out", type=Path, help="追加写入的检查点文件；省略时只打印")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if subcommand == "checkpoint":
            self._checkpoint(options["out"])
            return
        result = verify_chain(batch_size=options["batch_size"])
        failed = not result.ok
        self._say(result.message, ok=result.ok)
        if options["checkpoint"] is not None:
            try:
                checkpoints = read_checkpoints(options["checkpoint"])
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            for doc in checkpoints:
                outcome = verify_checkpoint(doc, chain=result)
                failed |= not outcome.ok
                self._say(outcome.message, ok=outcome.ok)
        if failed:
            sys.exit(1)

    def _checkpoint(self, out: Path | None) -> None:
        line = json.dumps(head_checkpoint(), ensure_ascii=False, sort_keys=True)
        if out is not None:
            with out.open("a", encoding="utf-8") as handle:
                handle.write(line + "\n")
        self.stdout.write(line)

    def _say(self, message: str, *, ok: bool) -> None:
        if ok:
            self.stdout.write(self.style.SUCCESS(message))
        else:
            self.stderr.write(self.style.ERROR(message))
