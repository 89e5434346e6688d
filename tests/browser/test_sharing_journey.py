"""数据共享开放 in a browser, on the demo city: a county bureau requests enterprise data, the data keeper approves,
the bureau collects its credential and reads only the granted fields, then revokes and reads nothing; the open
data portal; the demo citizen sees who read their record and why. Every page passes axe."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.fixtures import assert_accessible, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_approve_read_revoke_and_who_read(page, demo_logins):
    from playwright.sync_api import expect

    from yiwang.demo.seeding import DEMO_PASSWORD
    from yiwang.registries.models import LegalEntity

    firm = LegalEntity.objects.order_by("pk").first()
    today = timezone.localdate()
    login(page, "demo-330106-scjgj", DEMO_PASSWORD)
    page.goto("/workbench/sharing/")
    assert_accessible(page)
    page.locator("#id_resource").select_option(label="BASE-ENTITY 法人基础信息")
    page.get_by_label("信息项（逗号分隔的编码）").fill("name, headcount")
    page.get_by_label("使用用途").fill("企业开办一件事核验经营主体")
    page.get_by_label("法律依据").fill("《优化营商环境条例》第三十七条")
    page.get_by_label("使用期限自").fill(today.isoformat())
    page.get_by_label("使用期限至").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    expect(page.locator("#grant-status")).to_have_text("待审核")
    grant_url = page.url
    assert_accessible(page)
    logout(page)

    login(page, "demo-data-keeper", DEMO_PASSWORD)
    page.goto(grant_url)
    page.get_by_label("审核结果").select_option(label="同意共享")
    page.get_by_label("审核意见").fill("符合共享条件")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_load_state()
    expect(page.locator("#grant-status")).to_have_text("已授权")
    assert_accessible(page)
    logout(page)

    login(page, "demo-330106-scjgj", DEMO_PASSWORD)
    page.goto(grant_url)
    page.get_by_role("button", name="领取新凭证（旧凭证立即失效）").click()
    page.wait_for_load_state()
    credential = page.locator("#credential").inner_text()
    assert_accessible(page)
    headers = {"Authorization": f"Bearer {credential}"}
    read = page.request.get(f"/api/v1/sharing/read/{firm.uscc}", headers=headers)
    assert read.status == 200 and set(read.json()["values"]) == {"name", "headcount"}
    assert page.request.get(f"/api/v1/sharing/read/{firm.uscc}?fields=annual_revenue", headers=headers).status == 403
    page.get_by_label("撤销理由").fill("试点结束")
    page.get_by_role("button", name="撤销授权").click()
    page.wait_for_load_state()
    expect(page.locator("#grant-status")).to_have_text("已撤销")
    assert page.request.get(f"/api/v1/sharing/read/{firm.uscc}", headers=headers).status == 403
    page.goto("/workbench/sharing/catalogue/")
    assert_accessible(page)
    logout(page)

    page.goto("/open/")
    assert_accessible(page)
    page.get_by_role("link", name="各区县市场主体数量").click()
    page.wait_for_load_state()
    page.get_by_label("隐私预算 ε").fill("0.1")
    page.get_by_role("button", name="查询").click()
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("发布值")
    assert_accessible(page)

    login(page, "demo-citizen", DEMO_PASSWORD)
    page.goto("/sharing/who-read/")
    expect(page.get_by_role("table")).to_contain_text("社会保障卡申领核验身份信息")
    assert_accessible(page)
