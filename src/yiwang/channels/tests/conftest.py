"""Fixtures: a person item of 西湖区 (居住证签发), a resident of 北山街道 with a phone, a window official, a helper."""

from __future__ import annotations

import pytest

from yiwang.applications.tests.conftest import calendar  # noqa: F401  (the working-day calendar fixture)


@pytest.fixture
def item(org, calendar):  # noqa: F811
    from yiwang.catalog.tests.factories import RESIDENCE_FORM, service_item

    return service_item(
        org.xihu_samr,
        org.xihu,
        name="居住证签发",
        audience="person",
        item_type="public_service",
        promised_time_limit=10,
        form_schema=RESIDENCE_FORM,
    )


@pytest.fixture
def resident(org):
    from datetime import date

    from yiwang.registries.tests import factories

    return factories.person(org.xihu_town, name="王阿婆", gender="F", birth=date(1941, 3, 8))


@pytest.fixture
def clerk(make_official, org):
    """A window official (acceptor) of the item's department."""
    return make_official("clerk", org.xihu_samr, roles=("acceptor",))


@pytest.fixture
def helper(org):
    """A community worker of 北山街道 holding the 帮代办员 role over the street."""
    from yiwang.accounts.models import Department, RoleAssignment, User
    from yiwang.channels.services import ensure_helper_role

    community = Department.objects.create(code="330106001-SQ", name="北山街道社区服务中心", division=org.xihu_town)
    user = User.objects.create_user(
        username="helper", password="x" * 12, kind=User.Kind.OFFICIAL, department=community, full_name="李网格"
    )
    RoleAssignment.objects.create(user=user, role=ensure_helper_role(), department=community, division=org.xihu_town)
    return user


def sent_code(applicant) -> str:
    """The code in the last SMS to ``applicant`` (the demo gateway's outbox row)."""
    import re

    from yiwang.core.models import Notification

    body = Notification.objects.filter(recipient=applicant, channel="sms").latest("id").body
    return re.search(r"验证码 (\d{6})", body).group(1)
