"""Usage-side supervision (用数监管): anomalies in a grant's reads raise alerts that reach the resource's owner."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.core import audit
from yiwang.core.notify import notify
from yiwang.core.workdays import CalendarNotSeeded, WorkingDays
from yiwang.sharing.models import Alert, Grant, ReadLog

#: Office hours (Asia/Shanghai) of a working day; a bulk read outside them is reported.
OFFICE_HOURS = (time(8, 0), time(18, 0))
#: A read of at least this many rows at once is "bulk".
BULK_ROWS = 100
#: A day's volume this many times the previous week's daily mean (and at least MIN_SPIKE_ROWS) is a spike.
SPIKE_FACTOR = 3
MIN_SPIKE_ROWS = 200


def is_office_hours(moment: datetime) -> bool:
    local = timezone.localtime(moment)
    try:
        working = WorkingDays().is_working_day(local.date())
    except CalendarNotSeeded:
        working = local.weekday() < 5
    return working and OFFICE_HOURS[0] <= local.time() < OFFICE_HOURS[1]


def raise_alert(grant: Grant, kind: str, day: date, detail: dict[str, Any]) -> Alert:
    """One alert per grant, kind and day; the first one notifies every official of the owner department."""
    with transaction.atomic():
        alert, created = Alert.objects.get_or_create(grant=grant, kind=kind, day=day, defaults={"detail": detail})
        if created:
            audit.record("sharing.alert.raise", obj=alert, data={"grant": grant.pk, "kind": kind, **detail})
            provider = grant.resource.provider
            for official in User.objects.filter(department=provider, kind=User.Kind.OFFICIAL, is_active=True):
                notify(
                    official,
                    str(_("用数告警：%(kind)s") % {"kind": alert.get_kind_display()}),
                    str(
                        _("%(consumer)s 使用“%(resource)s”的授权出现异常，请核查。")
                        % {"consumer": grant.consumer.name, "resource": grant.resource.name}
                    ),
                    url=f"/workbench/sharing/alerts/#alert-{alert.pk}",
                    dedupe_key=f"sharing.alert:{alert.pk}",
                    obj=alert,
                )
    return alert


def check_bulk_read(grant: Grant, rows: int, moment: datetime) -> Alert | None:
    if rows >= BULK_ROWS and not is_office_hours(moment):
        local = timezone.localtime(moment)
        return raise_alert(
            grant, Alert.Kind.OFF_HOURS_BULK, local.date(), {"rows": rows, "at": local.isoformat(timespec="minutes")}
        )
    return None


def _rows_on(grant: Grant, day: date) -> int:
    start = timezone.make_aware(datetime.combine(day, time.min))
    total = ReadLog.objects.filter(grant=grant, at__gte=start, at__lt=start + timedelta(days=1), refused="").aggregate(
        n=Sum("rows")
    )["n"]
    return int(total or 0)


def check_volume_spike(grant: Grant, day: date) -> Alert | None:
    """Today's rows against the mean of the seven days before."""
    today = _rows_on(grant, day)
    if today < MIN_SPIKE_ROWS:
        return None
    mean = sum(_rows_on(grant, day - timedelta(days=d)) for d in range(1, 8)) / 7
    if today > SPIKE_FACTOR * mean:
        return raise_alert(grant, Alert.Kind.VOLUME_SPIKE, day, {"rows": today, "weekly_mean": round(mean, 1)})
    return None


def supervise(day: date | None = None) -> int:
    """The daily sweep (``yiwang sharing_supervise``): volume spikes of every grant in force. Returns alerts raised."""
    day = day or timezone.localdate()
    raised = 0
    for grant in Grant.objects.filter(status=Grant.Status.APPROVED).select_related("resource__provider", "consumer"):
        raised += check_volume_spike(grant, day) is not None
    return raised
