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


def test_joint_sum_thematic_database_return_operation_and_dataset_review(page, demo_logins, tmp_path):
    """Two departments add up their figures by secret sharing; a county bureau builds a thematic database; the
    data keeper returns a county's records and the county checks the receipt; an enterprise applies for 授权运营
    and the keeper signs; a citizen's application for a conditional dataset is approved and the download names
    them. Every new page passes axe."""
    from playwright.sync_api import expect

    from yiwang.accounts.models import Department, User
    from yiwang.demo.seeding import DEMO_PASSWORD
    from yiwang.sharing.services import watermark

    keeper = User.objects.get(username="demo-data-keeper")
    county = Department.objects.get(code="330106-SCJGJ")

    # 秘密分享求和: the county bureau opens, both contribute, the total is published
    login(page, "demo-330106-scjgj", DEMO_PASSWORD)
    page.goto("/workbench/sharing/joint/")
    assert_accessible(page)
    page.get_by_label("统计口径").fill("两部门涉企补贴合计")
    page.get_by_label("计量单位").fill("万元")
    page.get_by_label("其他参与部门").select_option(label=keeper.department.name)
    page.get_by_role("button", name="发起").click()
    page.wait_for_load_state()
    joint_url = page.url
    page.locator("#id_value").fill("120.50")
    page.get_by_role("button", name="拆分并提交").click()
    page.wait_for_load_state()
    expect(page.locator("#sum-result")).to_have_text("全部参与部门提交后公布")
    assert_accessible(page)

    # 主题库: define by schema, enter a record twice, read its masked history
    page.goto("/workbench/sharing/thematic/")
    assert_accessible(page)
    page.get_by_label("编码").fill("food-licence")
    page.get_by_label("名称").fill("食品经营许可主题库")
    page.get_by_label("字段定义").fill(
        "cert_no,许可证编号,code\nholder,经营者,string,,general,name\narea,经营面积,decimal"
    )
    page.get_by_role("button", name="建立", exact=True).click()
    page.wait_for_load_state()
    form = page.locator("form", has=page.get_by_role("button", name="保存记录"))
    form.get_by_label("所属区划代码").fill("330106")
    form.get_by_label("许可证编号").fill("JY33010600001")
    form.get_by_label("经营者").fill("张三")
    form.get_by_label("经营面积").fill("80")
    form.get_by_role("button", name="保存记录").click()
    page.wait_for_load_state()
    form = page.locator("form", has=page.get_by_role("button", name="保存记录"))
    form.get_by_label("所属区划代码").fill("330106")
    form.get_by_label("许可证编号").fill("JY33010600001")
    form.get_by_label("经营者").fill("张三")
    form.get_by_label("经营面积").fill("95.5")
    form.get_by_role("button", name="保存记录").click()
    page.wait_for_load_state()
    expect(page.locator("#thematic-rows")).to_contain_text("张*")
    assert_accessible(page)
    page.get_by_role("link", name="JY33010600001").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table")).to_contain_text("95.5")
    assert_accessible(page)
    logout(page)

    # the keeper contributes, then schedules and delivers a return to the county
    login(page, "demo-data-keeper", DEMO_PASSWORD)
    page.goto(joint_url)
    page.locator("#id_value").fill("79.50")
    page.get_by_role("button", name="拆分并提交").click()
    page.wait_for_load_state()
    expect(page.locator("#sum-result")).to_have_text("200.00 万元")
    assert_accessible(page)
    page.goto("/workbench/sharing/returns/")
    assert_accessible(page)
    page.get_by_label("资源").select_option(label="BASE-ENTITY 法人基础信息")
    page.get_by_label("回流区划代码").fill("330106")
    page.get_by_label("接收部门").select_option(label=str(county))
    page.get_by_label("信息项（逗号分隔的编码）").fill("name, headcount")
    page.get_by_role("button", name="建立计划").click()
    page.wait_for_load_state()
    page.get_by_role("button", name="立即回流").click()
    page.wait_for_load_state()
    link = page.get_by_role("link", name="下载").first
    delivered = page.request.get(link.get_attribute("href"))
    received = tmp_path / "return.csv"
    received.write_bytes(delivered.body())
    page.locator("input[type=file]").first.set_input_files(str(received))
    page.get_by_role("button", name="核对").first.click()
    page.wait_for_load_state()
    expect(page.locator("#receipt-check")).to_contain_text("行数与 SM3 摘要相符")
    assert_accessible(page)
    logout(page)

    # 授权运营: the enterprise applies, the keeper signs the agreement
    agent = User.objects.get(username="demo-agent")
    login(page, "demo-agent", DEMO_PASSWORD)
    page.goto("/sharing/operations/")
    assert_accessible(page)
    page.get_by_label("资源").select_option(label="BASE-ENTITY 法人基础信息")
    page.get_by_label("运营单位").fill("演示企业数据服务")
    page.get_by_label("产品名称").fill("小微企业信用贷核验")
    page.get_by_label("输出形式").select_option(label="核验结果")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    expect(page.get_by_role("table")).to_contain_text("小微企业信用贷核验")
    assert_accessible(page)
    logout(page)
    assert agent.enterprise_uscc

    login(page, "demo-data-keeper", DEMO_PASSWORD)
    page.goto("/workbench/sharing/operations/")
    assert_accessible(page)
    page.get_by_role("link", name="演示企业数据服务").click()
    page.wait_for_load_state()
    page.get_by_label("审核结果").select_option(label="同意并签署协议")
    page.get_by_label("协议编号").fill("SQYY-2026-001")
    page.get_by_label("费用（元）").fill("5000")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_load_state()
    expect(page.locator("#operation-status")).to_have_text("运营中")
    assert_accessible(page)
    logout(page)

    # 有条件开放: the citizen applies, the publisher approves with the agreement, the download names the citizen
    login(page, "demo-citizen", DEMO_PASSWORD)
    page.goto("/open/enterprise-register/")
    page.get_by_label("用途").fill("研究本市新设企业的行业分布")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_load_state()
    logout(page)
    login(page, "demo-admin", DEMO_PASSWORD)
    page.goto("/workbench/sharing/applications/")
    assert_accessible(page)
    page.get_by_role("link", name="市场主体登记信息").first.click()
    page.wait_for_load_state()
    page.get_by_label("审核结果").select_option(label="同意开放")
    page.get_by_label("开放利用协议编号").fill("KF-2026-07")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_load_state()
    expect(page.locator("#application-status")).to_have_text("已通过")
    assert_accessible(page)
    logout(page)
    login(page, "demo-citizen", DEMO_PASSWORD)
    page.goto("/open/enterprise-register/")
    assert_accessible(page)
    download = page.request.get("/open/enterprise-register/download.csv")
    leaked = tmp_path / "leaked.csv"
    leaked.write_bytes(download.body())
    traced = watermark.trace_file(leaked)
    assert traced.found and "demo-citizen" in traced.export.recipient
