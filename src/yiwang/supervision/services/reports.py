"""Weekly and monthly reports (周报、月报) of 督查督办: the colours at the end of the period, what turned red or
back to green in it, the rectification loop's figures and the ranking of responsible departments."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.core.audit import record
from yiwang.core.errors import ValidationFailed
from yiwang.supervision.models import ColourRecord, CurrentColour, Item, PeriodicReport, RectificationOrder
from yiwang.supervision.selectors import one_table

__all__ = ["generate_periodic_report", "report_period"]


def report_period(kind: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The week (Monday to Sunday) or the calendar month that contains ``day``."""
    if kind == PeriodicReport.Kind.WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    if kind == PeriodicReport.Kind.MONTHLY:
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return start, following - dt.timedelta(days=1)
    raise ValidationFailed(_("报告类型须为周报或月报"), field="kind")


def _changes(start: dt.date, end: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Items whose colour record of the period turned them red, or back to green from yellow or red."""
    records = (
        ColourRecord.objects.filter(computed_at__date__gte=start, computed_at__date__lte=end)
        .select_related("item", "item__responsible")
        .order_by("item_id", "computed_at", "pk")
    )
    previous: dict[int, str | None] = {}
    for item_id, colour in (
        ColourRecord.objects.filter(computed_at__date__lt=start, item_id__in=records.values("item_id"))
        .order_by("item_id", "computed_at", "pk")
        .values_list("item_id", "colour")
    ):
        previous[item_id] = colour
    turned_red: list[dict[str, Any]] = []
    back_to_green: list[dict[str, Any]] = []
    for rec in records:
        before = previous.get(rec.item_id)
        row = {"code": rec.item.code, "name": rec.item.name, "responsible": rec.item.responsible.name}
        if rec.colour == "red" and before != "red":
            turned_red.append({**row, "on": rec.as_of.isoformat(), "held": list(rec.reason.get("held", []))})
        elif rec.colour == "green" and before in ("yellow", "red"):
            back_to_green.append({**row, "on": rec.as_of.isoformat(), "from": before})
        previous[rec.item_id] = rec.colour
    return {"turned_red": turned_red, "back_to_green": back_to_green}


def _rectification(start: dt.date, end: dt.date) -> dict[str, int]:
    orders = RectificationOrder.objects
    return {
        "issued": orders.filter(issued_at__date__gte=start, issued_at__date__lte=end).count(),
        "closed": orders.filter(closed_at__date__gte=start, closed_at__date__lte=end).count(),
        "open": orders.filter(state__in=["open", "submitted", "rejected"]).count(),
        "overdue": orders.filter(state__in=["open", "rejected"], due_on__lt=end).count(),
        "escalated": orders.filter(state__in=["open", "submitted", "rejected"], escalation__gt=0).count(),
    }


def _body(start: dt.date, end: dt.date) -> dict[str, Any]:
    table = one_table(Item.objects.all())
    red = (
        CurrentColour.objects.filter(colour="red")
        .select_related("item", "item__responsible")
        .order_by("item__code")[:200]
    )
    categories = dict(Item.objects.values("category").annotate(n=Count("pk")).values_list("category", "n"))
    return {
        "period": [start.isoformat(), end.isoformat()],
        "totals": table["totals"],
        "categories": categories,
        "departments": [
            {k: (str(v) if k == "name" else v) for k, v in row.items() if k != "key"} for row in table["department"]
        ],
        "red_items": [
            {"code": c.item.code, "name": c.item.name, "responsible": c.item.responsible.name, "flags": c.gaming_flags}
            for c in red
        ],
        **_changes(start, end),
        "rectification": _rectification(start, end),
    }


def generate_periodic_report(*, kind: str, day: dt.date | None = None) -> PeriodicReport:
    """The weekly or monthly report of the period containing ``day`` (default yesterday, the last whole day).

    Once per period: a second call returns the first report unchanged (a report, once sent, is a record)."""
    start, end = report_period(kind, day or timezone.localdate() - dt.timedelta(days=1))
    existing = PeriodicReport.objects.filter(kind=kind, period_start=start).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            report = PeriodicReport.objects.create(
                kind=kind, period_start=start, period_end=end, body=_body(start, end)
            )
            record(
                "supervision.report.generate",
                actor_label="system",
                obj=report,
                data={"kind": kind, "start": start, "end": end, "red": report.body["totals"]["red"]},
            )
    except IntegrityError:  # generated concurrently: the first one stands
        return PeriodicReport.objects.get(kind=kind, period_start=start)
    return report
