"""Files as offices really send them: GB18030 CSVs, wrong or empty workbooks, huge fields, many errors.

Each is either imported or refused with one clear line that names the file; never a traceback.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from yiwang.core.errors import DomainError
from yiwang.core.identifiers import make_id_number
from yiwang.registries import importing
from yiwang.registries.elements import load_elements
from yiwang.registries.importing import PERSON_COLUMNS, ImportRejected, UnreadableFile, import_persons
from yiwang.registries.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def steward(org, admin_user):
    load_elements()
    return admin_user


def _rows(n: int) -> list[dict[str, str]]:
    out = []
    for i in range(n):
        birth = date(1980 + i % 20, 1 + i % 12, 1 + i % 28)
        out.append(
            {
                "id_number": make_id_number("330106", birth, 200 + 2 * i),
                "name": f"欧阳{'娜' * (1 + i % 3)}",
                "gender": "F",
                "birth_date": birth.isoformat(),
                "ethnicity": "汉族",
                "division": "330106001",
                "address": f"浙江省杭州市西湖区北山街道{i}号",
                "phone": f"1370000{i:04d}",
            }
        )
    return out


def _csv_text(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=PERSON_COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def test_a_gb18030_csv_from_an_office_spreadsheet_imports_with_its_chinese_intact(tmp_path, steward):
    path = tmp_path / "人口.csv"
    path.write_bytes(_csv_text(_rows(3)).encode("gb18030"))
    report = import_persons(path, actor=steward)
    assert report.created == 3
    assert sorted(Person.objects.values_list("name", flat=True)) == ["欧阳娜", "欧阳娜娜", "欧阳娜娜娜"]


def test_a_file_that_is_not_a_workbook_or_an_empty_workbook_is_refused_in_one_line(tmp_path, steward):
    fake = tmp_path / "persons.xlsx"
    fake.write_text(_csv_text(_rows(2)), encoding="utf-8")
    with pytest.raises(UnreadableFile) as not_xlsx:
        import_persons(fake, actor=steward)
    assert not_xlsx.value.field == "file" and ".xlsx" in str(not_xlsx.value.message)
    empty = tmp_path / "empty.xlsx"
    Workbook().save(empty)
    with pytest.raises(UnreadableFile, match="文件为空"):
        import_persons(empty, actor=steward)
    blank = tmp_path / "blank.csv"
    blank.write_bytes(b"")
    with pytest.raises(UnreadableFile, match="文件为空"):
        import_persons(blank, actor=steward)
    assert Person.objects.count() == 0


def test_a_field_beyond_the_csv_limit_names_its_line(tmp_path, steward):
    rows = _rows(3)
    rows[1]["address"] = "长" * 200_000
    path = tmp_path / "persons.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    with pytest.raises(UnreadableFile, match="第 3 行"):
        import_persons(path, actor=steward)
    assert Person.objects.count() == 0


def test_the_reported_count_is_the_true_count_beyond_the_listed_ones(tmp_path, steward, monkeypatch):
    monkeypatch.setattr(importing, "MAX_REPORTED_ERRORS", 3)
    rows = [{**row, "gender": "X", "birth_date": "1999-02-30"} for row in _rows(5)]  # two errors a row
    path = tmp_path / "persons.csv"
    path.write_text(_csv_text(rows), encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_persons(path, actor=steward)
    assert rejected.value.report.error_count >= 10
    assert len(rejected.value.report.errors) == 3
    assert f"{rejected.value.report.error_count} 处错误" in str(rejected.value.message)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=400), suffix=st.sampled_from([".csv", ".xlsx"]))
def test_any_bytes_are_imported_or_refused_with_a_domain_error(tmp_path, steward, content, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(_csv_text(_rows(1)).encode("utf-8")[:60] + content)
    try:
        import_persons(path, actor=steward)
    except DomainError as exc:
        assert str(exc.message)
