"""A small city for 政务公开: 西湖区 with its market regulator (issuer and organiser) and a civil-affairs bureau."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from yiwang.accounts.models import Department
from yiwang.core.workdays import seed_provisional_calendar, seed_work_calendar

YEAR = date.today().year


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class City:
    org: Any
    samr: Department
    civil: Department
    clerk: Any
    civil_clerk: Any


@pytest.fixture
def city(org, make_official) -> City:
    seed_work_calendar([YEAR])
    seed_provisional_calendar(YEAR + 1)
    civil = Department.objects.create(
        code="330106-MZJ", name="西湖区民政局", division=org.xihu, kind=Department.Kind.CIVIL_AFFAIRS
    )
    return City(
        org=org,
        samr=org.xihu_samr,
        civil=civil,
        clerk=make_official("clerk", org.xihu_samr),
        civil_clerk=make_official("civilclerk", civil),
    )
