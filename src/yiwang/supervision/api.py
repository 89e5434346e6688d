"""督查督办 over the API: the items in the caller's scope with their colour and its reason, the one table (一张表),
and monthly reports sent by a department's system (接口报送), after which the item's colour is recomputed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.supervision import selectors, services
from yiwang.supervision.models import Item, MonthlyReport

router = Router(tags=["supervision"])


def _official(request: AuthedRequest) -> None:
    user = request.user
    if not (user.is_official or user.is_administrator):
        raise PermissionDenied(_("督查督办接口仅供工作人员使用"), field="user")


class SupConditionOut(Schema):
    id: str
    label: str
    op: str
    value: Any
    actual: Any
    clause: str


class SupColourOut(Schema):
    colour: str
    title: str
    rule_set: int
    as_of: str
    conditions: list[SupConditionOut]
    gaming_flags: list[str]


class SupItemOut(Schema):
    code: str
    name: str
    category: str
    division: str
    responsible: str
    lead: str
    starts_on: date
    ends_on: date
    colour: str | None


class SupItemDetailOut(SupItemOut):
    reason: SupColourOut | None
    open_rectification: str | None


class SupReportIn(Schema):
    month: str  # YYYY-MM
    planned_investment: Decimal
    actual_investment: Decimal
    planned_progress: Decimal
    actual_progress: Decimal
    photos: int = 0
    warning_signals: int = 0
    employment: int | None = None
    electricity_kwh: int | None = None
    registry_investment: Decimal | None = None


class SupRankingOut(Schema):
    rank: int
    name: str
    green: int
    yellow: int
    red: int
    total: int
    green_rate: float


class SupTableOut(Schema):
    totals: dict[str, int]
    department: list[SupRankingOut]
    region: list[SupRankingOut]
    category: list[SupRankingOut]


def _item_out(item: Item) -> SupItemOut:
    current = getattr(item, "current_colour", None)
    return SupItemOut(
        code=item.code,
        name=item.name,
        category=item.category,
        division=item.division.name,
        responsible=item.responsible.name,
        lead=item.lead.name,
        starts_on=item.starts_on,
        ends_on=item.ends_on,
        colour=current.colour if current else None,
    )


def _detail(item: Item) -> SupItemDetailOut:
    current = getattr(item, "current_colour", None)
    reason = None
    if current is not None:
        why = services.describe_reason(current.record)
        reason = SupColourOut(
            colour=current.colour,
            title=str(why["title"]),
            rule_set=why["rule_set"],
            as_of=why["as_of"],
            conditions=[
                SupConditionOut(**{k: c[k] for k in ("id", "label", "op", "value", "actual", "clause")})
                for c in why["conditions"]
            ],
            gaming_flags=list(current.gaming_flags),
        )
    order = item.rectifications.filter(state__in=["open", "submitted", "rejected"]).first()
    return SupItemDetailOut(
        **_item_out(item).dict(), reason=reason, open_rectification=order.state if order is not None else None
    )


def _items(request: AuthedRequest):
    _official(request)
    return selectors.items_for(request.user).select_related(
        "division", "responsible", "lead", "current_colour", "current_colour__record__rule_set"
    )


def _item(request: AuthedRequest, code: str) -> Item:
    item = _items(request).filter(code=code).first()
    if item is None:
        raise NotFound(_("未找到该督查事项"), field="code")
    return item


@router.get("/items", response=list[SupItemOut])
def list_items(
    request: AuthedRequest,
    category: str = "",
    colour: str = "",
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(200, ge=1, le=1000),
) -> list[SupItemOut]:
    """Items in the caller's scope, by code; filter by ``category`` and ``colour``; at most 1,000 a page."""
    items = _items(request)
    if category:
        items = items.filter(category=category)
    if colour:
        items = items.filter(current_colour__colour=colour)
    offset, limit = max(0, offset), min(max(1, limit), 1000)
    return [_item_out(i) for i in items.order_by("code")[offset : offset + limit]]


@router.get("/items/{code}", response=SupItemDetailOut)
def get_item(request: AuthedRequest, code: str) -> SupItemDetailOut:
    """An item with its colour and the reason for it: the rule version, the conditions that held, the values."""
    return _detail(_item(request, code))


@router.post("/items/{code}/reports", response=SupItemDetailOut)
def post_report(request: AuthedRequest, code: str, payload: SupReportIn) -> SupItemDetailOut:
    """A month's report from the responsible unit's system (接口报送); the item's colour is recomputed at once.

    A second report of the same month replaces the first."""
    item = _item(request, code)
    data = payload.dict()
    month = data.pop("month")
    with transaction.atomic():
        services.submit_report(actor=request.user, item=item, month=month, data=data, source=MonthlyReport.Source.API)
        services.recompute_colours(item_ids=[item.pk])
    return _detail(_item(request, code))


@router.get("/table", response=SupTableOut)
def get_table(request: AuthedRequest, category: str = "") -> SupTableOut:
    """一张表: colour counts by responsible department, by county and by category, each ranked."""
    _official(request)
    items = selectors.items_for(request.user)
    if category:
        items = items.filter(category=category)
    table = selectors.one_table(items)
    return SupTableOut(
        totals=table["totals"],
        **{
            kind: [
                SupRankingOut(
                    **{k: row[k] for k in ("rank", "green", "yellow", "red", "total", "green_rate")},
                    name=str(row["name"]),
                )
                for row in table[kind]
            ]
            for kind in ("department", "region", "category")
        },
    )
