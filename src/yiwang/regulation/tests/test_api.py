"""The API for mobile inspection clients: an officer's visits, the checklist and the result; a draw's public proof."""

from __future__ import annotations

import pytest

from yiwang.accounts.tokens import issue_token
from yiwang.regulation.models import Inspection
from yiwang.regulation.services import inspections
from yiwang.regulation.tests.test_draws import drawn, joint_plan


@pytest.mark.django_db
def test_an_officer_fills_the_checklist_and_submits_through_the_api(city, client):
    draw = drawn(joint_plan(city), city.planner)
    visit = Inspection.objects.order_by("code").first()
    inspections.notify_inspection(visit, actor=city.planner)
    officer = visit.officer_list()[0]
    _, raw = issue_token(officer.user, "mobile")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listed = client.get("/api/v1/regulation/inspections", **auth).json()
    assert visit.code in [v["code"] for v in listed]
    for item in inspections.items_of(visit):
        response = client.post(
            f"/api/v1/regulation/inspections/{visit.code}/entries",
            {"item": item.code, "outcome": "ok"},
            content_type="application/json",
            **auth,
        )
        assert response.status_code == 200
    bad = client.post(
        f"/api/v1/regulation/inspections/{visit.code}/submit",
        {"result": "maybe"},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "result"
    done = client.post(
        f"/api/v1/regulation/inspections/{visit.code}/submit",
        {"result": "pass"},
        content_type="application/json",
        **auth,
    ).json()
    assert done["status"] == "submitted" and len(done["entries"]) == len(done["items"])
    proof = client.get(f"/api/v1/regulation/draws/{draw.number}").json()
    assert proof["commitment"] == draw.commitment and proof["seed"] == draw.seed
