"""Officials' pages of 免申即享: authoring with rule errors by path, sandbox, matching run, payouts, scope."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from yiwang.policies import services
from yiwang.policies.models import MatchRun, Objection, Offer, Payout, PayoutBatch, Policy, PolicyVersion
from yiwang.policies.tests import factories

PASSWORD = "Correct-Horse-9"
BASE = "/workbench/policies/"
RULES = factories.REVENUE_RULES
BAD_RULES = RULES.replace("fact: district", "fact: distrct")


@pytest.fixture(autouse=True)
def field_keys():
    with override_settings(
        YIWANG_FIELD_KEYS={"test2026": "00112233445566778899aabbccddeeff"}, YIWANG_FIELD_KEY_CURRENT="test2026"
    ):
        yield


@pytest.fixture
def make_entity(make_entity):
    """An active enterprise of 北山街道 (西湖区) with the given annual revenue in 万元."""
    return lambda revenue: make_entity(annual_revenue=Decimal(revenue))


@pytest.fixture
def official(org, make_official):
    return make_official("xihu_policy_clerk", org.xihu_samr)


@pytest.fixture
def outsider(org, make_official):
    return make_official("shangcheng_policy_clerk", org.shangcheng_samr)


@pytest.fixture
def policy(org, official):
    return factories.policy(org.xihu_samr, rules=RULES, actor=official)


def _login(client, user) -> None:
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.django_db
def test_official_authors_a_policy_and_a_version_rule_errors_named_by_path(client, org, official):
    _login(client, official)
    page = client.get(f"{BASE}new/").content.decode()
    assert "annual_revenue" in page and "entity.annual_revenue" in page  # the fact list beside the editor
    form = {
        "code": "XH-NEW-1",
        "title": "新建测试政策",
        "department": org.xihu_samr.pk,
        "route": "proactive",
        "budget_total": "50000",
        "rules": BAD_RULES,
    }
    response = client.post(f"{BASE}new/", form)
    assert response.status_code == 422
    assert "rules.conditions.all[0].fact" in response.content.decode()
    assert not Policy.objects.filter(code="XH-NEW-1").exists()

    response = client.post(f"{BASE}new/", {**form, "rules": RULES})
    assert response.status_code == 302 and response["Location"] == f"{BASE}XH-NEW-1/"
    policy = Policy.objects.get(code="XH-NEW-1")
    assert policy.status == Policy.Status.DRAFT and policy.budget_total == Decimal("50000")

    response = client.post(f"{BASE}XH-NEW-1/versions/", {"rules": BAD_RULES.replace("10000000", "lots")})
    body = response.content.decode()
    assert response.status_code == 422
    assert "rules.conditions.all[0].fact" in body and "rules.conditions.all[1].value" in body
    assert PolicyVersion.objects.filter(policy=policy).count() == 1

    lowered = RULES.replace("10000000", "5000000")
    response = client.post(f"{BASE}XH-NEW-1/versions/", {"rules": lowered})
    assert response.status_code == 302
    policy.refresh_from_db()
    assert policy.current_version.number == 2 and policy.current_version.rules == lowered

    client.post(f"{BASE}XH-NEW-1/status/", {"action": "publish"})
    policy.refresh_from_db()
    assert policy.status == Policy.Status.PUBLISHED
    listing = client.get(BASE).content.decode()
    assert "新建测试政策" in listing and "已发布" in listing


@pytest.mark.django_db
def test_sandbox_of_lowering_the_revenue_threshold_shows_added_entities_and_cost(client, make_entity, policy, official):
    for _ in range(3):
        make_entity("1500.00")
    middling = [make_entity("600.00") for _ in range(2)]
    make_entity("100.00")
    _login(client, official)
    assert "10000000" in client.get(f"{BASE}XH-TEST-001/sandbox/").content.decode()  # the current rules to edit
    response = client.post(f"{BASE}XH-TEST-001/sandbox/", {"rules": RULES.replace("10000000", "5000000")})
    body = response.content.decode()
    assert response.status_code == 200
    assert "新增 2，减少 0" in body
    assert all(e.uscc in body and e.name in body for e in middling)
    assert "30000.00" in body and "50000.00" in body and "20000.00" in body  # cost now, draft, delta
    assert PolicyVersion.objects.filter(policy=policy).count() == 1  # nothing saved

    response = client.post(f"{BASE}XH-TEST-001/sandbox/", {"rules": BAD_RULES})
    assert response.status_code == 422 and "draft.conditions.all[0].fact" in response.content.decode()


@pytest.mark.django_db
def test_test_page_explains_each_condition_for_one_enterprise(client, make_entity, policy, official):
    poor = make_entity("600.00")
    _login(client, official)
    body = client.get(f"{BASE}XH-TEST-001/test/", {"uscc": poor.uscc}).content.decode()
    assert (
        "<strong>不符合</strong>" in body
        and "entity.annual_revenue" in body
        and "《西湖区企业扶持办法（演示）》第三条" in body
    )
    rich = make_entity("2000.00")
    body = client.get(f"{BASE}XH-TEST-001/test/", {"uscc": rich.uscc, "version": "1"}).content.decode()
    assert "<strong>符合</strong>" in body and "测算金额 10000" in body
    assert client.get(f"{BASE}XH-TEST-001/test/", {"uscc": "91330106MA00000000"}).status_code == 404


@pytest.mark.django_db
def test_launch_a_run_then_export_and_pay_a_batch_and_resolve_an_objection(client, make_entity, policy, official):
    from yiwang.accounts.models import User

    entities = [make_entity("2000.00"), make_entity("3000.00")]
    _login(client, official)
    response = client.post(f"{BASE}XH-TEST-001/runs/")
    run = MatchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{BASE}XH-TEST-001/runs/{run.pk}/"
    body = client.get(response["Location"]).content.decode()
    assert run.snapshot_hash in body and "20000.00" in body
    assert run.offers_created == 2 == Offer.objects.filter(policy=policy).count()
    listing = client.get(BASE).content.decode()
    assert f"{BASE}XH-TEST-001/runs/{run.pk}/" in listing  # the last run's coverage links to its evidence

    agent = User.objects.create_user(
        username="agent", password=PASSWORD, kind=User.Kind.AGENT, enterprise_uscc=entities[0].uscc
    )
    services.confirm_offer(Offer.objects.get(uscc=entities[0].uscc), actor=agent, bank_account="6222021202012345678")
    assert "1 笔" in client.get(f"{BASE}XH-TEST-001/payouts/").content.decode()
    response = client.post(f"{BASE}XH-TEST-001/payouts/export/")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    assert text.startswith("序号,统一社会信用代码") and "6222021202012345678" in text and entities[0].uscc in text
    batch = PayoutBatch.objects.get()
    assert batch.payout_count == 1 and Payout.objects.get().status == Payout.Status.EXPORTED
    again = client.post(f"{BASE}XH-TEST-001/payouts/export/", follow=True)
    assert "没有待拨付的兑现记录" in again.content.decode()

    client.post(f"{BASE}XH-TEST-001/batches/{batch.pk}/paid/")
    assert Payout.objects.get().status == Payout.Status.PAID

    objection = services.file_objection(policy, reason="该企业已迁出西湖区", uscc=entities[1].uscc)
    page = client.get(f"{BASE}XH-TEST-001/payouts/").content.decode()
    assert "该企业已迁出西湖区" in page and "/policies/XH-TEST-001/notice/" in page
    client.post(
        f"{BASE}XH-TEST-001/objections/{objection.pk}/resolve/",
        {"decision": "reject", "resolution": "经核实仍在西湖区"},
    )
    objection.refresh_from_db()
    assert objection.status == Objection.Status.REJECTED


@pytest.mark.django_db
def test_another_departments_official_cannot_see_or_touch_the_policy(client, policy, outsider, admin_user):
    _login(client, outsider)
    assert "XH-TEST-001" not in client.get(BASE).content.decode()
    code = "XH-TEST-001"
    for url in ("", "test/", "sandbox/", "runs/", "payouts/"):
        assert client.get(f"{BASE}{code}/{url}").status_code == 404, url
    assert client.post(f"{BASE}{code}/versions/", {"rules": RULES}).status_code == 404
    assert client.post(f"{BASE}{code}/status/", {"action": "retire"}).status_code == 404
    assert client.post(f"{BASE}{code}/sandbox/", {"rules": RULES}).status_code == 404
    assert client.post(f"{BASE}{code}/runs/").status_code == 404
    assert client.post(f"{BASE}{code}/payouts/export/").status_code == 404
    assert PolicyVersion.objects.filter(policy=policy).count() == 1 and not MatchRun.objects.exists()
    policy.refresh_from_db()
    assert policy.status == Policy.Status.PUBLISHED
    # Nor can they create a policy for another department.
    response = client.post(
        f"{BASE}new/",
        {"code": "SC-1", "title": "越权", "department": policy.department_id, "route": "proactive", "rules": RULES},
    )
    assert response.status_code == 422 and not Policy.objects.filter(code="SC-1").exists()

    _login(client, admin_user)
    assert "XH-TEST-001" in client.get(BASE).content.decode()
    assert client.get(f"{BASE}{code}/").status_code == 200


@pytest.mark.django_db
def test_citizens_and_anonymous_users_are_kept_out(client, policy):
    from yiwang.accounts.models import User

    assert client.get(BASE).status_code == 302  # to the login page
    User.objects.create_user(username="citizen", password=PASSWORD)
    client.login(username="citizen", password=PASSWORD)
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}XH-TEST-001/").status_code == 403


def test_a_refused_creation_names_the_field_and_keeps_what_was_typed(client, org, official, policy):
    _login(client, official)
    posted = {
        "code": policy.code,  # taken: the service refuses it (Conflict on "code")
        "title": "重复编码的政策",
        "department": str(org.xihu_samr.pk),
        "route": Policy.Route.PROACTIVE,
        "budget_total": "1000",
        "rules": RULES,
    }
    response = client.post(f"{BASE}new/", posted)
    body = response.content.decode()
    assert response.status_code == 422
    form = response.context["form"]
    assert form.errors["code"] == [f"政策编码 {policy.code} 已存在"]
    assert f'id="f-code" name="code" value="{policy.code}"' in body and "重复编码的政策" in body

    response = client.post(f"{BASE}new/", {**posted, "code": "XH-NEW-9", "budget_total": "很多", "valid_from": "x"})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"budget_total", "valid_from"}
    assert not Policy.objects.filter(code="XH-NEW-9").exists()
