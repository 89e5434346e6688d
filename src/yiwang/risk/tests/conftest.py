"""A small city for risk: the district's market regulator and tax bureau, a planner, ordinary firms and a ring."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from yiwang.accounts.models import Department
from yiwang.core.workdays import seed_provisional_calendar, seed_work_calendar
from yiwang.registries.elements import load_elements
from yiwang.registries.tests import factories as registry
from yiwang.risk.services.snapshot import report_years
from yiwang.risk.tests import factories

MONTH = date(2026, 11, 1)


@dataclass
class City:
    org: Any
    samr: Department
    tax: Department
    planner: Any
    verifier: Any
    tax_officer: Any
    firms: list
    ring: list
    ring_owner: Any
    shell: Any


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city(org, make_official) -> City:
    seed_work_calendar([2026])
    seed_provisional_calendar(2027)
    load_elements()
    samr = org.xihu_samr
    Department.objects.filter(pk=samr.pk).update(kind=Department.Kind.MARKET_REGULATION)
    samr.refresh_from_db()
    tax = Department.objects.create(
        code="330106-SWJ", name="国家税务总局杭州市西湖区税务局", division=org.xihu, kind="tax"
    )
    town = org.xihu_town
    firms = [factories.firm(town, name=f"西湖正常企业{k}有限公司") for k in range(8)]
    owner = registry.person(town, name="钱多多")
    spellings = ["西湖区文三路 １２号３０２室", "西湖区文三路十二号三百零二室", "西湖区文三路12号302室"]
    ring = []
    for k in range(12):
        shell = factories.firm(town, owner, name=f"钱氏空壳{k}号贸易有限公司")
        shell.address = spellings[k % 3]
        shell.save()
        factories.role(shell, owner, samr)
        ring.append(shell)
    shell = factories.firm(
        town, name="巨资虚设投资有限公司", registered_capital=20000, tax_paid=None, social_insurance_headcount=0
    )
    factories.file_reports([*firms, *ring, shell], report_years(MONTH))
    return City(
        org=org,
        samr=samr,
        tax=tax,
        planner=make_official("planner", samr, roles=("approver",)),
        verifier=make_official("verifier", samr, roles=("acceptor",)),
        tax_officer=make_official("taxofficer", tax, roles=("acceptor", "approver")),
        firms=firms,
        ring=ring,
        ring_owner=owner,
        shell=shell,
    )
