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


@pytest.mark.django_db
def test_the_published_camel_case_paths_and_the_older_kebab_case_ones_both_answer(client, setup):
    entity, auth = setup["entity"], setup["auth"]
    for spelling in ("readValue", "read-value"):
        value = client.get(f"{BASE}/legal-entities/1.0/{entity.uscc}/{spelling}/name.json", HTTP_AUTHORIZATION=auth)
        assert value.json() == {"value": "西湖茶叶有限公司"}, spelling
    body = {"query": {"content": {"uscc": entity.uscc}}, "write": {"content": {"headcount": 12}}}
    for spelling in ("updateEntries", "update-entries"):
        response = _post(
            client, f"{BASE}/legal-entities/1.0/{spelling}", body, setup["hr_auth"], method="put",
            HTTP_X_REASON="参保人数核定",
        )  # fmt: skip
        assert response.status_code == 200 and response.json() == {"count": 1}, spelling
    for spelling in ("updateOrCreate", "update-or-create"):
        response = _post(client, f"{BASE}/legal-entities/1.0/{spelling}", body, setup["hr_auth"])
        assert response.status_code == 200 and response.json()["content"]["headcount"] == "12", spelling


@pytest.mark.django_db
def test_list_links_keep_the_query_and_accept_page_size_in_both_spellings(client, setup, org):
    for n in range(3):
        factories.entity(org.xihu_town, setup["rep"], name=f"西湖分号{n}有限公司")
    url = f"{BASE}/legal-entities/1.0?search=西湖&query.status=active&pageSize=2"
    first = client.get(url, HTTP_AUTHORIZATION=setup["auth"]).json()
    assert first["count"] == 4 and len(first["results"]) == 2 and first["previous"] is None
    assert "search=" in first["next"] and "query.status=active" in first["next"] and "page=2" in first["next"]
    second = client.get(first["next"], HTTP_AUTHORIZATION=setup["auth"]).json()
    assert len(second["results"]) == 2 and second["next"] is None and "query.status=active" in second["previous"]
    older = client.get(f"{BASE}/legal-entities/1.0?page_size=3", HTTP_AUTHORIZATION=setup["auth"]).json()
    assert len(older["results"]) == 3


@pytest.mark.django_db
def test_errors_are_json_as_the_specification_shapes_them(client, setup):
    unknown = client.get(f"{BASE}/unknown/1.0", HTTP_AUTHORIZATION=setup["auth"])
    assert unknown.status_code == 404 and unknown.json()["detail"] == "未知的登记簿或版本：unknown/1.0"
    nowhere = client.get("/api/v1/govstack/no/such/path")
    assert nowhere.status_code == 404 and nowhere["Content-Type"] == "application/json" and "detail" in nowhere.json()
    anonymous = client.post(
        f"{BASE}/legal-entities/1.0/read", data=json.dumps({"query": {"content": {}}}), content_type="application/json"
    )
    assert anonymous.status_code == 401 and anonymous.json() == {"detail": "Unauthorized"}


@pytest.mark.django_db
def test_a_request_through_the_information_mediator_is_authorised_as_its_member(client, setup, settings):
    from yiwang.accounts.models import User

    samr = User.objects.get(username="samr")
    settings.YIWANG_INFORMATION_MEDIATOR = {
        "addresses": ["10.8.0.2"], "members": {"ZJ/GOV/330106-SCJGJ": samr.username},
    }  # fmt: skip
    header = {"HTTP_INFORMATION_MEDIATOR_CLIENT": "ZJ/GOV/330106-SCJGJ/licensing"}
    relayed = client.get(f"{BASE}/legal-entities/1.0", REMOTE_ADDR="10.8.0.2", **header)
    assert relayed.status_code == 200 and [r["name"] for r in relayed.json()["results"]] == ["西湖茶叶有限公司"]
    direct = client.get(f"{BASE}/legal-entities/1.0", REMOTE_ADDR="10.9.9.9", **header)
    assert direct.status_code == 401  # the header counts only from the mediator's own address
    stranger = client.get(
        f"{BASE}/legal-entities/1.0", REMOTE_ADDR="10.8.0.2", HTTP_INFORMATION_MEDIATOR_CLIENT="ZJ/GOV/999/x"
    )
    assert stranger.status_code == 401


@pytest.mark.django_db
def test_my_personal_data_usage_shows_the_reads_of_my_own_record_only(client, setup, make_official):
    from yiwang.accounts.models import User
    from yiwang.registries.access import read_person

    rep = setup["rep"]
    official = User.objects.get(username="samr")
    read_person(official, rep, purpose="service_handling：核对法定代表人身份")
    citizen = User.objects.create_user(
        username="chu", password="Correct-Horse-9", kind=User.Kind.PERSON, id_number=rep.id_number
    )
    _, token = issue_token(citizen, "dpu")
    auth = f"Bearer {token}"
    for url in (
        f"{BASE}/mypersonalDataUsage?userId={rep.id_number}&databaseId=population",
        f"{BASE}/MyPersonalDataUsage/1.0?userID={rep.id_number}&DatabaseID=population",
    ):
        usage = client.get(url, HTTP_AUTHORIZATION=auth)
        assert usage.status_code == 200, usage.content
        (entry,) = usage.json()
        assert "核对法定代表人身份" in entry["purpose"] and entry["readerId"] == "samr"
        assert entry["readerInstitutionId"] == "330106-SCJGJ"
    other = client.get(
        f"{BASE}/mypersonalDataUsage?userId=110101199003077777&databaseId=population", HTTP_AUTHORIZATION=auth
    )
    assert other.status_code == 403 and other.json()["field"] == "userId"


@pytest.mark.django_db
def test_the_database_api_lists_and_reads_the_base_registries_schemas_and_refuses_to_change_them(client, setup):
    auth = setup["auth"]
    listing = client.get("/api/v1/govstack/databases", HTTP_AUTHORIZATION=auth).json()
    codes = {d["code"]: d for d in listing["databases"]}
    assert {"population", "legal-entities"} <= set(codes)
    schema = client.get(f"/api/v1/govstack/database/{codes['legal-entities']['id']}", HTTP_AUTHORIZATION=auth).json()
    assert schema["schema"]["properties"]["ID"]["primaryKey"] is True and "uscc" in schema["schema"]["properties"]
    refused = client.delete(f"/api/v1/govstack/database/{codes['population']['id']}", HTTP_AUTHORIZATION=auth)
    assert refused.status_code == 409 and "detail" in refused.json()
    modify = _post(client, "/api/v1/govstack/database/modify", {"code": "population", "schema": {}}, auth)
    assert modify.status_code == 409
    assert client.get("/api/v1/govstack/database/999999", HTTP_AUTHORIZATION=auth).status_code == 404


@pytest.mark.django_db
def test_create_entries_writes_all_or_nothing(client, setup):
    from yiwang.core.identifiers import make_uscc

    def firm(code: str, name: str, industry: str = "65") -> dict:
        return {
            "content": {
                "uscc": make_uscc("9", "1", "330106", code), "name": name, "entity_type": "limited",
                "legal_representative": setup["rep"].id_number, "registered_capital": "50", "industry": industry,
                "division": "330106001", "address": "北山街道 9 号", "status": "active", "founding_date": "2026-11-01",
            }
        }  # fmt: skip

    url = f"{BASE}/legal-entities/1.0/createEntries"
    bad = _post(
        client, url, {"write": [firm("MA2H0011", "批量甲有限公司"), firm("MA2H0012", "", "nope")]}, setup["auth"]
    )
    assert bad.status_code in (404, 422) and "detail" in bad.json()
    assert not LegalEntity.objects.filter(name="批量甲有限公司").exists()
    ok = _post(
        client, url, {"write": [firm("MA2H0011", "批量甲有限公司"), firm("MA2H0012", "批量乙有限公司")]}, setup["auth"]
    )
    assert ok.status_code == 201 and len(ok.json()["receive"]) == 2
    assert _post(client, f"{BASE}/nowhere/1.0/createEntries", {"write": []}, setup["auth"]).status_code == 404
