"""Every registry write path checks role × department × division, the new division of a moved record included.

Issue 16 item 3: a district's market regulator created and moved legal entities into another district through
the GovStack API, an official with no role could write, and the police import created persons in another
district. Each attack below is tried on every write path (service, GovStack, import, credit, discrepancy); the
registries must be exactly as before each one: out-of-scope writes 0.
"""

from __future__ import annotations

import csv
import json
from datetime import date

import pytest

from yiwang.accounts.models import Department, RoleAssignment, User
from yiwang.accounts.roles import ensure_default_roles
from yiwang.accounts.tokens import issue_token
from yiwang.core.errors import DomainError
from yiwang.core.identifiers import make_id_number, make_uscc
from yiwang.registries.credit import record_credit
from yiwang.registries.elements import load_elements
from yiwang.registries.importing import ENTITY_COLUMNS, PERSON_COLUMNS, ImportRejected, import_entities, import_persons
from yiwang.registries.models import CreditRecord, Discrepancy, LegalEntity, Person, RecordVersion
from yiwang.registries.selectors import discrepancies_for
from yiwang.registries.services import create_record, report_discrepancy, resolve_discrepancy, update_record
from yiwang.registries.tests import factories

BASE = "/api/v1/govstack/data"


@pytest.fixture
def city(org, make_official):
    load_elements()
    for dept in (org.xihu_samr, org.shangcheng_samr):
        Department.objects.filter(pk=dept.pk).update(kind=Department.Kind.MARKET_REGULATION)
        dept.refresh_from_db()
    police = Department.objects.create(
        code="330106-GAJ", name="杭州市公安局西湖区分局", division=org.xihu, kind=Department.Kind.PUBLIC_SECURITY
    )
    rep = factories.person(org.xihu_town, name="褚法人")
    far_rep = factories.person(org.shangcheng, name="卫上城")
    no_role = User.objects.create_user(
        username="norole", password="x-Correct-9", kind=User.Kind.OFFICIAL, department=org.xihu_samr
    )
    return {
        "org": org,
        "police": police,
        "rep": rep,
        "far_rep": far_rep,
        "entity": factories.entity(org.xihu_town, rep, name="西湖茶叶有限公司"),
        "far_entity": factories.entity(org.shangcheng, far_rep, name="上城商贸有限公司"),
        "samr": make_official("samr", org.xihu_samr, roles=("approver",)),
        "auditor": make_official("auditor", org.xihu_samr, roles=("auditor",)),
        "no_role": no_role,
        "officer": make_official("officer", police, roles=("acceptor",)),
    }


def _state():
    """Everything a write could change: the registries and their history."""
    return (
        sorted(Person.objects.values_list("pk", "division_id", "name", "address")),
        sorted(LegalEntity.objects.values_list("uscc", "division_id", "name", "status")),
        RecordVersion.objects.count(),
        CreditRecord.objects.count(),
    )


def _entity_values(city, division: str, n: int = 1):
    return {
        "uscc": make_uscc("9", "1", division[:6], f"{90000000 + n:08d}"),
        "name": f"新设{n}有限公司",
        "entity_type": LegalEntity.EntityType.LIMITED_COMPANY,
        "legal_representative": city["rep"].id_number,
        "registered_capital": "100.00",
        "industry": "65",
        "division": division,
        "address": "某路 1 号",
        "status": LegalEntity.Status.ACTIVE,
        "founding_date": "2024-01-02",
    }


def _govstack(client, user, path, body, method="post"):
    _, raw = issue_token(user, "t")
    response = getattr(client, method)(
        f"{BASE}/{path}", data=json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    return response.status_code


def _csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _person_row(division: str, id_number: str | None = None, n: int = 1):
    birth = date(1980, 1, 1 + n)
    return {
        "id_number": id_number or make_id_number("330106", birth, 500 + 2 * n + 1),
        "name": f"导入{n}",
        "gender": "M",
        "birth_date": birth.isoformat(),
        "ethnicity": "汉族",
        "division": division,
        "address": f"某路{n}号",
        "phone": "",
    }


def _attacks(city, client, tmp_path):
    """Each out-of-scope write, by path; each returns a status code or raises a DomainError."""
    org, samr = city["org"], city["samr"]
    entity, far_entity = city["entity"], city["far_entity"]
    samr_dept = org.xihu_samr
    far = org.shangcheng.code
    values = _entity_values(city, far)
    gs_values = {k: v for k, v in values.items()}
    far_person = city["far_rep"]
    return {
        "service create in another district": lambda: create_record(
            LegalEntity, {**values, "legal_representative": city["rep"], "division": org.shangcheng},
            department=samr_dept, actor=samr, reason="设立登记",
        ),
        "service move into another district": lambda: update_record(
            entity, {"division": far}, department=samr_dept, actor=samr, reason="迁址"
        ),
        "service move with the division as a number": lambda: update_record(
            entity, {"division_id": int(far)}, department=samr_dept, actor=samr, reason="迁址"
        ),
        "service write by an official without a role": lambda: update_record(
            entity, {"name": "改名有限公司"}, department=samr_dept, actor=city["no_role"], reason="变更"
        ),
        "service write by an auditor": lambda: update_record(
            entity, {"name": "改名有限公司"}, department=samr_dept, actor=city["auditor"], reason="变更"
        ),
        "govstack create in another district": lambda: _govstack(
            client, samr, "legal-entities/1.0/create", {"write": {"content": gs_values}}
        ),
        "govstack create with the division as a number": lambda: _govstack(
            client, samr, "legal-entities/1.0/create", {"write": {"content": {**gs_values, "division": int(far)}}}
        ),
        "govstack move into another district": lambda: _govstack(
            client, samr, "legal-entities/1.0/update",
            {"query": {"content": {"uscc": entity.uscc}}, "write": {"content": {"division": far}}}, method="put",
        ),
        "govstack create by an official without a role": lambda: _govstack(
            client, city["no_role"], "legal-entities/1.0/create",
            {"write": {"content": _entity_values(city, org.xihu_town.code, 2)}},
        ),
        "govstack update by an auditor": lambda: _govstack(
            client, city["auditor"], "legal-entities/1.0/update",
            {"query": {"content": {"uscc": entity.uscc}}, "write": {"content": {"name": "改名有限公司"}}}, method="put",
        ),
        "import persons into another district": lambda: import_persons(
            _csv(tmp_path / "p.csv", PERSON_COLUMNS, [_person_row(org.xihu_town.code), _person_row(far, n=2)]),
            actor=city["officer"], department=city["police"], reason="户籍批量导入",
        ),
        "import moving a person of another district into ours": lambda: import_persons(
            _csv(tmp_path / "q.csv", PERSON_COLUMNS, [
                {**_person_row(org.xihu_town.code, far_person.id_number), "name": far_person.name,
                 "birth_date": far_person.birth_date.isoformat(), "gender": far_person.gender},
            ]),
            actor=city["officer"], department=city["police"], reason="户籍迁入",
        ),
        "import entities into another district": lambda: import_entities(
            _csv(tmp_path / "e.csv", ENTITY_COLUMNS, [{
                **{c: "" for c in ENTITY_COLUMNS},
                "uscc": far_entity.uscc, "name": "改名有限公司", "entity_type": far_entity.entity_type,
                "legal_representative": far_person.id_number, "registered_capital": "100.00", "industry": "65",
                "division": org.xihu_town.code, "address": "某路", "status": "active", "founding_date": "2020-01-01",
            }]),
            actor=samr, department=samr_dept, reason="迁入",
        ),
        "credit record in another district": lambda: record_credit(
            far_entity, kind=CreditRecord.Kind.BLACK_LIST, title="经营异常", decided_on=date(2026, 1, 5),
            department=samr_dept, actor=samr,
        ),
        "credit record by an official without a role": lambda: record_credit(
            entity, kind=CreditRecord.Kind.BLACK_LIST, title="经营异常", decided_on=date(2026, 1, 5),
            department=samr_dept, actor=city["no_role"],
        ),
    }  # fmt: skip


ATTACKS = [
    "service create in another district",
    "service move into another district",
    "service move with the division as a number",
    "service write by an official without a role",
    "service write by an auditor",
    "govstack create in another district",
    "govstack create with the division as a number",
    "govstack move into another district",
    "govstack create by an official without a role",
    "govstack update by an auditor",
    "import persons into another district",
    "import moving a person of another district into ours",
    "import entities into another district",
    "credit record in another district",
    "credit record by an official without a role",
]


@pytest.mark.django_db
@pytest.mark.parametrize("attack", ATTACKS)
def test_no_write_path_writes_outside_role_and_scope(city, client, tmp_path, attack):
    before = _state()
    try:
        outcome = _attacks(city, client, tmp_path)[attack]()
    except DomainError as exc:
        outcome = exc
    assert isinstance(outcome, DomainError) or outcome in (403, 404, 422), outcome
    assert _state() == before


@pytest.mark.django_db
def test_the_import_names_the_out_of_scope_lines(city, tmp_path):
    org = city["org"]
    rows = [_person_row(org.xihu_town.code), _person_row(org.shangcheng.code, n=2)]
    with pytest.raises(ImportRejected) as caught:
        import_persons(_csv(tmp_path / "p.csv", PERSON_COLUMNS, rows), actor=city["officer"], department=city["police"])
    assert [(e.line, e.field) for e in caught.value.report.errors] == [(3, "division")]
    assert "不在您的管辖范围内" in caught.value.report.errors[0].message


@pytest.mark.django_db
def test_in_scope_writes_still_work_on_every_path(city, client, tmp_path):
    org, samr = city["org"], city["samr"]
    update_record(city["entity"], {"division": org.xihu.code}, department=org.xihu_samr, actor=samr, reason="迁址")
    values = _entity_values(city, org.xihu_town.code, 3)
    assert _govstack(client, samr, "legal-entities/1.0/create", {"write": {"content": values}}) == 200
    report = import_persons(
        _csv(tmp_path / "p.csv", PERSON_COLUMNS, [_person_row(org.xihu_town.code, n=4)]),
        actor=city["officer"],
        department=city["police"],
        reason="户籍批量导入",
    )
    assert report.created == 1


@pytest.mark.django_db
def test_discrepancies_are_resolved_by_role_not_by_the_department_field(city, org):
    """``User.department`` alone grants nothing; a role in a source department over the division does."""
    entity = city["entity"]
    roles = ensure_default_roles()
    moved = User.objects.create_user(username="moved", password="x-Correct-9", kind=User.Kind.OFFICIAL)
    RoleAssignment.objects.create(user=moved, role=roles["approver"], department=org.xihu_samr, division=org.xihu)
    report = report_discrepancy(entity, "address", "北山街道新址 9 号", actor=city["officer"])
    assert list(discrepancies_for(city["no_role"])) == [] and list(discrepancies_for(moved)) == [report]
    with pytest.raises(DomainError):
        resolve_discrepancy(report, accept=True, actor=city["no_role"], resolution="核实无误")
    far_samr = User.objects.create_user(username="far", password="x-Correct-9", kind=User.Kind.OFFICIAL)
    RoleAssignment.objects.create(
        user=far_samr, role=roles["approver"], department=org.shangcheng_samr, division=org.shangcheng
    )
    with pytest.raises(DomainError):
        resolve_discrepancy(report, accept=True, actor=far_samr, resolution="核实无误")
    resolved = resolve_discrepancy(report, accept=True, actor=moved, resolution="核实无误")
    entity.refresh_from_db()
    assert resolved.status == Discrepancy.Status.ACCEPTED and entity.address == "北山街道新址 9 号"
