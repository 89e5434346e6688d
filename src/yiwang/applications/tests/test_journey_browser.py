"""In a browser: apply for 食品经营许可 with fields prefilled, correction, approval, certificate in the wallet."""

from __future__ import annotations

import re

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


def _logout(page):
    page.get_by_role("button", name=re.compile("退出")).first.click()
    page.wait_for_load_state()


def test_food_licence_journey(page, org, make_official, food_item, enterprise, agent, tmp_path):
    from yiwang.registries.elements import load_elements

    load_elements()
    make_official("clerk", org.xihu_samr)
    plan = tmp_path / "plan.pdf"
    plan.write_bytes(b"%PDF-1.4 floor plan")
    _login(page, "agent")
    page.goto(f"/applications/apply/{food_item.item_code}/")
    assert page.get_by_label("经营者名称").input_value() == enterprise.name  # 免填
    assert page.get_by_text("免填：取自基础库").first.is_visible()
    assert_accessible(page)
    page.locator("#f-business_premises").fill("文三路 100 号一楼")
    page.get_by_label("主体业态").select_option("餐饮服务经营者")
    page.get_by_label("经营项目").select_option("热食类食品制售")
    page.get_by_label(re.compile("营业执照")).set_input_files(str(plan))
    page.get_by_label(re.compile("经营场所平面图")).set_input_files(str(plan))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_selector("text=申请已提交")
    number = page.locator("strong").first.inner_text()
    assert_accessible(page)
    _logout(page)

    _login(page, "clerk")
    page.goto("/workbench/inbox/")
    assert_accessible(page)
    page.get_by_role("link", name=number).click()
    page.get_by_label("补正或容缺清单").fill("平面图须标注功能间")
    page.get_by_role("button", name="一次性告知补正").click()
    page.wait_for_selector("text=待补正")
    _logout(page)

    _login(page, "agent")
    page.goto(f"/applications/{number}/")
    assert page.get_by_text("平面图须标注功能间").is_visible()
    page.get_by_role("button", name="补正后重新提交").click()
    page.wait_for_selector("#state:has-text('待受理')")
    _logout(page)

    _login(page, "clerk")
    page.goto(f"/workbench/inbox/{number}/")
    for action in ("受理", "准予许可"):
        page.get_by_role("button", name=action, exact=True).click()
        page.wait_for_load_state()
    assert_accessible(page)
    page.get_by_role("button", name="办结并送达").click()
    page.wait_for_load_state()
    _logout(page)

    _login(page, "agent")
    page.goto("/certificates/mine/")
    assert page.get_by_text("食品经营许可证").first.is_visible()
    page.goto(f"/applications/{number}/")
    assert page.locator("#state").inner_text() == "已办结"
    assert_accessible(page)
    page.get_by_label("非常满意").check()
    page.get_by_role("button", name="提交评价").click()
    page.wait_for_selector("text=感谢您的评价")
    receipt = page.request.get(f"/applications/{number}/receipt.pdf")
    assert receipt.ok and receipt.body().startswith(b"%PDF")
