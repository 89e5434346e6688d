"""秒批 in a real browser, on the demo city: the demo citizen's 居住证 is decided on submission with every condition
shown (the value used, its source, the legal clause); the same citizen's pension claim fails one condition (aged 60)
and lands in the 上城区 human-resources official's inbox with that condition marked."""

from __future__ import annotations

import re

import pytest

from tests.browser.fixtures import assert_accessible, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _apply(page, name: str, fill, upload) -> str:
    from yiwang.catalog.models import ServiceItem

    item = ServiceItem.objects.get(name=name, division_id="330102", status="published")
    page.goto(f"/applications/apply/{item.item_code}/")
    fill(page)
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(str(upload))
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_selector("text=申请已提交")
    return page.locator("strong").first.inner_text()


def test_auto_approved_at_once_and_a_failed_condition_goes_to_a_person(page, demo_logins, tmp_path):
    from yiwang.applications.models import Application

    upload = tmp_path / "material.pdf"
    upload.write_bytes(b"%PDF-1.4 material")
    login(page, demo_logins["demo-citizen"].username, demo_logins["demo-citizen"].password)

    def residence(page):
        page.locator("#f-residence_address").fill("杭州市上城区解放路 100 号")
        page.locator("#f-residence_since").fill("2025-06-01")
        page.locator("#f-basis").select_option("合法稳定住所")

    number = _apply(page, "居住证签发", residence, upload)
    permit = Application.objects.get(application_no=number)
    assert permit.state == "completed" and permit.auto_decision["result"] == "true"
    page.goto(f"/applications/{number}/")
    section = page.locator("section[aria-labelledby=auto-heading]")
    assert section.get_by_text("全部条件满足，已自动准予").is_visible()
    assert section.get_by_text("《居住证暂行条例》第二条").is_visible()  # the clause of the age condition
    assert section.get_by_text(re.compile("基础库：出生日期")).is_visible()  # the value's source, readable
    assert section.locator("tbody tr").count() == 2 and section.locator("tr.table-warning").count() == 0
    assert_accessible(page)

    def pension(page):
        page.locator("#f-bank_account").fill("6217000000000000001")

    number = _apply(page, "城乡居民基本养老保险待遇申领", pension, upload)
    claim = Application.objects.get(application_no=number)
    assert claim.state == "submitted" and claim.auto_decision["result"] == "false"
    logout(page)

    login(page, demo_logins["demo-330102-rsj"].username, demo_logins["demo-330102-rsj"].password)
    page.goto("/workbench/inbox/")
    assert page.get_by_text(number).count() == 1  # a person decides it
    page.goto(f"/workbench/inbox/{number}/")
    marked = page.locator("section[aria-labelledby=auto-heading] tr.table-warning")
    assert marked.count() == 1
    assert marked.get_by_text("不满足").is_visible()
    assert marked.get_by_text(re.compile("国务院关于建立统一的城乡居民基本养老保险制度的意见")).is_visible()
    assert page.get_by_text("有条件不满足，转人工办理").is_visible()
    assert_accessible(page)
