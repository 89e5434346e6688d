"""Builders of supervised items and their reports."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from yiwang.supervision.models import Item, MonthlyReport
from yiwang.supervision.services import create_item, submit_report


def item(responsible, lead, *, code: str = "XM-001", name: str = "地铁十号线", **fields: Any) -> Item:
    return create_item(
        actor=None,
        code=code,
        name=name,
        category=fields.pop("category", Item.Category.PROJECT),
        division=responsible.division,
        responsible=responsible,
        lead=lead,
        planned_total=Decimal("1000000000"),
        starts_on=fields.pop("starts_on", dt.date(2026, 1, 1)),
        ends_on=fields.pop("ends_on", dt.date(2026, 12, 31)),
        milestones=fields.pop("milestones", ()),
    )


def report(item: Item, month: str, *, plan: float, actual: float, photos: int = 3, **extra: Any) -> MonthlyReport:
    """A month with progress ``plan`` vs ``actual`` (%) and investment in the same proportion."""
    data = {
        "planned_investment": Decimal(str(plan)) * 10_000_000,
        "actual_investment": Decimal(str(extra.pop("investment", actual))) * 10_000_000,
        "planned_progress": plan,
        "actual_progress": actual,
        "photos": photos,
        **extra,
    }
    return submit_report(actor=None, item=item, month=month, data=data)
