"""In a browser, checked by axe (WCAG 2.1 AA): the merged form, the bundle's status page and the designer."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


def _login(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


def test_apply_status_and_designer_are_accessible(page, bundle, agent, admin_user, enterprise, tmp_path):
    from yiwang.registries.elements import load_elements

    load_elements()
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4 floor plan")
    _login(page, "agent")
    page.goto("/bundles/")
    assert_accessible(page)
    page.goto("/bundles/start-business/apply/")
    assert page.get_by_label("企业名称").input_value() == enterprise.name  # 免填, read-only
    assert_accessible(page)
    page.get_by_label("经营范围").fill("餐饮服务")
    page.locator("#f-business_premises").fill("文三路 100 号一楼")
    page.get_by_label("主体业态").select_option("餐饮服务经营者")
    page.get_by_label("经营项目").select_option("热食类食品制售")
    page.get_by_label("适用会计制度").select_option("小企业会计准则")
    page.locator("#material_0").set_input_files(str(plan))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_selector("text=各部门办理情况")
    assert page.get_by_text("等待前置事项办结").is_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    _login(page, "admin")
    page.goto("/workbench/bundles/")
    assert_accessible(page)
    page.goto("/workbench/bundles/start-business/")
    assert page.get_by_text("合并后的表单").is_visible()
    assert_accessible(page)
