"""The bundles API: the merged form, an idempotent submission, each department's part, one correction, scope."""

from __future__ import annotations

import json

import pytest

from yiwang.accounts.tokens import issue_token
from yiwang.applications.services import act
from yiwang.bundles.models import BundleApplication
from yiwang.bundles.tests.conftest import ANSWERS

pytestmark = pytest.mark.django_db


def _call(client, method, path, token, body=None, **headers):
    if method == "get":
        return client.get(path, HTTP_AUTHORIZATION=f"Bearer {token}", **headers)
    return client.post(
        path,
        data=json.dumps(body or {}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        **headers,
    )


def test_bundle_lists_its_items_in_order_with_the_merged_form(client, bundle, agent, registration_item, food_item):
    _, token = issue_token(agent, "app")
    listed = _call(client, "get", "/api/v1/bundles/", token).json()
    assert [b["code"] for b in listed] == ["start-business"]
    detail = _call(client, "get", "/api/v1/bundles/start-business", token).json()
    items = {i["name"]: i for i in detail["items"]}
    assert items["食品经营许可（新办）"]["depends_on"] == [registration_item.item_code]
    properties = detail["form_schema"]["properties"]
    assert "business_premises" in properties and "business_scope" in properties
    assert [m["name"] for m in detail["materials"]] == ["经营场所平面图"]
    assert _call(client, "get", "/api/v1/bundles/no-such-bundle", token).status_code == 404


def test_a_required_upload_is_named_and_nothing_is_saved(client, bundle, agent):
    _, token = issue_token(agent, "app")
    response = _call(
        client,
        "post",
        "/api/v1/bundles/start-business/applications",
        token,
        {"form_data": ANSWERS},
        HTTP_IDEMPOTENCY_KEY="api-bundle-0001",
    )
    assert response.status_code == 422 and "经营场所平面图" in response.json()["message"]
    assert not BundleApplication.objects.exists()


def test_submit_once_correct_once_and_only_the_parties_see_it(client, org, make_official, bundle, agent, tax_office):
    from yiwang.catalog.models import MaterialRequirement

    MaterialRequirement.objects.filter(name="经营场所平面图").update(requirement="optional")  # no uploads by API
    _, token = issue_token(agent, "app")
    path = "/api/v1/bundles/start-business/applications"
    first = _call(client, "post", path, token, {"form_data": ANSWERS}, HTTP_IDEMPOTENCY_KEY="api-bundle-0002")
    again = _call(client, "post", path, token, {"form_data": ANSWERS}, HTTP_IDEMPOTENCY_KEY="api-bundle-0002")
    assert first.status_code == again.status_code == 201, first.content
    number = first.json()["number"]
    assert again.json()["number"] == number and BundleApplication.objects.count() == 1
    children = {c["item"]: c for c in first.json()["children"]}
    assert children["食品经营许可（新办）"]["state"] == "waiting" and children["食品经营许可（新办）"][
        "waiting_for"
    ] == ["企业设立登记"]
    assert {children[n]["state"] for n in ("企业设立登记", "新办纳税人涉税事项")} == {"submitted"}

    tax = make_official("tax", tax_office)
    from yiwang.applications.models import Application

    case = Application.objects.get(application_no=children["新办纳税人涉税事项"]["application_no"])
    act(case, "request_correction", actor=tax, items=["会计制度选择有误"])
    status = _call(client, "get", f"/api/v1/bundles/applications/{number}", token).json()
    assert status["state"] == "correction_requested"
    assert status["corrections"][0]["items"] == ["会计制度选择有误"]
    fixed = _call(
        client,
        "post",
        f"/api/v1/bundles/applications/{number}/resubmit",
        token,
        {"form_data": {"accounting_system": "企业会计准则"}},
    )
    assert fixed.status_code == 200 and fixed.json()["state"] == "submitted"
    case.refresh_from_db()
    assert case.form_data["accounting_system"] == "企业会计准则"
    assert [a["number"] for a in _call(client, "get", "/api/v1/bundles/applications", token).json()] == [number]

    _, tax_token = issue_token(tax, "desk")  # an official of a department with a part sees the bundle
    assert _call(client, "get", f"/api/v1/bundles/applications/{number}", tax_token).status_code == 200
    _, outsider_token = issue_token(make_official("outsider", org.shangcheng_samr), "x")
    assert _call(client, "get", f"/api/v1/bundles/applications/{number}", outsider_token).status_code == 404


def test_withdraw_over_the_api(client, bundle, agent):
    from yiwang.catalog.models import MaterialRequirement

    MaterialRequirement.objects.filter(name="经营场所平面图").update(requirement="optional")
    _, token = issue_token(agent, "app")
    path = "/api/v1/bundles/start-business/applications"
    number = _call(client, "post", path, token, {"form_data": ANSWERS}, HTTP_IDEMPOTENCY_KEY="api-bundle-0003").json()[
        "number"
    ]
    done = _call(client, "post", f"/api/v1/bundles/applications/{number}/withdraw", token, {"reason": "改期开办"})
    assert done.status_code == 200 and done.json()["state"] == "withdrawn"
    assert {c["state"] for c in done.json()["children"]} == {"withdrawn", "cancelled"}
    again = _call(client, "post", f"/api/v1/bundles/applications/{number}/withdraw", token)
    assert again.status_code == 409
