"""``manage.py notify deliver`` (``yiwang notify deliver``): the notification outbox's sweeper.

Run it periodically (cron, a systemd timer: every minute). It delivers every pending notification that is due,
whatever happened to the task enqueued for it, so a lost task delays a message but never loses it. With
``--enqueue`` it only hands the work to the task workers (``yiwang db_worker``).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from yiwang.core import notify
from yiwang.core.tasks import deliver_pending


class Command(BaseCommand):
    help = "消息通知：deliver 发送所有到期的待发送通知（补发丢失的后台任务），--enqueue 则交给后台任务执行。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        deliver = sub.add_parser("deliver", help="发送到期的待发送通知")
        deliver.add_argument("--limit", type=int, default=0, help="每批条数（默认 YIWANG_NOTIFY_BATCH_SIZE）")
        deliver.add_argument("--max-batches", type=int, default=100, help="本次最多处理的批数")
        deliver.add_argument("--enqueue", action="store_true", help="只把发送任务加入后台队列")

    def handle(self, *args: Any, subcommand: str, **options: Any) -> None:
        if options["enqueue"]:
            due = notify.due_count()
            if due:
                deliver_pending.enqueue(options["limit"])
            self.stdout.write(f"due={due} enqueued={int(bool(due))}")
            return
        total = notify.DeliveryReport()
        for _ in range(max(options["max_batches"], 1)):
            report = notify.deliver_pending(options["limit"] or None)
            total.sent += report.sent
            total.retried += report.retried
            total.failed += report.failed
            if not report.handled:
                break
        self.stdout.write(f"sent={total.sent} retried={total.retried} failed={total.failed}")
