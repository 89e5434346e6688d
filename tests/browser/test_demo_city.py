"""The demo city's printed logins work in a real browser, each landing where its kind of user belongs."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    from yiwang.demo.seeding import seed_demo_city

    return seed_demo_city(persons=300, enterprises=40)


def _login(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_every_demo_login_works(page, demo):
    kinds = {login.kind for login in demo.logins}
    assert kinds == {"person", "agent", "official", "admin"}
    for login in demo.logins:
        _login(page, login.username, login.password)
        if login.kind in {"person", "agent"}:
            page.goto("/me/")
            assert page.get_by_role("heading", name="我的信息").is_visible()
            assert page.get_by_text("数据来源").first.is_visible()
            page.goto("/applications/")
            if login.username in {"demo-citizen", "demo-agent"}:  # the demo applications, one per state
                assert page.locator("tbody tr").count() >= 9
            assert_accessible(page)
            if login.kind == "agent":
                page.goto("/policies/")
                assert page.get_by_role("heading", name="您已符合条件的政策").is_visible()
                assert_accessible(page)
        else:
            page.goto("/workbench/")
            count = int(page.locator("#entity-count").inner_text())
            page.goto("/workbench/inbox/")
            assert_accessible(page)
            page.goto("/workbench/")
            # an official sees the enterprises of their district, the admin all; the community worker (帮代办) is
            # scoped to one street, which may have no enterprise in a small demo
            assert count > 0 or login.username == "demo-helper"
            if login.kind == "official" and login.username.startswith("demo-3301") and login.username[11] == "-":
                assert count < 40  # a district's official; the city's data keeper sees the city
        assert_accessible(page)
        page.get_by_role("button", name="退出").first.click()
        page.wait_for_load_state()
