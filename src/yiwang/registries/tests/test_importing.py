"""Bulk import: all-or-nothing with a report of every bad row, idempotent, versioned; export is masked."""

from __future__ import annotations

import csv
from datetime import date

import pytest
from openpyxl import Workbook

from yiwang.core.errors import PermissionDenied
from yiwang.core.identifiers import make_id_number, make_uscc
from yiwang.core.models import AuditEntry
from yiwang.registries.elements import load_elements
from yiwang.registries.importing import (
    ENTITY_COLUMNS,
    PERSON_COLUMNS,
    ImportRejected,
    export_persons_csv,
    import_entities,
    import_persons,
)
from yiwang.registries.models import Industry, LegalEntity, Person, RecordVersion


def _person_row(n: int, division: str = "330106001", **overrides: str) -> dict[str, str]:
    birth = date(1970 + n % 40, 1 + n % 12, 1 + n % 28)
    row = {
        "id_number": make_id_number("330106", birth, 100 + 2 * n + 1),
        "name": f"测试{n}",
        "gender": "M",
        "birth_date": birth.isoformat(),
        "ethnicity": "汉族",
        "division": division,
        "address": f"浙江省杭州市西湖区北山街道{n}号",
        "phone": f"1390000{n:04d}",
    }
    row.update(overrides)
    return row


def _write_csv(path, columns, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def steward(org, admin_user):
    load_elements()
    return admin_user


@pytest.mark.django_db
def test_bad_rows_import_nothing_and_every_one_is_listed(tmp_path, steward):
    rows = [_person_row(i) for i in range(5)]
    rows[1]["id_number"] = rows[1]["id_number"][:17] + ("0" if rows[1]["id_number"][17] != "0" else "1")
    rows[3].update(birth_date="1999-02-30", division="999999999")
    rows[4] = dict(rows[0])
    path = _write_csv(tmp_path / "persons.csv", PERSON_COLUMNS, rows)
    with pytest.raises(ImportRejected) as exc:
        import_persons(path, actor=steward)
    errors = [(e.line, e.field) for e in exc.value.report.errors]
    assert (3, "id_number") in errors  # line 3 = second data row
    assert (5, "birth_date") in errors and (5, "division") in errors
    assert (6, "id_number") in errors  # duplicate of line 2
    assert all(e.message for e in exc.value.report.errors)
    assert Person.objects.count() == 0
    assert not AuditEntry.objects.filter(action="registry.person.import").exists()


@pytest.mark.django_db
def test_import_is_idempotent_and_changes_are_versioned(tmp_path, steward):
    rows = [_person_row(i) for i in range(20)]
    path = _write_csv(tmp_path / "persons.csv", PERSON_COLUMNS, rows)
    first = import_persons(path, actor=steward, reason="初始化")
    assert (first.created, first.updated) == (20, 0)
    again = import_persons(path, actor=steward)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 20)
    rows[7]["address"] = "浙江省杭州市西湖区北山街道新地址 8 号"
    changed = import_persons(_write_csv(tmp_path / "v2.csv", PERSON_COLUMNS, rows), actor=steward, reason="地址变更")
    assert (changed.created, changed.updated) == (0, 1)
    person = Person.objects.with_id_number(rows[7]["id_number"]).get()
    assert person.address.endswith("新地址 8 号")
    version = RecordVersion.objects.get(registry="person", record_key=str(person.pk))
    assert version.changed == ["address"] and version.reason == "地址变更"


@pytest.mark.django_db
def test_xlsx_and_entities(tmp_path, steward):
    Industry.objects.create(code="65", name="软件和信息技术服务业", section="I")
    person_rows = [_person_row(i) for i in range(3)]
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(PERSON_COLUMNS)
    for row in person_rows:
        sheet.append([row[c] for c in PERSON_COLUMNS])
    workbook.save(tmp_path / "persons.xlsx")
    assert import_persons(tmp_path / "persons.xlsx", actor=steward).created == 3
    entity = {
        "uscc": make_uscc("9", "1", "330106", "MA2H0001"),
        "name": "西湖软件有限公司",
        "entity_type": "limited",
        "legal_representative": person_rows[0]["id_number"],
        "registered_capital": "100",
        "industry": "65",
        "division": "330106001",
        "address": "北山街道 1 号",
        "status": "active",
        "founding_date": "2020-01-01",
        "size": "small",
        "headcount": "12",
        "annual_revenue": "300.5",
    }
    unknown_rep = dict(
        entity, uscc=make_uscc("9", "1", "330106", "MA2H0002"), legal_representative="11010519491231002X"
    )
    with pytest.raises(ImportRejected) as exc:
        import_entities(_write_csv(tmp_path / "bad.csv", ENTITY_COLUMNS, [entity, unknown_rep]), actor=steward)
    assert [(e.line, e.field) for e in exc.value.report.errors] == [(3, "legal_representative")]
    assert LegalEntity.objects.count() == 0
    report = import_entities(_write_csv(tmp_path / "ok.csv", ENTITY_COLUMNS, [entity]), actor=steward)
    assert report.created == 1
    assert LegalEntity.objects.get().legal_representative.name == "测试0"


@pytest.mark.django_db
def test_only_the_source_imports(tmp_path, org, make_official):
    load_elements()
    samr = make_official("samr", org.xihu_samr)
    with pytest.raises(PermissionDenied):
        import_persons(
            _write_csv(tmp_path / "p.csv", PERSON_COLUMNS, [_person_row(1)]), actor=samr, department=org.xihu_samr
        )


@pytest.mark.django_db
def test_export_is_masked(tmp_path, steward):
    rows = [_person_row(i) for i in range(2)]
    import_persons(_write_csv(tmp_path / "p.csv", PERSON_COLUMNS, rows), actor=steward)
    text = export_persons_csv(steward, Person.objects.order_by("pk"))
    assert rows[0]["id_number"] not in text and rows[0]["phone"] not in text
    assert "测*" in text
    assert AuditEntry.objects.filter(action="registry.person.export").exists()
