"""The applications API: idempotent submit, the applicant's and the official's views, steps, rating."""

from __future__ import annotations

import json

import pytest

from yiwang.accounts.tokens import issue_token
from yiwang.applications.models import Application


def _call(client, method, path, token, body=None, **headers):
    if method == "get":
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)
    return getattr(client, method)(
        path,
        data=json.dumps(body or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


@pytest.mark.django_db
def test_submit_twice_then_official_steps_then_rating(client, org, make_official, food_item, agent, enterprise):
    food_item.materials.update(requirement="optional")  # the API channel here submits no uploads
    _, agent_token = issue_token(agent, "app")
    _, clerk_token = issue_token(make_official("clerk", org.xihu_samr), "kiosk")
    body = {
        "item_code": food_item.item_code,
        "form_data": {
            "business_premises": "文三路 1 号",
            "main_business_format": "餐饮服务经营者",
            "business_items": "热食类食品制售",
        },
    }
    first = _call(client, "post", "/api/v1/applications/", agent_token, body, HTTP_IDEMPOTENCY_KEY="mobile-0000001")
    again = _call(client, "post", "/api/v1/applications/", agent_token, body, HTTP_IDEMPOTENCY_KEY="mobile-0000001")
    assert first.status_code == again.status_code == 201
    number = first.json()["application_no"]
    assert again.json()["application_no"] == number and Application.objects.count() == 1
    assert first.json()["form_data"]["operator_name"] == enterprise.name
    bad = _call(
        client,
        "post",
        "/api/v1/applications/",
        agent_token,
        {**body, "form_data": {}},
        HTTP_IDEMPOTENCY_KEY="mobile-0000002",
    )
    assert bad.status_code == 422 and bad.json()["field"] in {
        "business_premises",
        "main_business_format",
        "business_items",
    }
    inbox = _call(client, "get", "/api/v1/applications/inbox", clerk_token).json()
    assert [a["application_no"] for a in inbox] == [number] and "accept" in inbox[0]["allowed_actions"]
    for action in ("accept", "approve", "complete"):
        response = _call(client, "post", f"/api/v1/applications/{number}/actions/{action}", clerk_token)
        assert response.status_code == 200, response.content
    forbidden = _call(client, "post", f"/api/v1/applications/{number}/actions/withdraw", clerk_token)
    assert forbidden.status_code in {403, 409}
    rating = _call(client, "post", f"/api/v1/applications/{number}/rating", agent_token, {"score": 5})
    assert rating.status_code == 201 and rating.json() == {"score": 5, "rectification": False}
    outsider = make_official("outsider", org.shangcheng_samr)
    _, outsider_token = issue_token(outsider, "x")
    assert _call(client, "get", f"/api/v1/applications/{number}", outsider_token).status_code == 404
