"""``yiwang risk_classify [--month YYYY-MM] --department CODE --user USERNAME``: the monthly credit-risk
classification of every active firm (default: the month before today), as that official of that market-regulation
department; idempotent per month, so a cron job may repeat it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from yiwang.accounts.models import Department, User
from yiwang.core.errors import DomainError
from yiwang.risk.services.classification import run_classification


class Command(BaseCommand):
    help = "Classify every active firm for a month (信用风险分类) and raise its leads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", help="YYYY-MM (default: last month)")
        parser.add_argument("--department", required=True, help="code of the market-regulation department")
        parser.add_argument("--user", required=True, help="username of the official who runs it")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["month"]:
            try:
                month = date.fromisoformat(f"{options['month']}-01")
            except ValueError as exc:
                raise CommandError("--month must be YYYY-MM") from exc
        else:
            month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
        department = Department.objects.filter(code=options["department"]).first()
        user = User.objects.filter(username=options["user"]).first()
        if department is None or user is None:
            raise CommandError("unknown department or user")
        try:
            run = run_classification(month, department=department, actor=user)
        except DomainError as exc:
            raise CommandError(str(exc.message)) from exc
        self.stdout.write(
            f"{run}: {run.entities} firms {run.class_counts}, {run.leads_raised} leads, model {run.model.version}"
        )
