"""Walk the pages that exist in a real browser: log in as each kind of user, check scope, check accessibility."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-Horse-9"


def login(page, username: str, password: str = PASSWORD) -> None:
    page.goto("/accounts/login/")
    assert_accessible(page)
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()


@pytest.fixture
def city(org, make_official, admin_user):
    from yiwang.accounts.models import User
    from yiwang.registries.elements import load_elements
    from yiwang.registries.tests import factories

    load_elements()
    citizen_person = factories.person(org.xihu_town, name="赵市民")
    factories.entity(org.xihu_town, citizen_person, name="西湖数字科技有限公司")
    other = factories.person(org.shangcheng, name="钱上城")
    factories.entity(org.shangcheng, other, name="上城贸易有限公司")
    User.objects.create_user(
        username="citizen",
        password=PASSWORD,
        kind=User.Kind.PERSON,
        full_name="赵市民",
        id_number=citizen_person.id_number,
    )
    make_official("xihu", org.xihu_samr)
    return org


def test_home_is_accessible_and_switches_language(page, city):
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # The vendored stylesheet and our colours are served (no CDN): the header has the platform blue.
    header_colour = page.locator("header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert header_colour == "rgb(11, 78, 162)"
    assert_accessible(page)
    page.get_by_label("语言").select_option("en")
    page.get_by_role("button", name="切换").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page)


def test_citizen_sees_own_registry_data_and_reports_an_error(page, city):
    login(page, "citizen")
    page.goto("/me/")
    assert page.get_by_text("赵市民").first.is_visible()
    assert page.get_by_role("cell", name="公安").first.is_visible()  # 数据来源 of each element
    assert_accessible(page)
    row = page.get_by_role("row").filter(has_text="户籍地址")
    row.locator("summary").click()
    row.get_by_label("正确的值").fill("北山街道新村 3 号")
    row.get_by_role("button", name="提交纠错").click()
    page.wait_for_selector("text=已提交纠错")
    assert_accessible(page)
    response = page.goto("/workbench/")
    assert response is not None and response.status == 403


def test_official_walks_workbench_inside_scope(page, city):
    login(page, "xihu")
    page.goto("/workbench/")
    assert page.locator("#entity-count").inner_text() == "1"
    assert_accessible(page)
    page.goto("/workbench/entities/")
    assert page.get_by_text("西湖数字科技有限公司").is_visible()
    assert page.get_by_text("上城贸易有限公司").count() == 0
    assert_accessible(page)
    page.get_by_label("名称或统一社会信用代码").fill("上城")
    page.get_by_role("button", name="查询").click()
    page.wait_for_selector("text=没有符合条件的记录")
    page.goto("/workbench/persons/")
    assert_accessible(page)
    page.get_by_role("link", name="赵**").click()
    page.wait_for_load_state()
    assert page.get_by_text("个人信息已按数据元规则脱敏").is_visible()
    assert_accessible(page)
    page.get_by_label("查看用途").select_option(label="办理政务服务事项，核验申请人或当事人身份")
    page.get_by_label("补充说明（可选）").fill("核查申请人户籍信息")
    page.get_by_role("button", name="查看完整信息").click()
    page.wait_for_selector("text=本次查看已记入审计日志")
    assert_accessible(page)
    page.goto("/workbench/entities/")
    page.get_by_role("link", name="西湖数字科技有限公司").click()
    page.wait_for_load_state()
    assert page.get_by_text("数据来源").first.is_visible()
    assert_accessible(page)
    page.goto("/workbench/discrepancies/")
    assert_accessible(page)


def test_locked_out_after_wrong_passwords(page, city):
    for _ in range(5):
        login(page, "xihu", "wrong-password-1")
    login(page, "xihu")
    assert page.get_by_text("账户已被锁定").is_visible()
    assert_accessible(page)


def test_administrator_browses_audit_ledger(page, city):
    login(page, "admin")
    page.goto("/workbench/audit/")
    assert page.locator("table").count() >= 1
    assert_accessible(page)


def test_the_accessibility_check_catches_violations(page):
    """The axe check is real: a page with an unlabeled input and an image without alt text fails it."""
    page.set_content(
        '<html lang="zh-CN"><head><title>t</title></head><body><main><img src="x.png">'
        '<input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError, match="image-alt"):
        assert_accessible(page)
