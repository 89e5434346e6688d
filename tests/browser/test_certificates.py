"""E-certificates in a browser: the holder's wallet, the public verification page, a revoked certificate."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Correct-Horse-9"


@pytest.fixture
def licence(org, make_official):
    from yiwang.accounts.models import User
    from yiwang.certificates.services import ensure_default_certificate_types, issue_certificate
    from yiwang.core.identifiers import make_uscc

    ensure_default_certificate_types()
    uscc = make_uscc("9", "1", "330106", "MA2K3L4P")
    User.objects.create_user(username="agent", password=PASSWORD, kind=User.Kind.AGENT, enterprise_uscc=uscc)
    clerk = make_official("clerk", org.xihu_samr)
    content = {
        "operator_name": "杭州西湖味道餐饮有限公司",
        "legal_representative": "李四",
        "address": "浙江省杭州市西湖区文三路 100 号",
        "business_premises": "浙江省杭州市西湖区文三路 100 号一楼",
        "main_business_format": "餐饮服务经营者",
        "business_items": "热食类食品制售",
    }
    return issue_certificate(
        cert_type="food_business_licence",
        holder_id=uscc,
        holder_name="杭州西湖味道餐饮有限公司",
        content=content,
        department=org.xihu_samr,
        actor=clerk,
    )


def test_wallet_and_public_verification(page, licence):
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill("agent")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    page.goto("/certificates/mine/")
    assert page.get_by_text(licence.number).first.is_visible()
    assert_accessible(page)
    page.goto(f"/certificates/verify/{licence.number}/")
    assert "有效" in page.locator("#verification-heading").inner_text()
    assert_accessible(page)
    page.goto("/certificates/verify/")
    page.get_by_label("证照编号").fill("330106-SCJGJ-2026-999999")
    page.get_by_role("button", name="核验").click()
    page.wait_for_load_state()
    assert page.get_by_text("未找到").first.is_visible()
    assert_accessible(page)


def test_revoked_certificate_says_so(page, licence):
    from yiwang.accounts.models import User
    from yiwang.certificates.services import revoke_certificate

    revoke_certificate(licence, reason="经营者申请注销", actor=User.objects.get(username="clerk"))
    page.goto(f"/certificates/verify/{licence.number}/")
    heading = page.locator("#verification-heading").inner_text()
    assert "注销" in heading and "有效" not in heading.replace("注销", "")
    assert_accessible(page)
