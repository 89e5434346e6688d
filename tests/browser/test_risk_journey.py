"""一网统管 risk in a real browser, on the demo city: the planted ring is on top of the class page and its firm's page
explains the class indicator by indicator and draws the graph; a lead is dispatched, verified and closed from the
inbox and the rule's published precision changes; the firm sees why it is in its class and objects."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser.fixtures import assert_accessible, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("YIWANG_SCREENSHOTS")


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"risk-{name}.png"), full_page=True)


def test_risk_classes_leads_and_the_firms_view(page, demo_logins):
    from yiwang.accounts.models import User
    from yiwang.risk.models import Alert
    from yiwang.risk.services.alerts import precision_by_quarter

    analyst = demo_logins["demo-risk-analyst"]
    login(page, analyst.username, analyst.password)
    page.goto("/workbench/risk/")
    assert page.locator("#runs tbody tr").count() == 2
    assert (
        page.locator("#yw-distribution svg").count() == 1
        and page.locator("#yw-distribution").bounding_box()["height"] > 200
    )
    top = page.locator("#top tbody tr").first.locator("a")
    name = top.inner_text()
    assert_accessible(page)
    _shot(page, "home")

    top.click()
    page.wait_for_selector("#indicators")
    assert page.locator('#indicators tr[data-indicator="ADDRESS_CLUSTER"].table-warning').count() == 1
    assert page.get_by_text("同一住所登记的市场主体数：12户").count() == 1
    assert page.locator("#yw-graph svg").count() == 1  # drawn
    assert page.locator("#yw-graph").bounding_box()["height"] > 400
    assert page.locator("#neighbours tbody tr").count() >= 11
    assert page.locator("#persons").get_by_text("关联 12 户企业").count() >= 1
    assert_accessible(page)
    _shot(page, "entity")
    page.goto("/workbench/risk/groups/")
    assert_accessible(page)
    page.goto("/workbench/risk/addresses/")
    assert page.get_by_text("12 户").count() >= 1
    assert_accessible(page)
    logout(page)

    verifier = demo_logins["demo-risk-verifier"]
    login(page, verifier.username, verifier.password)
    page.goto("/workbench/risk/alerts/?status=raised")
    assert_accessible(page)
    _shot(page, "inbox")
    first = page.locator("#alerts tbody tr").first.locator("a")
    number = first.inner_text()
    first.click()
    page.wait_for_selector("#evidence")
    assert_accessible(page)
    page.get_by_label("核查人").select_option(str(User.objects.get(username=verifier.username).pk))
    page.get_by_role("button", name="分派", exact=True).click()
    page.wait_for_selector("text=已分派核查")
    assert "核查中" in page.locator("#alert-status").inner_text()
    page.get_by_label("属实", exact=True).check()
    page.get_by_label("处置方式").select_option("inspection")
    page.get_by_label("办理结果").fill("实地核查：住所无实际经营，转定向检查")
    before = next(p for p in precision_by_quarter() if p.indicator == "ADDRESS_CLUSTER").confirmed
    page.get_by_role("button", name="办结").click()
    page.wait_for_selector("text=线索已办结")
    assert "属实" in page.locator("#alert-outcome").inner_text()
    alert = Alert.objects.get(number=number)
    assert alert.regulation_lead is not None and alert.regulation_lead.open
    after = next(p for p in precision_by_quarter() if p.indicator == "ADDRESS_CLUSTER").confirmed
    assert after == before + 1
    _shot(page, "alert")
    logout(page)

    page.goto("/risk/precision/")
    assert page.get_by_text("同一住所集中登记十户以上").count() >= 1
    assert_accessible(page)

    firm = demo_logins["demo-risk-firm"]
    login(page, firm.username, firm.password)
    page.goto("/risk/mine/")
    assert page.locator("#indicators").get_by_text("同一住所集中登记十户以上").count() == 1
    assert page.get_by_text("《市场主体登记管理条例》第二十四条").count() >= 1
    assert_accessible(page)
    _shot(page, "mine")
    page.get_by_label("异议理由").fill("本企业已于本月迁至实际经营场所，附租赁合同")
    page.get_by_role("button", name="提交异议").click()
    page.wait_for_selector("text=异议已提交")
    assert page.locator("#objections li").count() == 1
    assert name
