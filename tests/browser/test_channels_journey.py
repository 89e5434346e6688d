"""Every channel, every person, in a real browser on the demo city: the front door (search first, life events, the
personal space) at 1366 and 390 px; elder mode switched on by keyboard and kept; a window official registers a
walk-in who confirms by SMS code; a community worker applies for a consenting elder, who then sees the case as
their own; the officials' inbox filtered by channel. axe finds no WCAG 2.1 AA violation on any page."""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from tests.browser.fixtures import assert_accessible, login, logout

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(os.environ.get("YIWANG_SCREENSHOTS", "")) if os.environ.get("YIWANG_SCREENSHOTS") else None


def _shot(page, name: str) -> None:
    """Keep a screenshot when YIWANG_SCREENSHOTS names a folder (for a person to look at; not asserted on)."""
    if SHOTS is not None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"{page.url} scrolls sideways at {width[1]} px: {width[0]} px wide"


def _sent_code(user) -> str:
    from yiwang.core.models import Notification

    body = Notification.objects.filter(recipient=user, channel="sms").latest("id").body
    return re.search(r"验证码 (\d{6})", body).group(1)


def _resident(division_code: str, *, older_than: int, oldest: bool):
    """A living resident of the street with a phone: its oldest, or its youngest above the age."""
    from yiwang.registries.models import Person

    born_by = date(date.today().year - older_than, 1, 1)
    people = Person.objects.filter(division_id=division_code, is_deceased=False, birth_date__lte=born_by)
    return next(p for p in people.order_by("birth_date" if oldest else "-birth_date", "pk") if p.phone)


def _upload_every_file_input(page, tmp_path: Path) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scanned at the window")
    for handle in page.locator("input[type=file]").all():
        handle.set_input_files(str(scan))


def test_front_door_elder_mode_and_phone_layout(page, demo_logins):
    page.goto("/")
    search = page.get_by_role("search").get_by_label("搜索办事服务")
    assert search.is_visible()
    assert page.get_by_role("heading", name="个人办事 · 按人生事件").is_visible()
    assert page.locator("#popular-services > li").count() == 8
    assert_accessible(page)
    _shot(page, "home-1366")
    search.fill("居住证")
    with page.expect_navigation():
        search.press("Enter")
    assert page.get_by_role("link", name="居住证签发").first.is_visible()

    page.goto("/")
    page.get_by_role("link", name="生孩子").click()
    assert page.get_by_role("heading", name="生孩子", level=1).is_visible()
    assert page.locator("#event-services > li").count() >= 3
    assert_accessible(page)
    _shot(page, "event-birth-1366")

    # elder mode by keyboard: the switch is reachable with Tab and pressed with Enter; it persists
    page.goto("/")
    switch = page.get_by_role("button", name="长辈版（大字）")
    switch.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("body").get_attribute("class") == "yw-elder"
    page.goto("/services/")
    assert page.locator("body").get_attribute("class") == "yw-elder"
    size = page.locator("body").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 20
    assert page.get_by_role("button", name="退出长辈版").get_attribute("aria-pressed") == "true"
    assert_accessible(page)
    page.goto("/")
    assert_accessible(page)
    _shot(page, "home-elder-1366")

    citizen = demo_logins["demo-citizen"]
    login(page, citizen.username, citizen.password)
    page.set_viewport_size({"width": 390, "height": 844})
    for path, name in (("/", "home-elder-390"), ("/space/", "space-elder-390")):
        page.goto(path)
        _no_sideways_scroll(page)
        assert_accessible(page)
        _shot(page, name)
    with page.expect_navigation():
        page.get_by_role("button", name="退出长辈版").click()
    assert page.locator("body").get_attribute("class") is None
    for path, name in (("/", "home-390"), ("/space/", "space-390"), ("/events/business-start/", "event-firm-390")):
        page.goto(path)
        _no_sideways_scroll(page)
        assert_accessible(page)
        _shot(page, name)
    page.goto("/space/")
    assert page.get_by_role("heading", name="我的办件").is_visible()
    assert page.locator("#my-cases .yw-tag").count() >= 5  # each case with its state's label
    page.get_by_role("button", name="菜单").click()  # the phone's menu opens
    assert page.get_by_role("link", name="办事服务").is_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto("/space/")
    assert_accessible(page)
    _shot(page, "space-1366")


def test_window_intake_and_assisted_application(page, demo_logins, tmp_path):
    from yiwang.accounts.models import User
    from yiwang.applications.models import Application
    from yiwang.core.keys import index_of

    # 窗口收件: the public-security clerk of 上城区 registers a walk-in for a residence permit
    clerk = demo_logins["demo-330102-gaj"]
    walk_in = _resident("330102001", older_than=20, oldest=False)
    login(page, clerk.username, clerk.password)
    page.goto("/workbench/window/")
    assert_accessible(page)
    page.get_by_label("办理事项").select_option(label="居住证签发（杭州市公安局上城区分局）")
    page.get_by_label("公民身份号码").fill(walk_in.id_number)
    page.get_by_label("姓名").fill(walk_in.name + "错")
    page.get_by_role("button", name="核验身份并发送验证码").click()
    assert page.get_by_text("身份号码与姓名不一致").first.is_visible()  # the registry says no; nothing sent
    assert_accessible(page)
    page.get_by_label("姓名").fill(walk_in.name)
    page.get_by_role("button", name="核验身份并发送验证码").click()
    page.wait_for_selector("text=人口库核验通过")
    assert_accessible(page)
    _shot(page, "window-confirm-1366")
    page.get_by_label("居住地址").fill("清波街道河坊街 8 号")
    page.get_by_label("在本地居住起始日期").fill("2025-01-01")
    page.get_by_label("申领依据").select_option("合法稳定住所")
    _upload_every_file_input(page, tmp_path)
    applicant = User.objects.get(id_number_index=index_of(walk_in.id_number))
    page.get_by_label("申请人收到的短信验证码").fill(_sent_code(applicant))
    page.get_by_role("button", name="申请人确认并提交").click()
    page.wait_for_selector("text=申请已提交")
    assert page.locator("#application-channel").inner_text() == "窗口办"
    assert_accessible(page)
    case = Application.objects.get(submitted_by=applicant, channel="window")
    # 居住证签发 is decided by 秒批 at once: the finished case is found among the finished ones, by its channel
    page.goto("/workbench/inbox/?channel=window" + ("&state=final" if case.is_final else ""))
    assert page.get_by_role("link", name=case.application_no).is_visible()
    assert "窗口办</th><td>1</td>" in page.locator("#channel-report").inner_html().replace("\n", "").replace(" ", "")
    assert_accessible(page)
    _shot(page, "inbox-1366")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/workbench/window/")
    _no_sideways_scroll(page)
    assert_accessible(page)
    _shot(page, "window-390")
    page.set_viewport_size({"width": 1366, "height": 900})
    logout(page)

    # 帮代办: the community worker applies for an elder of the street, who consents with the code
    helper = demo_logins["demo-helper"]
    elder = _resident("330102001", older_than=18, oldest=True)  # the street's oldest resident
    login(page, helper.username, helper.password)
    page.goto("/workbench/assist/")
    assert_accessible(page)
    page.get_by_label("办理事项").select_option(label="高龄津贴申领（上城区民政局）")
    page.get_by_label("公民身份号码").fill(elder.id_number)
    page.get_by_label("姓名").fill(elder.name)
    page.get_by_role("button", name="核验身份并发送验证码").click()
    page.wait_for_selector("text=人口库核验通过")
    page.get_by_label("银行账号").fill("6222020200112233445")
    _upload_every_file_input(page, tmp_path)
    elder_user = User.objects.get(id_number_index=index_of(elder.id_number))
    page.get_by_label("申请人收到的短信验证码").fill("000000" if _sent_code(elder_user) != "000000" else "111111")
    page.get_by_role("button", name="申请人确认并提交").click()
    assert page.get_by_text("验证码不正确").first.is_visible()
    assert_accessible(page)
    page.get_by_label("银行账号").fill("6222020200112233445")
    _upload_every_file_input(page, tmp_path)
    page.get_by_label("申请人收到的短信验证码").fill(_sent_code(elder_user))
    page.get_by_role("button", name="申请人确认并提交").click()
    page.wait_for_selector("text=申请已提交")
    assert page.locator("#application-channel").inner_text() == "帮代办"
    assisted = Application.objects.get(submitted_by=elder_user, channel="assisted")
    logout(page)

    # the elder (who signs in by the unified login; here a password for the test) sees the case as their own
    elder_user.set_password("Elder-Demo-2026")
    elder_user.save()
    login(page, elder_user.username, "Elder-Demo-2026")
    page.goto("/space/")
    assert page.get_by_text(assisted.application_no).is_visible()
    assert page.get_by_text("帮代办").first.is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="高龄津贴申领").first.click()
    assert page.locator("#channel").inner_text() == "帮代办"
    assert page.get_by_text("林社工 帮您录入").is_visible()
    assert_accessible(page)
    _shot(page, "assisted-detail-1366")
