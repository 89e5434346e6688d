"""Data return with receipts; thematic databases with history, masking and enforced reads; who read my data."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from yiwang.accounts.models import Department, User
from yiwang.core.errors import ValidationFailed
from yiwang.registries.access import read_person
from yiwang.registries.tests import factories as registry_factories
from yiwang.sharing.models import Resource, ThematicRow
from yiwang.sharing.services import reads, returns, thematic
from yiwang.sharing.tests.factories import approved_grant


def test_a_county_receives_its_own_records_with_a_receipt(sharing, org):
    import csv
    import io

    rep = registry_factories.person(org.xihu_town)
    mine = [registry_factories.entity(org.xihu_town, rep, name=f"西湖{n}") for n in range(5)]
    registry_factories.entity(org.shangcheng, rep, name="上城公司")
    county = Department.objects.create(code="330106-SJZYJ", name="西湖区数据资源管理局", division=org.xihu)
    schedule = returns.schedule_return(
        sharing.provider_official, sharing.resources["entity"], division=org.xihu, recipient=county,
        fields=["name", "headcount"],
    )  # fmt: skip
    extract = returns.run_due_returns()[0]
    assert extract.row_count == 5
    content = bytes(extract.content)
    assert returns.verify_receipt(extract, content)
    assert not returns.verify_receipt(extract, content.replace("西湖0".encode(), "西湖9".encode()))
    rows = list(csv.reader(io.StringIO(content.decode())))[1:]
    assert sorted(r[0] for r in rows) == sorted(e.uscc for e in mine)
    assert extract.export.recipient == county.name  # watermarked for the county (tracing needs more rows)
    schedule.refresh_from_db()
    assert schedule.next_run_on > timezone.localdate()
    assert returns.run_due_returns() == []


def test_thematic_registry_has_history_masking_and_grants(sharing, org, make_official):
    keeper = make_official("housing_keeper", org.xihu_samr)
    schema = [
        {"name": "cert_no", "title": "证书编号", "type": "code"},
        {"name": "holder", "title": "持证人", "type": "string", "mask": "name", "source_kind": "public_security"},
        {"name": "area", "title": "面积", "type": "decimal"},
    ]
    registry = thematic.define_registry(
        keeper, department=org.xihu_samr, code="food-licence", name="食品经营许可主题库", grade="general",
        schema=schema,
    )  # fmt: skip
    thematic.put_row(
        keeper, registry, division=org.xihu_town, data={"cert_no": "JY001", "holder": "张三", "area": "80"}
    )
    row = thematic.put_row(
        keeper, registry, division=org.xihu_town, data={"cert_no": "JY001", "holder": "张三", "area": "95.5"}
    )
    assert row.version == 2 and list(row.versions.values_list("changed", flat=True)) == [
        ["cert_no", "holder", "area"], ["area"]
    ]  # fmt: skip
    assert thematic.masked(registry, row)["holder"] == "张*"
    with pytest.raises(ValidationFailed) as bad:
        thematic.import_rows(
            keeper, registry, division=org.xihu_town, text="cert_no,holder,area\nJY002,李四,80\nJY003,王五,很大\n"
        )
    assert bad.value.field == "area" and "第 3 行" in str(bad.value.message)
    assert ThematicRow.objects.count() == 1
    resource = Resource.objects.get(registry="thematic:food-licence")
    grant, _ = approved_grant(resource, sharing.consumer_official, keeper, fields=["cert_no", "area"])
    assert reads.read_record(grant, "JY001") == {"cert_no": "JY001", "area": "95.5"}


def test_a_citizen_sees_the_officials_read_of_their_record_with_its_purpose(
    sharing, org, make_official, client: Client
):
    person = registry_factories.person(org.xihu_town, name="陈市民")
    citizen = User.objects.create_user(
        username="chen", password="Correct-Horse-9", kind=User.Kind.PERSON, id_number=person.id_number
    )
    official = make_official("police_clerk", org.xihu_samr)  # the approver role may unmask, in 西湖区
    grant, _ = approved_grant(
        sharing.resources["person"], sharing.consumer_official, sharing.provider_official, fields=["name"],
        purpose="核验法定代表人身份",
    )  # fmt: skip
    reads.read_record(grant, person.id_number)
    read_person(official, person, purpose="service_handling：办理户籍迁移核对")
    client.force_login(citizen)
    page = client.get("/sharing/who-read/").content.decode()
    assert "核验法定代表人身份" in page and sharing.consumer_official.department.name in page
    assert f"#{grant.pk}" in page and "办理户籍迁移核对" in page and "police_clerk" in page
