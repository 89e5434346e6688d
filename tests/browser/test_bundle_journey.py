"""开办企业一件事 in a real browser, on the demo city, with its printed logins: the enterprise agent applies once;
four departments (market regulation, public security, human resources and social security, housing fund) find
their parts in their inboxes at the same moment; the police asks for a correction, which the applicant answers
once on the bundle's page; every department completes; the tax item, waiting for the business licence, then runs
by itself (秒批); the applicant receives every result together, in one notice."""

from __future__ import annotations

import re

import pytest

from tests.browser.fixtures import assert_accessible, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARALLEL = ("330102-SCJGJ", "330102-GAJ", "330102-RSJ", "330102-GJJ")


def _login_official(page, logins, department_code):
    official = logins[f"demo-{department_code.lower()}"]  # e.g. demo-330102-gaj
    login(page, official.username, official.password)


def test_start_business_once_four_departments_at_once_one_correction_all_results_together(page, demo_logins, tmp_path):
    from yiwang.applications.models import Application
    from yiwang.bundles.models import BundleApplication
    from yiwang.core.models import Notification

    upload = tmp_path / "material.pdf"
    upload.write_bytes(b"%PDF-1.4 material")
    agent = demo_logins["demo-agent"]

    login(page, agent.username, agent.password)
    page.goto("/bundles/")
    page.get_by_role("link", name="申请开办企业一件事").click()
    page.wait_for_load_state()
    assert page.get_by_text("免填：取自基础库").count() >= 3
    assert page.locator("#f-employee_count").count() == 1  # asked once for social insurance and the housing fund
    page.locator("#f-proposed_name").fill("杭州一网示范科技有限公司")
    page.locator("#f-company_type").select_option(index=1)
    page.locator("#f-representative").fill("杨一网")
    page.locator("#f-business_scope").fill("软件开发；信息技术咨询服务")
    page.locator("#f-premises").fill("杭州市上城区解放路 100 号 5 楼")
    if not page.locator("#f-contact_phone").input_value():
        page.locator("#f-contact_phone").fill("0571-87000000")
    page.locator("#f-seal_set").select_option(index=1)
    page.locator("#f-engraver").select_option(index=1)
    page.locator("#f-employee_count").fill("8")
    page.locator("#f-insurance_types").select_option(index=1)
    page.locator("#f-deposit_rate").fill("12")
    page.locator("#f-accounting_system").select_option("小企业会计准则")
    page.locator("#f-invoice_needed").select_option("是")
    for file_input in page.locator("input[type=file]").all():
        file_input.set_input_files(str(upload))
    assert_accessible(page)
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_selector("text=各部门办理情况")
    assert page.get_by_text("等待前置事项办结").count() == 1  # 新办纳税人涉税事项 waits for the business licence
    assert_accessible(page)
    number = re.search(r"YJS\d{14}", page.content()).group(0)  # type: ignore[union-attr]

    bundle_application = BundleApplication.objects.get(number=number)
    children = Application.objects.filter(bundle_child__bundle_application=bundle_application)
    assert sorted(children.values_list("department__code", flat=True)) == sorted(PARALLEL)
    assert set(children.values_list("state", flat=True)) == {"submitted"}
    moments = sorted(children.values_list("submitted_at", flat=True))
    assert (moments[-1] - moments[0]).total_seconds() < 1  # one transaction: all four at the same moment
    logout(page)

    cases = {a.department.code: a.application_no for a in children.select_related("department")}
    for department in PARALLEL:  # each department finds its part in its own inbox, and only its part
        _login_official(page, demo_logins, department)
        page.goto("/workbench/inbox/")
        assert page.get_by_text(cases[department]).count() >= 1
        assert sum(page.get_by_text(cases[other]).count() for other in PARALLEL if other != department) == 0
        logout(page)

    _login_official(page, demo_logins, "330102-GAJ")
    page.goto(f"/workbench/inbox/{cases['330102-GAJ']}/")
    page.get_by_label("补正或容缺清单").fill("印章种类请写明是否含合同专用章")
    page.get_by_role("button", name="一次性告知补正").click()
    page.wait_for_selector("#state:has-text('待补正')")
    logout(page)

    login(page, agent.username, agent.password)
    page.goto(f"/bundles/applications/{number}/")
    assert page.get_by_text("印章种类请写明是否含合同专用章").is_visible()
    assert page.get_by_text("公安").first.is_visible()
    page.locator("#f-seal_set").select_option(index=2)
    page.get_by_role("button", name="补正后重新提交").click()
    page.wait_for_load_state()
    assert_accessible(page)
    logout(page)

    for department in PARALLEL:
        _login_official(page, demo_logins, department)
        page.goto(f"/workbench/inbox/{cases[department]}/")
        for action in ("受理", "准予许可", "办结并送达"):
            page.get_by_role("button", name=action, exact=True).click()
            page.wait_for_load_state()
        assert Application.objects.get(application_no=cases[department]).state == "completed"
        logout(page)

    login(page, agent.username, agent.password)
    page.goto(f"/bundles/applications/{number}/")  # the page advances the bundle: the tax item starts, 秒批
    page.wait_for_selector("text=办理结果")
    results = page.locator("section[aria-labelledby=res-h] li")
    assert results.count() == 5
    assert page.get_by_text(re.compile("营业执照（证照编号")).is_visible()
    assert_accessible(page)

    bundle_application.refresh_from_db()
    assert bundle_application.state == "completed"
    tax = Application.objects.get(bundle_child__bundle_application=bundle_application, department__code="330102-SWJ")
    assert tax.state == "completed" and tax.auto_decision["result"] == "true"
    assert tax.form_data["invoice_needed"] is True and tax.form_data["accounting_system"] == "小企业会计准则"
    done = Notification.objects.filter(
        recipient__username="demo-agent", dedupe_key=f"bundle:{bundle_application.pk}:completed"
    )
    assert done.filter(channel="portal").count() == 1
    corrections = Notification.objects.filter(
        recipient__username="demo-agent",
        channel="portal",
        dedupe_key__startswith=f"bundle:{bundle_application.pk}:correction",
    )
    assert corrections.count() == 1
