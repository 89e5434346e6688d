"""督查督办 over the API: a department's system reports a month; the colour and its reason follow at once."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from yiwang.accounts.tokens import issue_token
from yiwang.supervision.models import MonthlyReport
from yiwang.supervision.tests.factories import item


def _auth(user) -> dict[str, str]:
    _, raw = issue_token(user, "api-test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_a_report_through_the_api_turns_the_item_red_with_its_reason(client, desk):
    this_month = timezone.localdate().replace(day=1)
    project = item(desk.responsible, desk.lead, starts_on=this_month, ends_on=this_month + dt.timedelta(days=400))
    auth = _auth(desk.responsible_official)
    response = client.post(
        f"/api/v1/supervision/items/{project.code}/reports",
        {
            "month": f"{this_month:%Y-%m}",
            "planned_investment": "200000000",
            "actual_investment": "60000000",
            "planned_progress": "40",
            "actual_progress": "12",
            "photos": 4,
        },
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["colour"] == "red" and body["reason"]["rule_set"] == 1
    assert {c["id"] for c in body["reason"]["conditions"]} == {"progress_far_behind", "investment_far_behind"}
    assert MonthlyReport.objects.get(item=project, month=this_month).source == "api"

    bad = client.post(
        f"/api/v1/supervision/items/{project.code}/reports",
        {
            "month": "2099-03",
            "planned_investment": "1",
            "actual_investment": "1",
            "planned_progress": "140",
            "actual_progress": "1",
        },
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "planned_progress"
    assert not MonthlyReport.objects.filter(item=project, month=dt.date(2099, 3, 1)).exists()

    listed = client.get("/api/v1/supervision/items?colour=red", **_auth(desk.lead_official)).json()
    assert [i["code"] for i in listed] == [project.code]
    table = client.get("/api/v1/supervision/table", **_auth(desk.lead_official)).json()
    assert table["totals"] == {"green": 0, "yellow": 0, "red": 1}
    assert table["department"][0]["name"] == desk.responsible.name and table["department"][0]["red"] == 1


def test_an_official_outside_the_items_departments_does_not_see_it(client, desk, org, make_official):
    project = item(desk.responsible, desk.lead)
    other = make_official("other", org.shangcheng_samr)
    assert client.get(f"/api/v1/supervision/items/{project.code}", **_auth(other)).status_code == 404
    assert client.get("/api/v1/supervision/items", **_auth(other)).json() == []
