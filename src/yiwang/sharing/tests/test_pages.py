"""The officials' sharing pages and the open-data portal pages, through forms."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from yiwang.sharing.models import Grant

PASSWORD = "Correct-Horse-9"


def test_request_decide_collect_and_revoke_through_the_pages(sharing, client: Client):
    today = timezone.localdate()
    client.force_login(sharing.consumer_official)
    assert client.get("/workbench/sharing/").status_code == 200
    form = {
        "resource": sharing.resources["entity"].pk, "items": "name, headcount", "purpose": "食品经营许可核验",
        "legal_basis": "《食品安全法》第三十五条", "row_scope": "", "valid_from": today.isoformat(),
        "valid_until": (today + timedelta(days=30)).isoformat(), "daily_volume": 100, "rate_per_minute": 10,
    }  # fmt: skip
    bad = client.post("/workbench/sharing/", {**form, "items": "name, nope"})
    assert bad.status_code == 200 and "资源中没有这些信息项" in bad.content.decode()
    assert not Grant.objects.exists()
    response = client.post("/workbench/sharing/", form)
    grant = Grant.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workbench/sharing/grants/{grant.pk}/"
    assert "个工作日" in client.get(response["Location"]).content.decode()

    denied = client.post(response["Location"], {"form": "decide", "decision": "approve", "reason": ""})
    assert "只有资源提供部门可以审核共享申请" in denied.content.decode()
    client.force_login(sharing.provider_official)
    client.post(response["Location"], {"form": "decide", "decision": "approve", "reason": "同意"})
    grant.refresh_from_db()
    assert grant.status == Grant.Status.APPROVED

    client.force_login(sharing.consumer_official)
    page = client.post(response["Location"], {"form": "credential"}).content.decode()
    credential = page.split('<samp id="credential" class="d-block text-dark text-break">')[1].split("</samp>")[0]
    assert credential.startswith("yws_")
    client.post(response["Location"], {"form": "revoke", "reason": "项目已结束"})
    grant.refresh_from_db()
    assert grant.status == Grant.Status.REVOKED


def test_an_official_of_another_department_does_not_see_the_grant(sharing, client: Client):
    from yiwang.sharing.tests.factories import approved_grant

    grant, _ = approved_grant(
        sharing.resources["entity"], sharing.consumer_official, sharing.provider_official, fields=["name"]
    )
    client.force_login(sharing.other_official)
    assert client.get(f"/workbench/sharing/grants/{grant.pk}/").status_code == 404
    assert client.get("/workbench/sharing/catalogue/").status_code == 200
    assert client.get("/workbench/sharing/alerts/").status_code == 200
