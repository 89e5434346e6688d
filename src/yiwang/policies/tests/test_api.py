"""The policies API: the agent's page of benefits, confirmation, the public notice, the officials' sandbox."""

from __future__ import annotations

from decimal import Decimal

from yiwang.policies.models import Offer
from yiwang.policies.services import run_matching

NEAR_MISS_POLICY = """
conditions:
  all:
    - {id: district, fact: district, op: eq, value: "330106", clause: "《西湖区高企奖励（演示）》第二条"}
    - {id: high_tech, fact: tags, op: contains_any, value: [高新技术企业], clause: "《西湖区高企奖励（演示）》第三条"}
amount:
  fixed: 100000
"""


def test_agent_sees_eligible_policy_near_miss_and_offer_then_confirms(
    client, make_entity, make_policy, make_agent, official
):
    entity = make_entity(annual_revenue=Decimal("2000.00"), rep_name="李四")
    make_policy()  # revenue ≥ 1,000万 in 西湖区: eligible
    make_policy(code="XH-GQ-001", rules=NEAR_MISS_POLICY, title="西湖区高新技术企业奖励")  # one tag short
    run_matching(actor=official)
    agent = make_agent(entity)
    assert client.get("/api/v1/policies/mine").status_code == 401
    client.force_login(agent)
    body = client.get("/api/v1/policies/mine").json()
    assert body["uscc"] == entity.uscc
    assert [(p["policy_id"], p["amount"]) for p in body["eligible"]] == [("XH-TEST-001", "10000")]
    near = body["near_misses"]
    assert [(n["policy_id"], n["condition_id"]) for n in near] == [("XH-GQ-001", "high_tech")]
    assert "第三条" in near[0]["clause"]
    assert [o["policy_code"] for o in body["offers"]] == ["XH-TEST-001"]
    offer_id = body["offers"][0]["id"]

    bad = client.post(
        f"/api/v1/policies/offers/{offer_id}/confirm", {"bank_account": "x"}, content_type="application/json"
    )
    assert bad.status_code == 422 and bad.json()["field"] == "bank_account"
    done = client.post(
        f"/api/v1/policies/offers/{offer_id}/confirm",
        {"bank_account": "6222021202012345678"},
        content_type="application/json",
    )
    assert done.status_code == 200
    assert done.json()["bank_account"] == "6222***********5678" and done.json()["amount"] == "10000.00"
    again = client.post(f"/api/v1/policies/offers/{offer_id}/decline", {"reason": "x"}, content_type="application/json")
    assert again.status_code == 409


def test_someone_elses_offer_is_not_found(client, make_entity, make_policy, make_agent, official):
    entity = make_entity(annual_revenue=Decimal("2000.00"))
    other = make_entity(annual_revenue=Decimal("10.00"))
    make_policy()
    run_matching(actor=official)
    offer = Offer.objects.get(uscc=entity.uscc)
    client.force_login(make_agent(other))
    response = client.post(
        f"/api/v1/policies/offers/{offer.pk}/confirm",
        {"bank_account": "6222021202012345678"},
        content_type="application/json",
    )
    assert response.status_code == 404
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OFFERED


def test_notice_is_public_and_masked(client, make_entity, make_policy, official):
    make_entity(annual_revenue=Decimal("2000.00"), name="杭州西湖云栖科技有限公司", rep_name="欧阳娜娜")
    make_policy()
    run_matching(actor=official)
    response = client.get("/api/v1/policies/XH-TEST-001/notice")
    assert response.status_code == 200
    rows = response.json()["rows"]
    assert rows[0]["entity_name"] == "杭州西湖云栖科技有限公司" and rows[0]["legal_representative"] == "欧***"
    assert "欧阳娜娜" not in response.content.decode()
    assert client.get("/api/v1/policies/NO-SUCH/notice").status_code == 404


def test_sandbox_is_for_officials_of_the_department(client, make_entity, make_policy, make_agent, official):
    entity = make_entity(annual_revenue=Decimal("600.00"))
    policy = make_policy()
    draft = policy.current_version.rules.replace("value: 10000000", "value: 5000000")
    client.force_login(make_agent(entity))
    assert (
        client.post(
            "/api/v1/policies/XH-TEST-001/sandbox", {"rules": draft}, content_type="application/json"
        ).status_code
        == 403
    )
    client.force_login(official)
    body = client.post("/api/v1/policies/XH-TEST-001/sandbox", {"rules": draft}, content_type="application/json").json()
    assert body["gained"] == 1 and body["gained_usccs"] == [entity.uscc] and body["cost_delta"] == "10000.00"
    broken = client.post(
        "/api/v1/policies/XH-TEST-001/sandbox",
        {"rules": "conditions: {all: [{fact: nope}]}"},
        content_type="application/json",
    )
    assert broken.status_code == 422
    assert any(p["path"].startswith("draft.conditions") for p in broken.json()["problems"])
