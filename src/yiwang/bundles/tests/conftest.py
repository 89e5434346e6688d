"""Fixtures: a 开办企业 bundle of three items of two departments, the food licence waiting for the business licence."""

from __future__ import annotations

import pytest

from yiwang.applications.tests import conftest as applications_fixtures

# the applications app's fixtures, reused (calendar, a published food licence item, the enterprise and its agent)
calendar = applications_fixtures.calendar
food_item = applications_fixtures.food_item
enterprise = applications_fixtures.enterprise
agent = applications_fixtures.agent
plan = applications_fixtures.plan

REGISTRATION_FORM = {
    "type": "object",
    "required": ["entity_name", "business_scope"],
    "properties": {
        "entity_name": {"type": "string", "title": "企业名称", "x-element": "entity.name"},
        "business_scope": {"type": "string", "title": "经营范围", "minLength": 1, "maxLength": 500},
    },
}
TAX_FORM = {
    "type": "object",
    "required": ["taxpayer_uscc", "accounting_system"],
    "properties": {
        "taxpayer_uscc": {"type": "string", "title": "纳税人识别号", "x-element": "entity.uscc"},
        "business_premises": {"type": "string", "title": "经营场所", "maxLength": 100},
        "accounting_system": {"type": "string", "title": "适用会计制度", "enum": ["企业会计准则", "小企业会计准则"]},
    },
}


def _item(code: str, name: str, department, division, form, **extra):
    from yiwang.catalog.tests.factories import service_item

    return service_item(
        department,
        division,
        item_code=code,
        basic_code="000117001000",
        name=name,
        form_schema=form,
        promised_time_limit=3,
        **extra,
    )


@pytest.fixture
def tax_office(org):
    from yiwang.accounts.models import Department

    return Department.objects.create(code="330106-SWJ", name="西湖区税务局", division=org.xihu)


@pytest.fixture
def registration_item(org, food_item):
    from yiwang.certificates.models import CertificateType

    licence = CertificateType.objects.get(code="business_licence")
    return _item(
        "11330106MB0000001-010",
        "企业设立登记",
        org.xihu_samr,
        org.xihu,
        REGISTRATION_FORM,
        result_certificate_type=licence,
    )


@pytest.fixture
def tax_item(org, tax_office, food_item):
    return _item(
        "11330106MB0000001-020",
        "新办纳税人涉税事项",
        tax_office,
        org.xihu,
        TAX_FORM,
        materials=[{"name": "经营场所平面图", "file_types": "pdf,jpg,png"}],
    )


@pytest.fixture
def bundle(registration_item, food_item, tax_item):
    from yiwang.bundles.tests import factories

    return factories.bundle(
        [registration_item, food_item, tax_item], code="start-business", name="开办企业一件事", depends={1: [0]}
    )


ANSWERS = {
    "business_scope": "餐饮服务",
    "business_premises": "文三路 100 号一楼",
    "main_business_format": "餐饮服务经营者",
    "business_items": "热食类食品制售",
    "accounting_system": "小企业会计准则",
}


def licence_content(entity) -> dict:
    return {
        "name": entity.name,
        "entity_type": "有限责任公司",
        "legal_representative": "杨老板",
        "registered_capital": "100 万元",
        "founding_date": "2026-03-02",
        "address": entity.address,
        "business_scope": "餐饮服务",
    }
