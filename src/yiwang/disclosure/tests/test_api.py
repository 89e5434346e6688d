"""The API: published documents, the Q&A, the requester's disclosure requests, the reproducible tally."""

from __future__ import annotations

import pytest

from yiwang.accounts.tests import factories as accounts
from yiwang.catalog.tests import factories as catalog
from yiwang.disclosure.tests import factories

pytestmark = pytest.mark.django_db


def test_published_documents_with_their_articles(city, client):
    doc = factories.document(city.samr)
    factories.document(city.samr, published=False)
    body = client.get("/api/v1/disclosure/documents").json()
    assert [d["number"] for d in body] == [doc.number]
    detail = client.get(f"/api/v1/disclosure/documents/{doc.pk}").json()
    assert [c["label"] for c in detail["clauses"]][:2] == ["第一条", "第二条"]


def test_ask_answers_with_citations_or_hands_off(city, client):
    item = catalog.service_item(city.samr, name="食品经营许可", keywords="开饭店")
    answered = client.post("/api/v1/disclosure/ask", {"text": "开饭店要办什么证"}, content_type="application/json")
    assert answered.status_code == 200
    assert answered.json()["citations"][0]["ref"] == item.item_code
    refused = client.post("/api/v1/disclosure/ask", {"text": "火星移民签证"}, content_type="application/json")
    assert refused.status_code == 422 and refused.json()["field"] == "contact"
    handed = client.post(
        "/api/v1/disclosure/ask", {"text": "火星移民签证", "contact": "13900000000"}, content_type="application/json"
    ).json()
    assert handed["status"] == "handed_off" and handed["citations"] == []


def test_a_request_over_the_api_is_idempotent(city, client):
    client.force_login(accounts.citizen(full_name="李四"))
    payload = {
        "department": city.samr.code, "requester_name": "李四", "contact": "13800000000",
        "description": "食品安全抽检结果", "idempotency_key": "api-1",
    }  # fmt: skip
    first = client.post("/api/v1/disclosure/requests", payload, content_type="application/json").json()
    again = client.post("/api/v1/disclosure/requests", payload, content_type="application/json").json()
    assert first["number"] == again["number"]
    assert len(client.get("/api/v1/disclosure/requests").json()) == 1
    bad = client.post(
        "/api/v1/disclosure/requests", {**payload, "idempotency_key": "api-2", "description": "短"},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["field"] == "description"
