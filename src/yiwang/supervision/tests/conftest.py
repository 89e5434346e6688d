from __future__ import annotations

from dataclasses import dataclass

import pytest


@dataclass
class Desk:
    lead: object
    responsible: object
    lead_official: object
    responsible_official: object


@pytest.fixture
def calendar(db):
    from yiwang.core.workdays import seed_work_calendar

    seed_work_calendar([2026])


@pytest.fixture
def desk(org, make_official, calendar):
    from yiwang.accounts.models import Department
    from yiwang.supervision.colours import DEFAULT_RULES
    from yiwang.supervision.services import publish_colour_rules

    lead = Department.objects.create(code="330100-FGW", name="杭州市发展和改革委员会", division=org.city)
    publish_colour_rules(actor=None, rules=DEFAULT_RULES, note="默认规则")
    return Desk(
        lead,
        org.xihu_samr,
        make_official("lead", lead, org.city),
        make_official("resp", org.xihu_samr),
    )
