"""The open-data portal: a CKAN client lists the open datasets; downloads in every format; DCAT; DP statistics
spend a public privacy budget and are refused past it."""

from __future__ import annotations

import csv
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
    csv_rows = client.get(f"{base}.csv").content.decode("utf-8-sig").splitlines()
    assert csv_rows[0] == "行业,企业数" and [r.split(",")[0] for r in csv_rows[1:]] == ["软件", "餐饮"]
    assert [int(r.split(",")[1]) for r in csv_rows[1:]] == [12, 30]  # a mark is a rendering, never another value
    assert {k: int(v) for k, v in json.loads(client.get(f"{base}.json").content)[1].items() if k == "企业数"} == {
        "企业数": 30
    }
    table = pq.read_table(io.BytesIO(client.get(f"{base}.parquet").content))
    assert [int(v) for v in table.column("企业数").to_pylist()] == [12, 30]
    sheet = load_workbook(io.BytesIO(client.get(f"{base}.xlsx").content)).active
    assert sheet[2][0].value == "软件" and int(sheet[2][1].value) == 12
    assert client.get("/open/xihu-licences/download.csv").status_code == 403
    assert client.get("/open/xihu-internal/download.csv").status_code == 404


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json", "parquet"])
def test_every_download_names_its_requester_when_the_file_leaks(org, client: Client, tmp_path, fmt):
    """Each download is an export of its own: a passed-on file, rows reordered and some deleted, names who
    downloaded it, the signed-in account or the anonymous visitor's address."""
    import random

    from yiwang.sharing.models import Export
    from yiwang.sharing.services import watermark

    rows = [[f"91330106MA{i:08d}", f"西湖测试{i}有限公司", f"{i % 40}", "2019-03-01"] for i in range(300)]
    opendata.publish_dataset(
        None, name="xihu-register", title="西湖区企业名录", publisher=org.xihu_samr,
        open_type=OpenType.UNCONDITIONAL, columns=["统一社会信用代码", "企业名称", "从业人数", "成立日期"], rows=rows,
    )  # fmt: skip
    for _ in range(3):  # other requesters' downloads of the same dataset
        client.get(f"/open/xihu-register/download.{fmt}", REMOTE_ADDR="10.0.0.9")
    from yiwang.accounts.models import User

    reader = User.objects.create_user("reader", password="Correct-Horse-9", kind=User.Kind.PERSON, full_name="读者")
    client.force_login(reader)
    response = client.get(f"/open/xihu-register/download.{fmt}")
    export = Export.objects.get(pk=int(response["X-Export"]))
    assert export.dataset.name == "xihu-register" and "reader" in export.recipient and export.created_by == reader
    path = tmp_path / f"leak.{fmt}"
    path.write_bytes(response.content)
    body = watermark.read_table(path)
    random.Random(7).shuffle(body)
    leaked = tmp_path / "leak.csv"
    with leaked.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([["h"] * 4, *body[:150]])
    result = watermark.trace_file(leaked)
    assert result.found and result.export == export
    anonymous = Export.objects.filter(dataset__name="xihu-register").exclude(pk=export.pk).first()
    assert anonymous is not None and anonymous.recipient == "匿名访问者 10.0.0.9"


def test_a_small_table_is_traced_among_the_consistent_downloads(datasets, client: Client, tmp_path):
    """Two rows carry two of the 32 bits: the trace lists the downloads they agree with instead of guessing."""
    from yiwang.sharing.services import watermark

    for n in range(4):
        client.get("/open/xihu-enterprises/download.csv", REMOTE_ADDR=f"10.0.0.{n}")
    response = client.get("/open/xihu-enterprises/download.csv", REMOTE_ADDR="10.0.0.99")
    path = tmp_path / "small.csv"
    path.write_bytes(response.content)
    result = watermark.trace_file(path)
    assert result.bits_seen <= 2 and result.agreement == 1.0
    traced = [result.export] if result.export else list(result.candidates)
    assert int(response["X-Export"]) in [e.pk for e in traced]
    assert all(e.dataset.name == "xihu-enterprises" and e.format == "csv" for e in traced)
    from django.core.management import call_command

    call_command("watermark", "trace", str(path))  # names the consistent downloads, or the one


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
