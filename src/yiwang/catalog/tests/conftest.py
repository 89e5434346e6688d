"""Fixtures of the catalogue tests: the demo catalogue on the shared ``org`` (杭州市, 西湖区, 上城区)."""

from __future__ import annotations

import pytest


@pytest.fixture
def demo_catalog(org):
    from yiwang.demo.catalog import ensure_demo_catalog

    return ensure_demo_catalog()


@pytest.fixture
def food_item(demo_catalog, org):
    from yiwang.catalog.models import ServiceItem

    return ServiceItem.objects.get(name="食品经营许可", department=org.xihu_samr)
