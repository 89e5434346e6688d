"""Thematic databases through the GovStack adapter: a department defines one by the Database API, fills and reads
it by the Data API (masked, versioned), and nobody else reads it there."""

from __future__ import annotations

import json

from yiwang.accounts.tokens import issue_token
from yiwang.sharing.models import Resource, ThematicRegistry, ThematicRow

BASE = "/api/v1/govstack"
SCHEMA = {
    "type": "object",
    "properties": {
        "holder": {"type": "string", "description": "持证人", "x-mask": "name"},
        "cert_no": {"type": "string", "description": "证书编号", "primaryKey": True},
        "area": {"type": "number", "description": "面积"},
    },
}


def _call(client, method, path, body, token):
    return getattr(client, method)(
        path, data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


def test_a_department_defines_fills_and_reads_a_thematic_database_through_govstack(sharing, org, client):
    _, token = issue_token(sharing.consumer_official, "govstack")
    made = _call(
        client, "post", f"{BASE}/database/modify", {"code": "food", "name": "食品许可主题库", "schema": SCHEMA}, token
    )
    assert made.status_code == 200, made.content
    registry = ThematicRegistry.objects.get(code="food")
    assert [f["name"] for f in registry.schema] == ["cert_no", "holder", "area"]
    assert Resource.objects.filter(registry="thematic:food").exists()  # catalogued at once
    write = {"write": {"content": {"ID": "JY001", "holder": "张三", "area": "80", "division": org.xihu_town.code}}}
    created = _call(client, "post", f"{BASE}/data/food/1.0/create", write, token)
    assert created.status_code == 200 and created.json()["content"]["holder"] == "张*"
    duplicate = _call(client, "post", f"{BASE}/data/food/1.0/create", write, token)
    assert duplicate.status_code == 409 and "detail" in duplicate.json()
    body = {"query": {"content": {"ID": "JY001"}}, "write": {"content": {"area": "95.5"}}}
    assert _call(client, "put", f"{BASE}/data/food/1.0/update", body, token).json()["content"]["area"] == "95.5"
    row = ThematicRow.objects.get()
    assert row.version == 2 and row.data["holder"] == "张三" and row.versions.last().channel == "govstack"
    listing = client.get(f"{BASE}/data/food/1.0?search=JY", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert listing["count"] == 1 and listing["results"][0]["ID"] == "JY001"
    value = client.get(f"{BASE}/data/food/1.0/JY001/readValue/area.json", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert value.json() == {"value": "95.5"}
    databases = client.get(f"{BASE}/databases", HTTP_AUTHORIZATION=f"Bearer {token}").json()["databases"]
    food = next(d for d in databases if d["code"] == "food")
    assert food["schema"]["properties"]["cert_no"]["primaryKey"] is True
    extended = dict(SCHEMA, properties={**SCHEMA["properties"], "expires": {"type": "string", "format": "date"}})
    _call(client, "post", f"{BASE}/database/modify", {"code": "food", "schema": extended}, token)
    registry.refresh_from_db()
    assert registry.schema[-1] == {"name": "expires", "title": "expires", "type": "date"}
    refused = client.delete(f"{BASE}/database/{food['id']}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert refused.status_code == 409  # it holds records


def test_another_department_neither_reads_nor_deletes_a_thematic_database_there(sharing, client):
    _, keeper = issue_token(sharing.consumer_official, "govstack")
    _, stranger = issue_token(sharing.other_official, "govstack")
    _call(
        client, "post", f"{BASE}/database/modify", {"code": "food", "name": "食品许可主题库", "schema": SCHEMA}, keeper
    )
    read = _call(client, "post", f"{BASE}/data/food/1.0/read", {"query": {"content": {"ID": "JY001"}}}, stranger)
    assert read.status_code == 403 and read.json()["field"] == "registryName"
    database_id = 1000 + ThematicRegistry.objects.get().pk
    assert client.delete(f"{BASE}/database/{database_id}", HTTP_AUTHORIZATION=f"Bearer {stranger}").status_code == 404
    deleted = client.delete(f"{BASE}/database/{database_id}", HTTP_AUTHORIZATION=f"Bearer {keeper}")
    assert deleted.status_code == 200 and not ThematicRegistry.objects.exists()
    assert not Resource.objects.filter(registry="thematic:food").exists()
