"""Fixtures shared by every app's tests: a small piece of Zhejiang, departments, users of each kind."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

pytest_plugins = ["tests.browser.fixtures"]  # Playwright + Debian chromium + axe, for any app's browser tests

PASSWORD = "Correct-Horse-9"


@dataclass
class Org:
    province: object
    city: object
    xihu: object
    xihu_town: object
    shangcheng: object
    xihu_samr: object
    shangcheng_samr: object


@pytest.fixture
def org(db) -> Org:
    """浙江省 › 杭州市 › 西湖区 (with one street) and 上城区, each with a market-regulation bureau."""
    from yiwang.accounts.models import Department, Division

    province = Division.objects.create(code="330000", name="浙江省", level=1)
    city = Division.objects.create(code="330100", name="杭州市", level=2, parent=province)
    xihu = Division.objects.create(code="330106", name="西湖区", level=3, parent=city)
    xihu_town = Division.objects.create(code="330106001", name="北山街道", level=4, parent=xihu)
    shangcheng = Division.objects.create(code="330102", name="上城区", level=3, parent=city)
    return Org(
        province,
        city,
        xihu,
        xihu_town,
        shangcheng,
        Department.objects.create(code="330106-SCJGJ", name="西湖区市场监督管理局", division=xihu),
        Department.objects.create(code="330102-SCJGJ", name="上城区市场监督管理局", division=shangcheng),
    )


@pytest.fixture
def make_official(db):
    """An official with acceptor/approver roles in one department over one division subtree."""
    from yiwang.accounts.models import RoleAssignment, User
    from yiwang.accounts.roles import ensure_default_roles

    def make(username: str, department, division=None, roles=("acceptor", "approver")):
        roles_by_code = ensure_default_roles()
        user = User.objects.create_user(
            username=username,
            password=PASSWORD,
            kind=User.Kind.OFFICIAL,
            department=department,
            full_name=username,
        )
        for code in roles:
            RoleAssignment.objects.create(
                user=user, role=roles_by_code[code], department=department, division=division or department.division
            )
        return user

    return make


@pytest.fixture
def admin_user(db):
    from yiwang.accounts.models import User

    return User.objects.create_user(
        username="admin", password=PASSWORD, kind=User.Kind.ADMIN, is_staff=True, is_superuser=True
    )
