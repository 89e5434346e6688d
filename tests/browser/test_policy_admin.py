"""The officials' 免申即享 pages in a browser: list, authoring with a rule error, test, sandbox, run, payouts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import override_settings

from tests.browser.fixtures import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-Horse-9"
RULES = """conditions:
  all:
    - {id: district, fact: district, op: eq, value: "330106", clause: "《西湖区企业扶持办法（演示）》第二条"}
    - {id: revenue, fact: annual_revenue, op: ge, value: 10000000, clause: "《西湖区企业扶持办法（演示）》第三条"}
amount:
  fixed: 10000
"""


@pytest.fixture
def policy_city(org, make_official):
    from yiwang.core.identifiers import make_uscc
    from yiwang.policies import services
    from yiwang.registries.models import Industry, LegalEntity
    from yiwang.registries.tests.factories import person

    official = make_official("xihu_policy", org.xihu_samr)
    industry = Industry.objects.create(code="65", name="软件和信息技术服务业", section="I")
    entities = []
    for n, revenue in enumerate(("2000.00", "1500.00", "600.00", "100.00"), 1):
        entities.append(
            LegalEntity.objects.create(
                uscc=make_uscc("9", "1", "330106", f"{n:08d}"),
                name=f"杭州测试{n}号科技有限公司",
                entity_type=LegalEntity.EntityType.LIMITED_COMPANY,
                legal_representative=person(org.xihu_town, name="王小明"),
                industry=industry,
                division=org.xihu_town,
                address=f"北山街道{n}号",
                registered_capital=Decimal("100.00"),
                founding_date=date(2019, 3, 1),
                size="small",
                headcount=25,
                annual_revenue=Decimal(revenue),
                tax_paid=Decimal("20.00"),
                social_insurance_headcount=20,
                tags=[],
            )
        )
    policy = services.create_policy(
        code="XH-TEST-001",
        title="西湖区测试扶持政策",
        department=org.xihu_samr,
        rules=RULES,
        actor=official,
        budget_total=Decimal("1000000"),
    )
    services.publish_policy(policy, actor=official)
    services.file_objection(policy, reason="该企业已迁出西湖区", uscc=entities[1].uscc)
    return entities


def test_official_walks_the_policy_pages(page, policy_city):
    from playwright.sync_api import expect

    with override_settings(
        YIWANG_FIELD_KEYS={"test2026": "00112233445566778899aabbccddeeff"}, YIWANG_FIELD_KEY_CURRENT="test2026"
    ):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill("xihu_policy")
        page.get_by_label("密码").fill(PASSWORD)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state()

        page.goto("/workbench/policies/")
        assert_accessible(page)
        page.get_by_role("link", name="西湖区测试扶持政策", exact=True).click()
        page.wait_for_load_state()
        assert_accessible(page)

        page.get_by_label("规则（YAML：conditions 与 amount）").fill(RULES.replace("fact: district", "fact: distrct"))
        page.get_by_role("button", name="保存为新版本").click()
        page.wait_for_load_state()
        expect(page.locator("#rules-problems")).to_contain_text("rules.conditions.all[0].fact")
        assert_accessible(page)

        page.get_by_role("link", name="版本测试").click()
        page.get_by_label("统一社会信用代码").fill(policy_city[2].uscc)
        page.get_by_role("button", name="测试", exact=True).click()
        page.wait_for_load_state()
        expect(page.get_by_role("table")).to_contain_text("《西湖区企业扶持办法（演示）》第三条")
        assert_accessible(page)

        page.get_by_role("link", name="政策沙盘").click()
        page.get_by_label("草案规则（YAML：conditions 与 amount）").fill(RULES.replace("10000000", "5000000"))
        page.get_by_role("button", name="试算").click()
        page.wait_for_load_state()
        expect(page.get_by_role("main")).to_contain_text("新增 1，减少 0")
        assert_accessible(page)

        page.get_by_role("link", name="数据比对").click()
        page.get_by_role("button", name="发起数据比对").click()
        page.wait_for_load_state()
        expect(page.get_by_role("main")).to_contain_text("数据快照摘要（SM3）")
        assert_accessible(page)

        page.get_by_role("link", name="兑现与异议").click()
        page.wait_for_load_state()
        expect(page.get_by_role("main")).to_contain_text("该企业已迁出西湖区")
        assert_accessible(page)

        page.goto("/workbench/policies/new/")
        assert_accessible(page)
