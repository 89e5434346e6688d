"""Fixtures: a working-day calendar, a published service item with a bound form and materials, applicants."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

PASSWORD = "Correct-Horse-9"

FORM = {
    "type": "object",
    "required": ["operator_name", "uscc", "business_premises", "main_business_format", "business_items"],
    "properties": {
        "operator_name": {"type": "string", "title": "经营者名称", "x-element": "entity.name"},
        "uscc": {"type": "string", "title": "统一社会信用代码", "x-element": "entity.uscc"},
        "address": {"type": "string", "title": "住所", "x-element": "entity.address"},
        "legal_representative": {"type": "string", "title": "法定代表人", "x-element": "entity.legal_representative"},
        "business_premises": {"type": "string", "title": "经营场所", "maxLength": 200},
        "main_business_format": {"type": "string", "title": "主体业态", "enum": ["餐饮服务经营者", "食品销售经营者"]},
        "business_items": {"type": "string", "title": "经营项目", "enum": ["热食类食品制售", "冷食类食品制售"]},
        "staff": {"type": "integer", "title": "从业人员数", "minimum": 1},
    },
}


@pytest.fixture
def calendar(db):
    """2026 from the holidays package; later years up to next year as plain weekdays (test data only)."""
    from yiwang.core.workdays import package_years, publish_work_calendar, seed_work_calendar

    seed_work_calendar([2026])
    for year in range(max(package_years()) + 1, timezone.localdate().year + 2):
        publish_work_calendar(year, {}, actor=None, reason="test calendar")


@pytest.fixture
def food_item(org, calendar):
    from yiwang.catalog.tests.factories import service_item
    from yiwang.certificates.services import ensure_default_certificate_types

    types = ensure_default_certificate_types()
    return service_item(
        org.xihu_samr,
        org.xihu,
        item_code="11330106MB0000001-001",
        basic_code="00012345600Y",
        name="食品经营许可（新办）",
        legal_basis="《中华人民共和国食品安全法》第三十五条",
        conditions="具有与经营的食品品种、数量相适应的经营场所",
        legal_time_limit=20,
        promised_time_limit=5,
        result_name="食品经营许可证",
        result_certificate_type=types["food_business_licence"],
        form_schema=FORM,
        materials=[
            {"name": "营业执照", "certificate_type": types["business_licence"]},
            {"name": "经营场所平面图", "file_types": "pdf,jpg"},
        ],
    )


@pytest.fixture
def enterprise(org):
    from yiwang.registries.tests import factories

    rep = factories.person(org.xihu_town, name="杨老板")
    return factories.entity(org.xihu_town, rep, name="杭州西湖味道餐饮有限公司")


@pytest.fixture
def agent(enterprise):
    from yiwang.accounts.models import User

    return User.objects.create_user(
        username="agent", password=PASSWORD, kind=User.Kind.AGENT, enterprise_uscc=enterprise.uscc, full_name="杨老板"
    )


@pytest.fixture
def plan():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("平面图.pdf", b"%PDF-1.4 test floor plan", content_type="application/pdf")


def fixed_today(monkeypatch, day: date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)
