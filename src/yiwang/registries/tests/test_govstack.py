"""The GovStack Digital Registries adapter keeps our rules: scope, masking, authoritative writes, no deletes."""

from __future__ import annotations

import json

import pytest

from yiwang.accounts.models import Department
from yiwang.accounts.tokens import issue_token
from yiwang.registries.elements import load_elements
from yiwang.registries.models import LegalEntity, RecordVersion
from yiwang.registries.tests import factories

BASE = "/api/v1/govstack/data"


@pytest.fixture
def setup(org, make_official):
    load_elements()
    Department.objects.filter(pk=org.xihu_samr.pk).update(kind=Department.Kind.MARKET_REGULATION)
    org.xihu_samr.refresh_from_db()
    rep = factories.person(org.xihu_town, name="褚法人")
    entity = factories.entity(org.xihu_town, rep, name="西湖茶叶有限公司")
    other = factories.entity(org.shangcheng, factories.person(org.shangcheng, name="卫上城"), name="上城商贸有限公司")
    samr = make_official("samr", org.xihu_samr, roles=("approver",))
    _, token = issue_token(samr, "govstack")
    hrss = Department.objects.create(
        code="330106-RSJ", name="西湖区人社局", division=org.xihu, kind=Department.Kind.HUMAN_RESOURCES
    )
    hr = make_official("hr", hrss, roles=("approver",))
    _, hr_token = issue_token(hr, "govstack")
    return {"rep": rep, "entity": entity, "other": other, "auth": f"Bearer {token}", "hr_auth": f"Bearer {hr_token}"}


def _post(client, path, body, auth, method="post", **headers):
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=auth, **headers
    )


@pytest.mark.django_db
def test_list_read_exists_are_scoped_and_masked(client, setup):
    auth = setup["auth"]
    listing = client.get(f"{BASE}/legal-entities/1.0", HTTP_AUTHORIZATION=auth).json()
    assert [r["name"] for r in listing["results"]] == ["西湖茶叶有限公司"] and listing["count"] == 1
    other = setup["other"].uscc
    answer = _post(client, f"{BASE}/legal-entities/1.0/exists", {"query": {"content": {"uscc": other}}}, auth)
    assert answer.json() == {"answer": {"status": False, "message": "未找到记录"}}
    rep = setup["rep"]
    read = _post(client, f"{BASE}/population/1.0/read", {"query": {"content": {"id_number": rep.id_number}}}, auth)
    assert read.json()["content"]["name"] == "褚**" and read.json()["content"]["id_number"] != rep.id_number
    clear = _post(
        client,
        f"{BASE}/population/1.0/read",
        {"query": {"content": {"id_number": rep.id_number}}},
        auth,
        HTTP_X_PURPOSE="service_handling",
    )
    assert clear.json()["content"]["id_number"] == rep.id_number
    value = client.get(
        f"{BASE}/legal-entities/1.0/{setup['entity'].uscc}/read-value/name.json", HTTP_AUTHORIZATION=auth
    )
    assert value.json() == {"value": "西湖茶叶有限公司"}


@pytest.mark.django_db
def test_writes_follow_the_authoritative_source(client, setup):
    entity = setup["entity"]
    query = {"content": {"uscc": entity.uscc}}
    refused = _post(
        client,
        f"{BASE}/legal-entities/1.0/update",
        {"query": query, "write": {"content": {"headcount": 9}}},
        setup["auth"],
        method="put",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "not_authoritative"
    ok = _post(
        client,
        f"{BASE}/legal-entities/1.0/update",
        {"query": query, "write": {"content": {"headcount": 9}}},
        setup["hr_auth"],
        method="put",
        HTTP_X_REASON="参保人数核定",
    )
    assert ok.status_code == 200 and ok.json()["content"]["headcount"] == "9"
    assert RecordVersion.objects.filter(record_key=entity.uscc, reason="参保人数核定").exists()


@pytest.mark.django_db
def test_delete_deregisters_an_entity_and_refuses_a_person(client, setup):
    entity = setup["entity"]
    response = client.delete(f"{BASE}/legal-entities/1.0/{entity.uscc}/delete", HTTP_AUTHORIZATION=setup["auth"])
    assert response.status_code == 204
    assert LegalEntity.objects.get(pk=entity.pk).status == LegalEntity.Status.CANCELLED
    response = client.delete(f"{BASE}/population/1.0/{setup['rep'].pk}/delete", HTTP_AUTHORIZATION=setup["auth"])
    assert response.status_code == 409


@pytest.mark.django_db
def test_create_by_the_source(client, setup, org):
    from yiwang.core.identifiers import make_uscc

    body = {
        "write": {
            "content": {
                "uscc": make_uscc("9", "1", "330106", "MA2H0009"),
                "name": "西湖新设有限公司",
                "entity_type": "limited",
                "legal_representative": setup["rep"].id_number,
                "registered_capital": "50",
                "industry": "65",
                "division": "330106001",
                "address": "北山街道 9 号",
                "status": "active",
                "founding_date": "2026-11-01",
            }
        }
    }
    denied = _post(client, f"{BASE}/legal-entities/1.0/create", body, setup["hr_auth"])
    assert denied.status_code == 403
    created = _post(client, f"{BASE}/legal-entities/1.0/create", body, setup["auth"])
    assert created.status_code == 200, created.content
    assert LegalEntity.objects.filter(name="西湖新设有限公司").exists()
    unknown = client.get(f"{BASE}/unknown/1.0", HTTP_AUTHORIZATION=setup["auth"])
    assert unknown.status_code == 404
