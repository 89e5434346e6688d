"""数据回流: scheduled extracts of a division's own records to that division, each with a receipt (row count and
SM3 digest of the exact bytes delivered), so that a county can prove what it received."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import ValidationFailed
from yiwang.sharing.models import Export, Resource, ReturnExtract, ReturnSchedule
from yiwang.sharing.services.records import iter_records
from yiwang.sharing.services.watermark import start_export, write_export


@transaction.atomic
def schedule_return(
    actor: Any,
    resource: Resource,
    *,
    division: Division,
    recipient: Department,
    fields: list[str],
    every_days: int = 7,
    first_on: date | None = None,
) -> ReturnSchedule:
    """The provider schedules the return of ``division``'s own records to a department of that division."""
    user = require_acts_for(actor, resource.provider, field="resource")
    if not recipient.division_id.startswith(division.code):
        raise ValidationFailed(_("回流只能交付给本区划的部门"), field="recipient")
    known = set(resource.items.values_list("code", flat=True))
    if not fields or set(fields) - known:
        raise ValidationFailed(_("请选择资源中存在的信息项"), field="fields")
    if every_days < 1:
        raise ValidationFailed(_("回流周期须为正整数天"), field="every_days")
    schedule = ReturnSchedule.objects.create(
        resource=resource, division=division, recipient=recipient, fields=fields, every_days=every_days,
        next_run_on=first_on or timezone.localdate(),
    )  # fmt: skip
    audit.record("sharing.return.schedule", actor=user, obj=schedule, data={"fields": fields})
    return schedule


@transaction.atomic
def run_return(schedule: ReturnSchedule) -> ReturnExtract:
    """Extract, watermark for the recipient, and keep the receipt; the schedule moves to its next date."""
    schedule = ReturnSchedule.objects.select_for_update().select_related("resource", "recipient").get(pk=schedule.pk)
    fields = list(schedule.fields)
    records = iter_records(schedule.resource, fields, schedule.division.code)
    export = start_export(recipient=schedule.recipient.name, fmt=Export.Format.CSV)
    content = write_export(export, ["key", *fields], ([r.key, *(r.values[f] for f in fields)] for r in records))
    extract = ReturnExtract.objects.create(
        schedule=schedule, row_count=export.row_count, sm3_digest=sm3_hex(content), content=content, export=export
    )
    schedule.next_run_on = max(schedule.next_run_on, timezone.localdate()) + timedelta(days=schedule.every_days)
    schedule.save(update_fields=["next_run_on"])
    audit.record(
        "sharing.return.deliver",
        obj=extract,
        on_behalf_of=schedule.recipient.name,
        data={"rows": extract.row_count, "sm3": extract.sm3_digest, "export": export.pk},
    )
    return extract


def run_due_returns(today: date | None = None) -> list[ReturnExtract]:
    """Every schedule due by ``today`` (``yiwang sharing_returns``), each in its own transaction."""
    today = today or timezone.localdate()
    return [run_return(s) for s in ReturnSchedule.objects.filter(next_run_on__lte=today).order_by("pk")]


def verify_receipt(extract: ReturnExtract, content: bytes) -> bool:
    """Whether ``content`` is exactly what was delivered: same SM3 digest and same number of data rows."""
    if sm3_hex(content) != extract.sm3_digest:
        return False
    rows = sum(1 for _ in csv.reader(io.StringIO(content.decode("utf-8")))) - 1
    return rows == extract.row_count


def run_return_now(actor: Any, schedule: ReturnSchedule) -> ReturnExtract:
    """The provider delivers a return at once, outside its schedule (the schedule moves on from today)."""
    require_acts_for(actor, schedule.resource.provider, field="schedule")
    return run_return(schedule)
