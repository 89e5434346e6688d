"""互联网+监管 in a real browser, on the demo city: the public draw page's files re-run by the standalone script to the
same list (a one-byte change breaks the commitment); no officer matched with a related firm; a firm drawn by two
departments is one joint visit; a reviewed result reaches the public page (and an 'absent' firm the credit registry);
an enforcement case from filing to its published decision, every deadline counted in working days."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.fixtures import assert_accessible, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCRIPT = Path(__file__).resolve().parents[2] / "tools" / "verify_draw.py"


def _verify(folder: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True, check=False)


def test_draw_inspection_and_case_journey(page, demo_logins, tmp_path):
    from django.utils import timezone

    from yiwang.core.workdays import add_working_days
    from yiwang.registries.models import CreditRecord
    from yiwang.regulation.models import EnforcementCase, Inspection, InspectionDraw
    from yiwang.regulation.services import draws, inspections

    draw = InspectionDraw.objects.get(number__contains="JOINT-01")
    page.goto(f"/regulation/draws/{draw.number}/")
    assert page.locator("#commitment").inner_text() == draw.commitment
    assert page.locator("#seed").inner_text() == draw.seed
    assert page.get_by_text(f"yiwang draw verify {draw.number}").count() == 1
    assert_accessible(page)
    for name in draws.FILES:
        (tmp_path / name).write_bytes(page.request.get(f"/regulation/draws/{draw.number}/files/{name}").body())
    verified = _verify(tmp_path)
    assert verified.returncode == 0, verified.stdout
    roster = (tmp_path / "officers.tsv").read_bytes()
    (tmp_path / "officers.tsv").write_bytes(roster[:-2] + bytes([roster[-2] ^ 1]) + roster[-1:])
    tampered = _verify(tmp_path)
    assert tampered.returncode == 1 and "commitment" in tampered.stdout

    for visit in Inspection.objects.all():  # 回避: no officer shares a registry relation with his firm
        target_keys = set(
            draws._target_lines(visit.parts.first().draw.plan, draws._tasks(visit.parts.first().draw.plan))
            .split(visit.target.code + "\t", 1)[1]
            .split("\n", 1)[0]
            .split("\t")[3]
            .split(",")
        )
        for officer in visit.officer_list():
            assert not target_keys & set(draws.officer_keys(officer))

    joint = next(v for v in Inspection.objects.order_by("code") if len(inspections.departments_of(v)) > 1)
    page.goto(f"/regulation/code/{joint.code}/")
    assert page.get_by_text("综合查一次").count() == 1
    for officer in joint.officer_list():
        assert page.get_by_text(officer.certificate_no).count() >= 1
    assert_accessible(page)

    reviewer = demo_logins["demo-reg-scjgj"]
    login(page, reviewer.username, reviewer.password)
    submitted = next(
        v
        for v in Inspection.objects.filter(status="submitted").order_by("code")
        if inspections.departments_of(v)[0].code.endswith("SCJGJ")
    )
    page.goto(f"/workbench/regulation/inspections/{submitted.code}/")
    assert_accessible(page)
    page.locator("#id_decision").select_option("approve")
    page.get_by_role("button", name="提交审核意见").click()
    page.wait_for_selector("text=审核完成")
    assert page.locator("#visit-status").inner_text() == "已公示"
    page.goto(f"/regulation/results/{submitted.target.code}/")
    assert page.locator("#results").get_by_text("未发现问题").count() >= 1
    assert_accessible(page)
    absent = Inspection.objects.get(result="absent")
    assert CreditRecord.objects.filter(
        entity=absent.target.entity, kind="black_list", title__contains=absent.code
    ).exists()

    violation = Inspection.objects.get(result="violation", cases__isnull=False)
    suffix = inspections.departments_of(violation)[0].code.split("-")[1].lower()
    if f"demo-reg-{suffix}" != reviewer.username:  # the case belongs to the department that found it
        logout(page)
        handler = demo_logins[f"demo-reg-{suffix}"]
        login(page, handler.username, handler.password)
    page.goto("/workbench/regulation/cases/")
    assert_accessible(page)
    page.locator("#id_uscc").fill(violation.target.code)
    page.locator("#id_origin").select_option("inspection")
    page.locator("#id_inspection").fill(violation.code)
    page.locator("#id_facts").fill("复查发现仍在销售超过保质期的食品")
    page.locator("#id_legal_basis").fill("《中华人民共和国食品安全法》第一百二十四条")
    page.get_by_role("button", name="立案").last.click()
    page.wait_for_selector("text=已立案", timeout=60000)
    case = EnforcementCase.objects.order_by("-pk").first()
    today = timezone.localdate()
    assert case.step == "investigation" and case.step_due_on == add_working_days(today, 60)
    for step, limit in (("notification", 5), ("legal_review", 10), ("decision", 5)):
        page.locator("#id_note").fill("依法办理")
        page.get_by_role("button", name="办结并进入下一环节").click()
        page.wait_for_selector("text=本环节已办结", timeout=60000)
        case.refresh_from_db()
        assert case.step == step and case.step_due_on == add_working_days(today, limit)
    assert_accessible(page)
    page.locator("#id_note").fill("经集体讨论决定")
    page.locator("#id_decision_no").fill("杭市监罚〔2026〕2号")
    page.locator("#id_penalty").fill("没收违法所得，并处罚款")
    page.locator("#id_fine").fill("20000")
    page.get_by_role("button", name="办结并进入下一环节").click()
    page.wait_for_selector("text=本环节已办结", timeout=60000)
    assert page.locator("#decision-no").inner_text() == "杭市监罚〔2026〕2号"
    case.refresh_from_db()
    assert case.step == "service" and case.step_due_on == add_working_days(today, 7) and case.published_at
    assert case.steps.exclude(signature="").count() == 5
    logout(page)
    page.goto("/regulation/decisions/")
    assert page.get_by_text("杭市监罚〔2026〕2号").count() == 1
    assert_accessible(page)
