"""Officials' pages and API of thematic databases, data return, 授权运营 and conditionally open datasets: every
POST through a form, bad input named with nothing changed, and each review from application to agreement."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yiwang.accounts.models import Department, User
from yiwang.accounts.tokens import issue_token
from yiwang.registries.tests import factories as registry_factories
from yiwang.sharing.models import (
    DatasetApplication,
    OpenType,
    OperationAgreement,
    ReturnExtract,
    ReturnSchedule,
    ThematicRegistry,
    ThematicRow,
)
from yiwang.sharing.services import opendata

SCHEMA = "cert_no,证书编号,code\nholder,持证人,string,public_security,general,name\narea,面积,decimal"


def test_a_department_defines_fills_imports_and_reads_the_history_of_a_thematic_database(sharing, org, client):
    keeper = sharing.consumer_official
    client.force_login(keeper)
    assert client.get("/workbench/sharing/thematic/").status_code == 200
    bad = client.post(
        "/workbench/sharing/thematic/", {"code": "food", "name": "食品许可", "grade": "general", "schema": "x,名称"}
    )
    assert "第 1 行须有 3 至 6 项" in bad.content.decode() and not ThematicRegistry.objects.exists()
    wrong_type = client.post(
        "/workbench/sharing/thematic/",
        {"code": "food", "name": "食品许可", "grade": "general", "schema": "cert_no,证书编号,text"},
    )
    assert "字段 cert_no 的类型无效" in wrong_type.content.decode() and not ThematicRegistry.objects.exists()
    made = client.post(
        "/workbench/sharing/thematic/", {"code": "food", "name": "食品许可主题库", "grade": "general", "schema": SCHEMA}
    )
    assert made["Location"] == "/workbench/sharing/thematic/food/"
    url = made["Location"]
    row = {"form": "row", "division": org.xihu_town.code, "f_cert_no": "JY001", "f_holder": "张三", "f_area": "80"}
    bad_row = client.post(url, {**row, "f_area": "很大"})
    assert "字段 area 的值“很大”不是有效的decimal" in bad_row.content.decode() and not ThematicRow.objects.exists()
    client.post(url, row)
    client.post(url, {**row, "f_area": "95.5"})
    csv_file = SimpleUploadedFile("rows.csv", "cert_no,holder,area\nJY002,李四,60\nJY003,王五,很大\n".encode())
    refused = client.post(url, {"form": "import", "import-division": org.xihu_town.code, "import-file": csv_file})
    assert "第 3 行" in refused.content.decode() and ThematicRow.objects.count() == 1
    good_file = SimpleUploadedFile("rows.csv", "cert_no,holder,area\nJY002,李四,60\n".encode())
    client.post(url, {"form": "import", "import-division": org.xihu_town.code, "import-file": good_file})
    page = client.get(url).content.decode()
    assert "张*" in page and "张三" not in page and "JY002" in page
    history = client.get(f"{url}rows/JY001/").content.decode()
    assert "95.5" in history and "80" in history and "张三" not in history
    client.force_login(sharing.other_official)
    assert client.get(url).status_code == 404


def test_a_thematic_database_over_the_api(sharing, org, client):
    from yiwang.sharing.services import thematic

    keeper = sharing.consumer_official
    thematic.define_registry(
        keeper, department=keeper.department, code="food", name="食品许可主题库", grade="general",
        schema=[{"name": "cert_no", "type": "code"}, {"name": "holder", "type": "string", "mask": "name"}],
    )  # fmt: skip
    _, token = issue_token(keeper, "thematic")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"division": org.xihu_town.code, "data": {"cert_no": "JY9", "holder": "赵六"}}
    put = client.put("/api/v1/sharing/thematic/food/rows", json.dumps(body), content_type="application/json", **auth)
    assert put.status_code == 200 and put.json()["values"] == {"cert_no": "JY9", "holder": "赵*"}
    assert ThematicRow.objects.get().versions.get().channel == "api"
    listed = client.get("/api/v1/sharing/thematic/food/rows", **auth).json()
    assert [r["record_key"] for r in listed] == ["JY9"]
    assert [r["code"] for r in client.get("/api/v1/sharing/thematic", **auth).json()] == ["food"]


def test_a_county_is_scheduled_a_return_receives_it_and_checks_its_receipt(sharing, org, client):
    rep = registry_factories.person(org.xihu_town)
    for n in range(3):
        registry_factories.entity(org.xihu_town, rep, name=f"西湖{n}")
    county = Department.objects.create(code="330106-SJZYJ", name="西湖区数据资源管理局", division=org.xihu)
    client.force_login(sharing.provider_official)
    form = {
        "resource": sharing.resources["entity"].pk, "division": org.xihu.code, "recipient": county.pk,
        "items": "name, headcount", "every_days": 7,
    }  # fmt: skip
    far = client.post("/workbench/sharing/returns/", {**form, "recipient": org.shangcheng_samr.pk})
    assert "回流只能交付给本区划的部门" in far.content.decode() and not ReturnSchedule.objects.exists()
    made = client.post("/workbench/sharing/returns/", form)
    schedule = ReturnSchedule.objects.get()
    assert made["Location"] == f"/workbench/sharing/returns/{schedule.pk}/"
    client.post(made["Location"], {"form": "run"})
    extract = ReturnExtract.objects.get()
    assert extract.row_count == 3
    download = client.get(f"/workbench/sharing/returns/{schedule.pk}/extracts/{extract.pk}.csv")
    assert download["X-SM3"] == extract.sm3_digest
    same = SimpleUploadedFile("r.csv", download.content)
    ok = client.post(made["Location"], {"form": "check", "extract": extract.pk, "file": same}).content.decode()
    assert "行数与 SM3 摘要相符" in ok
    changed = SimpleUploadedFile("r.csv", download.content.replace("西湖0".encode(), "西湖9".encode()))
    assert (
        "不一致"
        in client.post(made["Location"], {"form": "check", "extract": extract.pk, "file": changed}).content.decode()
    )
    client.force_login(sharing.other_official)
    assert client.get(made["Location"]).status_code == 404


@pytest.fixture
def operator(sharing, org):
    rep = registry_factories.person(org.xihu_town)
    firm = registry_factories.entity(org.xihu_town, rep, name="杭州普惠征信有限公司")
    agent = User.objects.create_user(
        username="op", password="Correct-Horse-9", kind=User.Kind.AGENT, enterprise_uscc=firm.uscc
    )
    return agent, firm


def test_an_operator_applies_and_the_provider_reviews_and_signs(sharing, operator, client):
    agent, firm = operator
    client.force_login(agent)
    assert client.get("/sharing/operations/").status_code == 200
    form = {"resource": sharing.resources["entity"].pk, "operator_name": firm.name, "product": "小微企业信用贷核验",
            "output": "verification"}  # fmt: skip
    client.post("/sharing/operations/", form)
    client.post("/sharing/operations/", form)  # a repeated submission returns the first
    agreement = OperationAgreement.objects.get()
    assert agreement.operator_uscc == firm.uscc
    client.force_login(sharing.provider_official)
    url = f"/workbench/sharing/operations/{agreement.pk}/"
    assert firm.name in client.get("/workbench/sharing/operations/").content.decode()
    no_number = client.post(url, {"form": "decide", "decision": "approve", "agreement_no": "", "fee_yuan": "5000"})
    assert "请填写授权运营协议编号" in no_number.content.decode()
    client.post(url, {"form": "decide", "decision": "approve", "agreement_no": "SQYY-2026-001", "fee_yuan": "5000"})
    agreement.refresh_from_db()
    assert agreement.status == OperationAgreement.Status.ACTIVE and agreement.fee_yuan == Decimal("5000.00")
    client.post(url, {"form": "end", "reason": "运营期届满"})
    agreement.refresh_from_db()
    assert agreement.status == OperationAgreement.Status.ENDED
    client.force_login(sharing.other_official)
    assert client.get(url).status_code == 404


def test_an_operation_is_refused_over_the_api_with_its_reasons(sharing, operator, client):
    agent, firm = operator
    _, agent_token = issue_token(agent, "op")
    applied = client.post(
        "/api/v1/sharing/operations",
        json.dumps({"resource": "BASE-ENTITY", "operator_name": firm.name, "product": "画像", "output": "model"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {agent_token}",
    )  # fmt: skip
    assert applied.status_code == 201, applied.content
    _, token = issue_token(sharing.provider_official, "review")
    url = f"/api/v1/sharing/operations/{applied.json()['id']}/decision"
    short = client.post(url, json.dumps({"approve": False, "reason": "否"}), content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert short.status_code == 422 and short.json()["field"] == "reason"
    refused = client.post(url, json.dumps({"approve": False, "reason": "产品用途超出共享条件"}),
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")  # fmt: skip
    assert refused.json()["status"] == "refused"


def test_a_conditional_dataset_is_applied_for_reviewed_and_then_downloaded(sharing, org, client: Client):
    dataset = opendata.publish_dataset(
        None, name="xihu-licences", title="西湖区许可明细", publisher=sharing.provider, open_type=OpenType.CONDITIONAL,
        columns=["许可证号", "企业数"], rows=[["JY001", 3]],
    )  # fmt: skip
    citizen = User.objects.create_user(username="reader", password="Correct-Horse-9", kind=User.Kind.PERSON)
    client.force_login(citizen)
    client.post("/open/xihu-licences/apply/", {"purpose": "研究餐饮业分布"})
    client.post("/open/xihu-licences/apply/", {"purpose": "研究餐饮业分布"})
    application = DatasetApplication.objects.get()
    assert client.get("/open/xihu-licences/download.csv").status_code == 403
    client.force_login(sharing.provider_official)
    assert "研究餐饮业分布" in client.get("/workbench/sharing/applications/").content.decode()
    url = f"/workbench/sharing/applications/{application.pk}/"
    missing = client.post(url, {"decision": "approve", "agreement_no": ""})
    assert "通过申请须填写开放利用协议编号" in missing.content.decode()
    client.post(url, {"decision": "approve", "agreement_no": "KF-2026-07"})
    application.refresh_from_db()
    assert application.status == DatasetApplication.Status.APPROVED
    client.force_login(citizen)
    assert client.get("/open/xihu-licences/download.csv").status_code == 200
    client.force_login(sharing.other_official)
    assert client.get(url).status_code == 404
    assert dataset.pk


def test_the_operator_verifies_a_claim_over_the_api_and_sees_no_value(sharing, operator, org, client):
    from yiwang.sharing.services import operations

    agent, firm = operator
    checked = registry_factories.entity(org.xihu_town, registry_factories.person(org.xihu_town), name="被核验企业")
    agreement = operations.apply_operation(
        agent, sharing.resources["entity"], operator_name=firm.name, operator_uscc=firm.uscc, product="信用贷核验",
        output="verification",
    )  # fmt: skip
    _, token = issue_token(agent, "verify")
    url = f"/api/v1/sharing/operations/{agreement.pk}/verify"
    body = {"record_key": checked.uscc, "field": "name", "claimed": "被核验企业", "purpose": "贷款审核核验"}

    def ask(payload: dict, auth: str = token):
        return client.post(
            url, json.dumps(payload), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {auth}"
        )

    assert ask(body).status_code == 403  # the agreement is not yet in force
    operations.approve_operation(sharing.provider_official, agreement, agreement_no="SQYY-9", fee_yuan=Decimal("0"))
    assert ask(body).json() == {"answer": True}
    assert ask({**body, "claimed": "别的名字"}).json() == {"answer": False}
    _, official_token = issue_token(sharing.provider_official, "x")
    assert ask(body, official_token).status_code == 404  # only the operator's own agents ask
    agreement.refresh_from_db()
    assert agreement.calls == 2
