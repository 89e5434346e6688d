"""一网协同 and 督查督办 in a real browser, on the demo city: an instruction sent from the organisation tree to every
village, community and grid of 西湖区; two liaisons confirm reading and acknowledge; the scheduled chase reminds the
others and then escalates them, and the sender sees it live. A supervised project falls behind plan, turns yellow
and then red with its reason, gets a rectification order, and is green again once the evidence is accepted. The
task force's board and league table, the one map and one table: every page passes axe."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from tests.browser.fixtures import assert_accessible, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "关于开展燃气安全隐患排查的通知"


def _report(page, *, plan: str, actual: str, invest: str, planned_invest: str) -> None:
    from django.utils import timezone

    page.get_by_label("月份（当月任一天）").fill(timezone.localdate().isoformat())
    page.get_by_label("累计计划投资（元）").fill(planned_invest)
    page.get_by_label("累计完成投资（元）").fill(invest)
    page.get_by_label("计划形象进度（%）").fill(plan)
    page.get_by_label("实际形象进度（%）").fill(actual)
    page.get_by_label("形象进度照片数").fill("6")
    page.get_by_role("button", name="报送").click()
    page.wait_for_load_state()


def test_instruction_receipts_chase_and_a_red_item_rectified(page, demo_logins):
    from django.utils import timezone

    from yiwang.collaboration.models import Instruction, Receipt
    from yiwang.core.workdays import add_working_days
    from yiwang.supervision.models import CurrentColour, RectificationOrder

    password = demo_logins["demo-collab-sender"].password
    liaisons = [
        name for name in demo_logins if name.startswith("demo-unit-") and len(name) > len("demo-unit-330106002")
    ]
    assert len(liaisons) == 2

    # 一键触达: the sender picks 西湖区 on the tree and the village level
    login(page, "demo-collab-sender", password)
    page.goto("/workbench/collaboration/instructions/")
    assert_accessible(page)
    page.get_by_label("标题").fill(TITLE)
    page.get_by_label("内容").fill("请各村（社区）、网格于今日完成燃气管线和用气场所排查，签收并反馈。")
    page.get_by_label("发送部门").select_option(label="西湖区市场监督管理局")
    page.get_by_label("接收范围（组织树上的单位，含其全部下级）").select_option(value="330106")
    page.get_by_role("button", name="下发").click()
    page.wait_for_load_state()
    instruction = Instruction.objects.get(title=TITLE)
    assert instruction.receipt_count == 64 and re.search(r"/instructions/\d+/$", page.url)
    assert page.locator('[data-count="acknowledged"]').inner_text() == "0"
    assert_accessible(page)
    logout(page)

    # two liaisons: opening the inbox reads nothing; 确认已阅 then 签收 are their own acts
    for username in liaisons:
        login(page, username, password)
        page.goto("/workbench/collaboration/receipts/")
        card = page.locator("section.card", has_text=TITLE)
        assert card.locator(".receipt-state").inner_text() == "未读"
        assert Receipt.objects.get(instruction=instruction, unit__liaison__username=username).state == "pending"
        assert_accessible(page)
        card.get_by_role("button", name="确认已阅").click()
        page.wait_for_load_state()
        card = page.locator("section.card", has_text=TITLE)
        assert card.locator(".receipt-state").inner_text() == "已读"
        card.get_by_role("button", name="签收").click()
        page.wait_for_load_state()
        assert page.locator("section.card", has_text=TITLE).locator(".receipt-state").inner_text() == "已签收"
        logout(page)

    # the scheduled chase: reminded past the deadline, escalated a working day later
    today = timezone.localdate()
    call_command("chase_receipts", "--today", add_working_days(today, 2).isoformat())
    login(page, "demo-collab-sender", password)
    page.goto(f"/workbench/collaboration/instructions/{instruction.pk}/")
    assert page.locator('[data-count="acknowledged"]').inner_text() == "2"
    assert page.locator('[data-count="reminded"]').inner_text() == "62"
    assert page.locator('[data-count="escalated"]').inner_text() == "0"
    call_command("chase_receipts", "--today", add_working_days(today, 3).isoformat())
    page.reload()
    assert page.locator('[data-count="escalated"]').inner_text() == "62"
    assert_accessible(page)
    logout(page)

    # the task force's board and its league table
    login(page, "demo-tf-leader", password)
    page.goto("/workbench/collaboration/task-forces/")
    page.get_by_role("link", name="城市更新攻坚专班").click()
    page.wait_for_load_state()
    from yiwang.collaboration.models import TaskForce
    from yiwang.collaboration.services import league_table

    ranked = [row["department"] for row in league_table(TaskForce.objects.get(name="城市更新攻坚专班"))]
    assert page.locator("#league tbody tr td:nth-child(2)").all_inner_texts() == ranked
    assert ranked[0] == "杭州市住房和城乡建设局"  # the one department with a task done on time
    assert page.locator("#board .border-danger").count() >= 1  # an overdue task is marked
    assert_accessible(page)
    page.goto("/workbench/collaboration/task-forces/new/")
    assert_accessible(page)
    logout(page)

    # a green project falls behind plan: yellow, then red, each with its reason
    item_code = "ZD2026-001"
    assert CurrentColour.objects.get(item__code=item_code).colour == "green"
    login(page, "demo-sup-resp", password)
    page.goto("/workbench/supervision/")
    assert_accessible(page)
    page.get_by_role("link", name="地铁 12 号线西湖段土建工程").first.click()
    page.wait_for_load_state()
    item_url = page.url
    _report(page, plan="50", actual="38", invest="4000000000", planned_invest="4300000000")
    assert "形象进度滞后" in page.locator("#reason").inner_text()
    assert CurrentColour.objects.get(item__code=item_code).colour == "yellow"
    _report(page, plan="50", actual="26", invest="3900000000", planned_invest="4300000000")
    reason = page.locator("#reason").inner_text()
    assert "红码" in reason and "24.0" in reason and "第十二条" in reason
    assert CurrentColour.objects.get(item__code=item_code).colour == "red"
    assert_accessible(page)
    logout(page)

    # 督整改: the lead unit orders rectification; the evidence is submitted, reviewed and accepted
    login(page, "demo-sup-lead", password)
    page.goto(item_url)
    page.get_by_label("须提交的整改佐证").fill("施工日志、新增作业面照片")
    page.get_by_role("button", name="下达整改单").click()
    page.wait_for_load_state()
    assert "整改中" in page.locator("#order").inner_text()
    logout(page)
    login(page, "demo-sup-resp", password)
    page.goto(item_url)
    page.get_by_label("整改佐证").fill("已增加两个盾构作业面，施工日志及照片 12 张已上传")
    page.get_by_role("button", name="提交佐证").click()
    page.wait_for_load_state()
    _report(page, plan="50", actual="50", invest="4300000000", planned_invest="4300000000")
    logout(page)
    login(page, "demo-sup-lead", password)
    page.goto(item_url)
    page.get_by_label("审核结论").select_option("accept")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_load_state()
    order = RectificationOrder.objects.get(item__code=item_code)
    assert order.state == "accepted" and CurrentColour.objects.get(item__code=item_code).colour == "green"
    assert_accessible(page)

    # one map, one table: the ranking is the data's
    page.goto("/workbench/supervision/")
    assert_accessible(page)
    page.goto("/workbench/supervision/reports/")
    assert_accessible(page)
