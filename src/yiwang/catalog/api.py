"""The service catalogue over the API (public, read-only): search published items, read one item's guide."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from yiwang.catalog.models import ITEM_CODE_PATTERN, Audience, ItemStatus, LifeEvent, ServiceItem
from yiwang.catalog.search import search_items
from yiwang.core.errors import NotFound

router = Router(tags=["catalog"])


class ItemSummaryOut(Schema):
    item_code: str
    name: str
    item_type: str
    department: str = Field(alias="department.code")
    department_name: str = Field(alias="department.name")
    division: str = Field(alias="division_id")
    audience: str
    life_events: list[str]
    legal_time_limit: int | None = Field(description="法定办结时限（工作日），null 表示无法定时限")
    promised_time_limit: int = Field(description="承诺办结时限（工作日），0 表示即办")
    fee_amount: Decimal = Field(description="收费金额（元），0 表示不收费")


class CatalogMaterialOut(Schema):
    name: str
    requirement: str
    copies: int
    source_note: str
    certificate_type: str | None = Field(None, description="可由该类电子证照替代（免提交）")
    exempt_by_certificate: bool
    file_types: str
    max_size_mb: int

    @staticmethod
    def resolve_certificate_type(obj: Any) -> str | None:
        return obj.certificate_type.code if obj.certificate_type_id else None


class ItemOut(ItemSummaryOut):
    basic_code: str
    legal_basis: str
    conditions: str
    keywords: str
    fee_note: str
    online: bool
    window: bool
    mobile: bool
    result_kind: str
    result_name: str
    result_certificate_type: str | None = None
    contact_phone: str
    form_schema: dict[str, Any]
    version: int
    published_at: datetime | None
    materials: list[CatalogMaterialOut]

    @staticmethod
    def resolve_result_certificate_type(obj: Any) -> str | None:
        return obj.result_certificate_type.code if obj.result_certificate_type_id else None

    @staticmethod
    def resolve_materials(obj: Any) -> list[Any]:
        return list(obj.materials.select_related("certificate_type"))


class ItemFilters(Schema):
    q: str = Field("", max_length=100, description="搜索词，可用日常说法")
    department: str | None = Field(None, description="部门编码")
    division: str | None = Field(None, description="行政区划代码：含上级区划的事项")
    audience: Audience | None = None
    life_event: LifeEvent | None = None
    limit: int = Field(20, ge=1, le=100)


@router.get("/items", response=list[ItemSummaryOut], auth=None)
def list_items(request: HttpRequest, filters: Query[ItemFilters]) -> list[ServiceItem]:
    """Search the published items, best match first."""
    return search_items(
        filters.q,
        department=filters.department,
        division=filters.division,
        audience=filters.audience.value if filters.audience else None,
        life_event=filters.life_event.value if filters.life_event else None,
        limit=filters.limit,
    )


@router.get("/items/{item_code}", response=ItemOut, auth=None)
def get_item(request: HttpRequest, item_code: str) -> ServiceItem:
    """One published item with its guide: conditions, materials (免提交 ones marked), time limits, fees, form."""
    item = (
        ServiceItem.objects.select_related("department", "division", "result_certificate_type")
        .filter(item_code=item_code, status=ItemStatus.PUBLISHED)
        .first()
        if re.match(ITEM_CODE_PATTERN, item_code)
        else None
    )
    if item is None:
        raise NotFound("未找到该事项", field="item_code")
    return item
