"""The open-data portal: a CKAN client lists the open datasets; downloads in every format; DCAT; DP statistics
spend a public privacy budget and are refused past it."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.test import Client

from yiwang.core.errors import Conflict
from yiwang.registries.tests import factories as registry_factories
from yiwang.sharing.models import OpenType, PrivacyQuery
from yiwang.sharing.services import opendata


@pytest.fixture
def datasets(org):
    publisher = org.xihu_samr
    common = {"publisher": publisher, "columns": ["行业", "企业数"], "rows": [["软件", 12], ["餐饮", 30]]}
    return {
        "open": opendata.publish_dataset(
            None, name="xihu-enterprises", title="西湖区企业分布", open_type=OpenType.UNCONDITIONAL,
            statistics={"source": "entity"}, epsilon_budget=Decimal("0.5"), tags=["企业"], **common,
        ),
        "conditional": opendata.publish_dataset(
            None, name="xihu-licences", title="西湖区许可明细", open_type=OpenType.CONDITIONAL, **common
        ),
        "closed": opendata.publish_dataset(
            None, name="xihu-internal", title="内部数据", open_type=OpenType.NOT_OPEN, **common
        ),
    }  # fmt: skip


def test_a_ckan_client_lists_and_shows_the_open_datasets(datasets, live_server):
    from ckanapi import NotFound, RemoteCKAN

    ckan = RemoteCKAN(live_server.url)
    assert ckan.action.package_list() == ["xihu-enterprises", "xihu-licences"]
    found = ckan.action.package_search(q="企业")
    assert found["count"] == 1 and found["results"][0]["name"] == "xihu-enterprises"
    package = ckan.action.package_show(id="xihu-enterprises")
    assert package["title"] == "西湖区企业分布" and package["organization"]["title"] == "西湖区市场监督管理局"
    assert {r["format"] for r in package["resources"]} == {"CSV", "XLSX", "JSON", "PARQUET"}
    resource = ckan.action.resource_show(id=package["resources"][0]["id"])
    assert resource["url"].endswith("/open/xihu-enterprises/download.csv")
    with pytest.raises(NotFound):
        ckan.action.package_show(id="xihu-internal")


def test_get_envelope_is_ckans(datasets, client: Client):
    body = client.get("/api/3/action/package_show?id=xihu-licences").json()
    assert body["success"] is True and body["result"]["extras"] == [{"key": "open_type", "value": "conditional"}]
    assert client.get("/api/3/action/no_such_action").json()["success"] is False


def test_downloads_in_every_format(datasets, client: Client):
    import pyarrow.parquet as pq
    from openpyxl import load_workbook

    base = "/open/xihu-enterprises/download"
    assert client.get(f"{base}.csv").content.decode("utf-8-sig").splitlines()[1] == "软件,12"
    assert json.loads(client.get(f"{base}.json").content)[1] == {"行业": "餐饮", "企业数": 30}
    table = pq.read_table(io.BytesIO(client.get(f"{base}.parquet").content))
    assert table.column("企业数").to_pylist() == [12, 30]
    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content)).active
    assert [c.value for c in sheet[2]] == ["软件", 12]
    assert client.get("/open/xihu-licences/download.csv").status_code == 403
    assert client.get("/open/xihu-internal/download.csv").status_code == 404


def test_dcat_jsonld(datasets, client: Client):
    doc = client.get("/open/xihu-enterprises/dcat.jsonld").json()
    assert doc["@type"] == "dcat:Dataset" and doc["dct:title"]["@value"] == "西湖区企业分布"
    assert len(doc["dcat:distribution"]) == 4


def test_dp_statistics_spend_the_budget_and_refuse_past_it(datasets, org):
    rep = registry_factories.person(org.xihu_town)
    for n in range(40):
        registry_factories.entity(org.xihu_town, rep, name=f"公司{n}")
    dataset = datasets["open"]
    answers = [
        opendata.noisy_statistic(dataset, filters={"division": "330106"}, measure="count", epsilon=Decimal("0.2"))
        for _ in range(2)
    ]
    assert all(abs(a.value - 40) < 60 for a in answers)  # Laplace scale 5: far tails are astronomically rare
    assert answers[-1].spent == Decimal("0.4")
    with pytest.raises(Conflict) as refused:
        opendata.noisy_statistic(dataset, filters={}, measure="count", epsilon=Decimal("0.2"))
    assert refused.value.code == "budget_exhausted"
    assert PrivacyQuery.objects.filter(dataset=dataset).count() == 2
