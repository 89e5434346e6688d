"""Fixtures: a calendar, the catalogue synced from the backbone, a provider and a consumer department."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.utils import timezone

from yiwang.sharing.tests import factories


@dataclass
class Sharing:
    resources: dict
    provider: object
    provider_official: object
    consumer_official: object
    other_official: object


@pytest.fixture
def calendar(db):
    from yiwang.core.workdays import package_years, publish_work_calendar, seed_work_calendar

    seed_work_calendar([2026])
    for year in range(max(package_years()) + 1, timezone.localdate().year + 2):
        publish_work_calendar(year, {}, actor=None, reason="test calendar")


@pytest.fixture
def sharing(org, calendar, make_official) -> Sharing:
    resources = factories.catalogue(org.city)
    provider = resources["entity"].provider
    return Sharing(
        resources,
        provider,
        make_official("data_keeper", provider),
        make_official("xihu_clerk", org.xihu_samr),
        make_official("shangcheng_clerk", org.shangcheng_samr),
    )
