"""Enforced reads through a grant: fields, rows, period, rate and volume checked on every call; each read logged.

A read of a person's or an enterprise's record is also written to the audit ledger against that record, with
the grant's purpose, so that the citizen or the firm sees who read it (“谁看了我的数据”).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core import audit
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.sharing.models import Alert, Export, Grant, ReadLog
from yiwang.sharing.services import supervision
from yiwang.sharing.services.errors import RateLimited
from yiwang.sharing.services.records import Record, find_record, iter_records
from yiwang.sharing.services.watermark import start_export, write_export

MAX_BULK_ROWS = 1000
AUDITED_REGISTRIES = {"person", "entity"}


def _log_refusal(grant: Grant, moment: datetime, reason: str, fields: list[str], key: str = "") -> None:
    # Kept even though the read fails: the refusal is a fact supervision needs (its own transaction).
    with transaction.atomic():
        ReadLog.objects.create(
            grant=grant, at=moment, channel=ReadLog.Channel.API, record_key=key[:64], fields=fields, rows=0,
            refused=reason,
        )  # fmt: skip


def _check_standing(grant: Grant, moment: datetime) -> None:
    if grant.status == Grant.Status.REVOKED:
        raise PermissionDenied(_("授权已撤销"), field="credential", code="revoked")
    if grant.status != Grant.Status.APPROVED:
        raise PermissionDenied(_("授权未生效"), field="credential", code="not_approved")
    today = timezone.localtime(moment).date()
    if not grant.valid_from <= today <= grant.valid_until:
        raise PermissionDenied(_("不在授权使用期限内"), field="credential", code="outside_period")


def _check_fields(grant: Grant, wanted: list[str] | None, moment: datetime) -> list[str]:
    fields = list(grant.fields) if not wanted else list(dict.fromkeys(wanted))
    outside = [f for f in fields if f not in grant.fields]
    if outside:
        _log_refusal(grant, moment, "fields", fields)
        supervision.raise_alert(
            grant, Alert.Kind.FIELD_OUTSIDE_PURPOSE, timezone.localtime(moment).date(), {"fields": outside}
        )
        raise PermissionDenied(
            _("请求的信息项超出授权范围：%(fields)s") % {"fields": "、".join(outside)}, field="fields",
            code="fields_outside_grant",
        )  # fmt: skip
    return fields


def _check_rate(grant: Grant, rows: int, moment: datetime) -> None:
    """The minute's calls and the day's rows, in one indexed query over the grant's log."""
    start = timezone.make_aware(datetime.combine(timezone.localtime(moment).date(), time.min))
    used = ReadLog.objects.filter(
        grant=grant, at__gte=min(start, moment - timedelta(seconds=60)), refused=""
    ).aggregate(
        minute=Count("pk", filter=Q(at__gt=moment - timedelta(seconds=60))),
        day=Sum("rows", filter=Q(at__gte=start)),
    )
    if used["minute"] >= grant.rate_per_minute:
        raise RateLimited(_("超过每分钟调用次数上限，请稍后再试"), field="credential")
    if (used["day"] or 0) + rows > grant.daily_volume:
        raise RateLimited(_("超过每日调用量上限"), field="credential")


def _audit_read(grant: Grant, record: Record, data: dict[str, Any]) -> None:
    """A read of a person's or an enterprise's record, against that record, with the grant's purpose."""
    if grant.resource.registry in AUDITED_REGISTRIES:
        audit.record(
            "sharing.read",
            actor_label=grant.consumer.name,
            on_behalf_of=grant.consumer.name,
            obj=record.model,
            object_repr=grant.resource.name,
            reason=grant.purpose,
            data=data,
        )


def _admitted_fields(grant: Grant, fields: list[str] | None, moment: datetime) -> list[str]:
    """Standing and fields, checked before the read's transaction so that a refusal and its alert are kept."""
    _check_standing(grant, moment)
    return _check_fields(grant, fields, moment)


def _lock(grant: Grant, moment: datetime) -> Grant:
    # the row lock serialises a grant's concurrent reads, so rate and volume cannot be overrun by a burst;
    # standing is checked again under it, so a revocation committed meanwhile takes effect at once
    locked = Grant.objects.select_for_update().select_related("resource__provider", "consumer").get(pk=grant.pk)
    _check_standing(locked, moment)
    return locked


def read_record(
    grant: Grant, record_key: str, *, fields: list[str] | None = None, now: datetime | None = None
) -> dict[str, Any]:
    """One record through the grant: only the granted fields, only inside the row scope."""
    moment = now or timezone.now()
    wanted = _admitted_fields(grant, fields, moment)
    with transaction.atomic():
        return _read_one(grant, record_key, wanted, moment)


def _read_one(grant: Grant, record_key: str, wanted: list[str], moment: datetime) -> dict[str, Any]:
    grant = _lock(grant, moment)
    _check_rate(grant, 1, moment)
    record = find_record(grant.resource, record_key.strip(), wanted)
    if record is None or not record.division_code.startswith(grant.row_scope):
        raise NotFound(_("未找到该记录，或不在授权的数据范围内"), field="record_key")
    ReadLog.objects.create(
        grant=grant, at=moment, channel=ReadLog.Channel.API, record_key=record.key[:64], fields=wanted, rows=1
    )
    _audit_read(grant, record, {"grant": grant.pk, "fields": wanted})
    return record.values


@dataclass(frozen=True)
class BulkRead:
    export: Export
    content: bytes
    rows: int


def read_rows(
    grant: Grant,
    *,
    fields: list[str] | None = None,
    offset: int = 0,
    limit: int = 100,
    now: datetime | None = None,
) -> BulkRead:
    """A page of records through the grant, as a watermarked JSON export numbered for this grant."""
    moment = now or timezone.now()
    if not 1 <= limit <= MAX_BULK_ROWS or offset < 0:
        raise ValidationFailed(_("每次批量调用 1 至 1000 条"), field="limit")
    wanted = _admitted_fields(grant, fields, moment)
    with transaction.atomic():
        return _read_page(grant, wanted, offset, limit, moment)


def _read_page(grant: Grant, wanted: list[str], offset: int, limit: int, moment: datetime) -> BulkRead:
    grant = _lock(grant, moment)
    records = []
    for index, record in enumerate(iter_records(grant.resource, wanted, grant.row_scope)):
        if index >= offset + limit:
            break
        if index >= offset:
            records.append(record)
    _check_rate(grant, len(records), moment)
    export = start_export(recipient=grant.consumer.name, fmt=Export.Format.API, grant=grant)
    content = write_export(export, ["key", *wanted], ([r.key, *(r.values[f] for f in wanted)] for r in records))
    ReadLog.objects.create(grant=grant, at=moment, channel=ReadLog.Channel.BULK, fields=wanted, rows=len(records))
    for record in records:
        _audit_read(grant, record, {"grant": grant.pk, "fields": wanted, "export": export.pk})
    supervision.check_bulk_read(grant, len(records), moment)
    supervision.check_volume_spike(grant, timezone.localtime(moment).date())
    return BulkRead(export, content, len(records))
