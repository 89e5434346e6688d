"""Bulk import of the population and legal-entity registries from CSV or Excel (.xlsx).

All-or-nothing per file: every row is validated first and the report lists every bad row with all its reasons;
only a file without errors is written, in one transaction. Re-importing the same file changes nothing (rows are
matched on the ID number's blind index or the USCC; unchanged rows are skipped, changed ones are updated and
versioned). Only the authoritative source of the registry (or an administrator) may import.
"""

from __future__ import annotations

import codecs
import csv
import io
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yiwang.accounts.models import Department, Division, User
from yiwang.accounts.permissions import covered_divisions
from yiwang.accounts.scopes import user_scopes
from yiwang.core import audit, bulk
from yiwang.core.errors import DomainError, PermissionDenied, ValidationFailed
from yiwang.core.fields import seal_fields
from yiwang.core.identifiers import validate_id_number, validate_uscc
from yiwang.core.keys import index_of
from yiwang.registries.access import mask_record, mask_value
from yiwang.registries.models import DataElement, Industry, LegalEntity, Person, RecordVersion
from yiwang.registries.services import REGISTRY_WRITE_ROLES, snapshot

BATCH = 5000
MAX_REPORTED_ERRORS = 10_000
#: Above what any registry amount or count can be (the columns hold 16 digits with 2 decimals).
MAX_NUMBER = 10**13


@dataclass
class RowError:
    line: int  # line in the file (the header is line 1)
    field: str
    message: str


@dataclass
class ImportReport:
    registry: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)  # the first MAX_REPORTED_ERRORS of them
    error_count: int = 0  # all of them

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(error)

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "registry": self.registry,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "error_count": self.error_count,
            "errors": [e.__dict__ for e in self.errors],
        }


class ImportRejected(ValidationFailed):
    """The file has bad rows; nothing was imported. ``report`` lists every one."""

    default_code = "import_rejected"

    def __init__(self, report: ImportReport) -> None:
        super().__init__(_("文件中有 %(n)d 处错误，未导入任何数据") % {"n": report.error_count}, field="file")
        self.report = report


# --- reading -----------------------------------------------------------------------------------------------------


#: Encodings tried for a CSV file, in order. Chinese offices' spreadsheets often save CSV as GB18030/GBK (a
#: superset of GB2312), so a file that is not UTF-8 is read as GB18030 rather than refused.
CSV_ENCODINGS = ("utf-8-sig", "gb18030")
_SNIFF_BYTES = 1 << 16


class UnreadableFile(ValidationFailed):
    """The file itself cannot be read as a registry table (format, encoding, empty, a field too long)."""

    default_code = "unreadable_file"

    def __init__(self, message: str) -> None:
        super().__init__(message, field="file")


def csv_encoding(path: Path) -> str:
    """The encoding of a CSV file: UTF-8 (with or without BOM) when its start decodes so, else GB18030."""
    with path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=len(head) < _SNIFF_BYTES)
    except UnicodeDecodeError:
        return "gb18030"
    return "utf-8-sig"


def _xlsx_rows(path: Path) -> Iterator[dict[str, str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        sheet = load_workbook(path, read_only=True, data_only=True).active
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UnreadableFile(
            _("文件不是有效的 Excel（.xlsx）工作簿，请另存为 .xlsx 或 UTF-8 的 .csv 后再导入")
        ) from exc
    rows = sheet.iter_rows(values_only=True) if sheet is not None else iter(())
    first = next(rows, None)
    if first is None or not any(h not in (None, "") for h in first):
        raise UnreadableFile(_("文件为空：第 1 行应为列名"))
    header = [str(h).strip() if h is not None else "" for h in first]
    for values in rows:
        yield {
            h: ("" if v is None else (v.isoformat() if isinstance(v, date) else str(v)).strip())
            for h, v in zip(header, values, strict=False)
            if h
        }


def _csv_rows(path: Path) -> Iterator[dict[str, str]]:
    encoding = csv_encoding(path)
    line = 1  # the line being read: the header, then one more per row (rows with line breaks inside are rare)
    with path.open(encoding=encoding, newline="") as handle:
        reader = csv.DictReader(handle)
        try:
            if not reader.fieldnames or not any(name.strip() for name in reader.fieldnames):
                raise UnreadableFile(_("文件为空：第 1 行应为列名"))
            for row in reader:
                line += 1
                yield {k.strip(): (v or "").strip() for k, v in row.items() if k}
        except UnicodeDecodeError as exc:
            message = _("第 %(line)d 行附近的字符既不是 UTF-8 也不是 GB18030 编码，请检查文件编码")
            raise UnreadableFile(message % {"line": line + 1}) from exc
        except csv.Error as exc:  # e.g. a field larger than the csv module's limit, or a NUL byte
            message = _("第 %(line)d 行无法读取（%(reason)s），请检查引号和字段长度")
            raise UnreadableFile(message % {"line": line + 1, "reason": exc}) from exc


def read_rows(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a .csv (UTF-8 with or without BOM, or GB18030) or .xlsx file as dicts of stripped strings.

    A file that cannot be read as a table raises :class:`UnreadableFile` with one line saying what is wrong.
    """
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    return _csv_rows(path)


# --- validation --------------------------------------------------------------------------------------------------

PERSON_COLUMNS = ["id_number", "name", "gender", "birth_date", "ethnicity", "division", "address", "phone"]
ENTITY_COLUMNS = [
    "uscc",
    "name",
    "entity_type",
    "legal_representative",
    "registered_capital",
    "industry",
    "division",
    "address",
    "status",
    "founding_date",
    "size",
    "headcount",
    "annual_revenue",
]


class _Row:
    """Collects one row's parsed values and all its errors."""

    def __init__(self, line: int, raw: dict[str, str], report: ImportReport) -> None:
        self.line, self.raw, self.report = line, raw, report

    @property
    def error_count(self) -> int:
        return self.report.error_count

    def fail(self, name: str, message: str) -> None:
        self.report.add_error(RowError(self.line, name, message))

    def text(self, name: str, max_length: int, *, required: bool = True) -> str:
        value = self.raw.get(name, "")
        if required and not value:
            self.fail(name, _("必填"))
        elif len(value) > max_length:
            self.fail(name, _("长度不能超过 %(n)d 个字符") % {"n": max_length})
        return value

    def choice(self, name: str, choices: Iterable[str]) -> str:
        value = self.raw.get(name, "")
        if value not in (choices if isinstance(choices, (set, frozenset)) else set(choices)):
            self.fail(name, _("取值无效：%(value)s") % {"value": value or _("（空）")})
        return value

    def date(self, name: str) -> date | None:
        try:
            return date.fromisoformat(self.raw.get(name, ""))
        except ValueError:
            self.fail(name, _("日期格式应为 YYYY-MM-DD"))
            return None

    def number(self, name: str, *, integer: bool = False, required: bool = True) -> Decimal | int | None:
        value = self.raw.get(name, "")
        if not value and not required:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            self.fail(name, _("应为数字"))
            return None
        if not number.is_finite() or abs(number) >= MAX_NUMBER:
            self.fail(name, _("应为小于 %(max)s 的有限数字") % {"max": f"{MAX_NUMBER:,}"})
            return None
        if number < 0 or (integer and number != number.to_integral_value()):
            self.fail(name, _("应为非负整数") if integer else _("不能为负数"))
            return None
        return int(number) if integer else number.quantize(Decimal("0.01"))

    def identifier(self, name: str, check: Any) -> str:
        try:
            return check(self.raw.get(name, ""), field=name)
        except DomainError as exc:
            self.fail(name, str(exc.message))
            return ""


def _check_division(row: _Row, code: str, divisions: set[str], covers: Callable[[str], bool]) -> None:
    """The row's division exists and lies in the importer's scope (role × department × division)."""
    if not code:
        return
    if code not in divisions:
        row.fail("division", _("行政区划代码不存在：%(code)s") % {"code": code})
    elif not covers(code):
        row.fail("division", _("行政区划不在您的管辖范围内：%(code)s") % {"code": code})


_GENDERS = frozenset(Person.Gender.values)


def _parse_person(
    row: _Row, divisions: set[str], covers: Callable[[str], bool], *, build: bool = True
) -> Person | str | None:
    """The row as a person (``build=False``: only its ID number, for the validating pass), or None when bad."""
    before = row.error_count
    id_number = row.identifier("id_number", validate_id_number)
    name = row.text("name", 64)
    gender = row.choice("gender", _GENDERS)
    birth = row.date("birth_date")
    division = row.text("division", 12)
    _check_division(row, division, divisions, covers)
    if id_number and birth and id_number[6:14] != birth.strftime("%Y%m%d"):
        row.fail("birth_date", _("出生日期与公民身份号码不一致"))
    if id_number and gender and ("M" if int(id_number[16]) % 2 else "F") != gender:
        row.fail("gender", _("性别与公民身份号码不一致"))
    phone = row.text("phone", 20, required=False)
    if phone and (len(phone) != 11 or not phone.isdigit() or phone[0] != "1"):
        row.fail("phone", _("手机号码应为 11 位数字"))
    address = row.text("address", 200)
    ethnicity = row.text("ethnicity", 16, required=False)
    if row.error_count > before or birth is None:
        return None
    if not build:
        return id_number
    return Person(
        id_number=id_number,
        name=name,
        gender=gender,
        birth_date=birth,
        ethnicity=ethnicity,
        division_id=division,
        address=address,
        phone=phone,
    )


def _parse_entity(
    row: _Row, divisions: set[str], industries: set[str], covers: Callable[[str], bool]
) -> dict[str, Any] | None:
    before = row.error_count
    values: dict[str, Any] = {
        "uscc": row.identifier("uscc", validate_uscc),
        "name": row.text("name", 128),
        "entity_type": row.choice("entity_type", LegalEntity.EntityType.values),
        "legal_representative": row.identifier("legal_representative", validate_id_number),
        "registered_capital": row.number("registered_capital"),
        "industry_id": row.choice("industry", industries),
        "division_id": row.text("division", 12),
        "address": row.text("address", 200),
        "status": row.choice("status", LegalEntity.Status.values),
        "founding_date": row.date("founding_date"),
        "size": row.choice("size", ["", *LegalEntity.Size.values]),
        "headcount": row.number("headcount", integer=True, required=False),
        "annual_revenue": row.number("annual_revenue", required=False),
    }
    _check_division(row, values["division_id"], divisions, covers)
    return values if row.error_count == before else None


# --- importing ---------------------------------------------------------------------------------------------------


def _check_importer(registry: str, actor: User, department: Department | None) -> Callable[[str], bool]:
    """The importer may import into this registry; returns which divisions they may write (role × scope)."""
    if actor.is_administrator:
        return lambda code: True
    source = DataElement.objects.filter(registry=registry).values_list("source_kind", flat=True).first()
    if (
        department is None
        or department.kind != source
        or not any(s.department_id == department.pk and s.role_code in REGISTRY_WRITE_ROLES for s in user_scopes(actor))
    ):
        raise PermissionDenied(_("只有基础库的权威来源部门或系统管理员可以批量导入"), field="department")
    return covered_divisions(actor, department, roles=REGISTRY_WRITE_ROLES)


def _changed_fields(old: Any, new: Any, names: list[str]) -> list[str]:
    return [n for n in names if getattr(old, n) != getattr(new, n)]


def import_persons(path: Path, *, actor: User, department: Department | None = None, reason: str = "") -> ImportReport:
    """Import the population registry from a file; see the module docstring. Raises ImportRejected on bad rows.

    Two passes over the file keep memory flat at any size: the first validates every row (and finds duplicate
    ID numbers), the second writes in batches inside one transaction.
    """
    covers = _check_importer(DataElement.Registry.PERSON, actor, department)
    report = ImportReport(registry="person")
    divisions = set(Division.objects.values_list("code", flat=True))
    seen: dict[str, int] = {}
    for line, raw in enumerate(read_rows(path), start=2):
        report.rows += 1
        row = _Row(line, raw, report)
        id_number = _parse_person(row, divisions, covers, build=False)
        if not isinstance(id_number, str):
            continue
        if id_number in seen:
            row.fail("id_number", _("与第 %(line)d 行重复") % {"line": seen[id_number]})
            continue
        seen[id_number] = line
    if report.errors:
        raise ImportRejected(report)
    del seen
    with transaction.atomic():
        batch: list[tuple[int, Person]] = []
        for line, raw in enumerate(read_rows(path), start=2):
            person = _parse_person(_Row(line, raw, ImportReport("persons")), divisions, covers)
            assert isinstance(person, Person)  # validated in the first pass
            batch.append((line, person))
            if len(batch) >= BATCH:
                _write_persons(batch, report, actor, department, reason, covers)
                batch = []
        _write_persons(batch, report, actor, department, reason, covers)
        audit.record(
            "registry.person.import",
            actor=actor,
            reason=reason,
            object_type="registries.person",
            data=_summary(report, path),
        )
    return report


_PERSON_FIELDS = ["name", "gender", "birth_date", "ethnicity", "division_id", "address", "phone"]


def _write_persons(
    chunk: list[tuple[int, Person]],
    report: ImportReport,
    actor: User,
    department: Department | None,
    reason: str,
    covers: Callable[[str], bool],
) -> None:
    rows = {index_of(p.id_number): p for _line, p in chunk}
    lines = {index_of(p.id_number): line for line, p in chunk}
    _upsert(
        Person, "id_number_index", rows, _PERSON_FIELDS, report, actor, department, reason,
        key=lambda p: str(p.pk), scope=(covers, lines),
    )  # fmt: skip


def _upsert(
    model: Any,
    lookup: str,
    rows: dict[str, Any],
    fields: list[str],
    report: ImportReport,
    actor: User,
    department: Department | None,
    reason: str,
    key: Any,
    scope: tuple[Callable[[str], bool], dict[str, int]],
) -> None:
    """Insert the rows whose ``lookup`` value is new; update (versioned) those that differ; count the unchanged.

    A record that exists in a division outside the importer's scope is refused (a move into one's own district is
    a write in the old district too): the whole import is rolled back with those lines reported.
    """
    if not rows:
        return
    existing = {
        getattr(e, lookup): e
        for batch in _batched(list(rows), 900)
        for e in model.objects.filter(**{f"{lookup}__in": batch})
    }
    covers, lines = scope
    outside = [(lines[value], old.division_id) for value, old in existing.items() if not covers(old.division_id)]
    for line, code in sorted(outside):
        message = _("该记录现属行政区划 %(code)s，不在您的管辖范围内") % {"code": code}
        report.add_error(RowError(line, "division", message))
    if outside:
        raise ImportRejected(report)
    new = [row for value, row in rows.items() if value not in existing]
    insert_rows(model, new)
    report.created += len(new)
    changed = []
    for value, old in existing.items():
        diff = _changed_fields(old, rows[value], fields)
        if not diff:
            report.unchanged += 1
            continue
        for name in diff:
            setattr(old, name, getattr(rows[value], name))
        changed.append((old, diff))
    registry = "person" if model is Person else "entity"
    _update_versioned(model, registry, changed, fields, actor, department, reason, key=key)
    report.updated += len(changed)


def insert_rows(model: Any, rows: list[Any]) -> None:
    """Insert new model instances inside the caller's transaction, each field's value prepared by the field itself
    (encryption, blind index, defaults), through :func:`core.bulk.insert_rows` (PostgreSQL ``COPY``, SQLite one
    ``executemany``). The rows' primary keys are not read back."""
    if not rows:
        return
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.pk]
    bulk.insert_rows(
        model,
        [f.name for f in fields],
        ([f.get_db_prep_save(f.pre_save(obj, True), connection) for f in fields] for obj in rows),
    )


def import_entities(path: Path, *, actor: User, department: Department | None = None, reason: str = "") -> ImportReport:
    """Import the legal-entity registry; the legal representative must already be in the population registry."""
    covers = _check_importer(DataElement.Registry.ENTITY, actor, department)
    report = ImportReport(registry="entity")
    divisions = set(Division.objects.values_list("code", flat=True))
    industries = set(Industry.objects.values_list("code", flat=True))
    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for line, raw in enumerate(read_rows(path), start=2):
        report.rows += 1
        row = _Row(line, raw, report)
        values = _parse_entity(row, divisions, industries, covers)
        if values is None:
            continue
        if values["uscc"] in seen:
            row.fail("uscc", _("与第 %(line)d 行重复") % {"line": seen[values["uscc"]]})
            continue
        seen[values["uscc"]] = line
        parsed.append((line, values))
    reps = {
        e.id_number_index: e.pk
        for batch in _batched([index_of(v["legal_representative"]) for _l, v in parsed], 900)
        for e in Person.objects.filter(id_number_index__in=batch).only("pk", "id_number_index")
    }
    for line, values in parsed:
        pk = reps.get(index_of(values.pop("legal_representative")))
        if pk is None:
            _Row(line, {}, report).fail("legal_representative", _("法定代表人不在人口库中"))
        values["legal_representative_id"] = pk
    if report.errors:
        raise ImportRejected(report)
    fields = [k for k in parsed[0][1] if k != "uscc"] if parsed else []
    with transaction.atomic():
        for start in range(0, len(parsed), BATCH):
            chunk = {v["uscc"]: LegalEntity(**v) for _l, v in parsed[start : start + BATCH]}
            lines = {v["uscc"]: line for line, v in parsed[start : start + BATCH]}
            _upsert(
                LegalEntity, "uscc", chunk, fields, report, actor, department, reason,
                key=lambda e: e.uscc, scope=(covers, lines),
            )  # fmt: skip
        audit.record(
            "registry.entity.import",
            actor=actor,
            reason=reason,
            object_type="registries.legalentity",
            data=_summary(report, path),
        )
    return report


def _update_versioned(
    model: Any,
    registry: str,
    changed: list[tuple[Any, list[str]]],
    fields: list[str],
    actor: User,
    department: Department | None,
    reason: str,
    key: Any,
) -> None:
    if not changed:
        return
    for obj, _diff in changed:
        seal_fields(obj)  # bulk_update does not call pre_save: bind the ciphertexts to their rows here
    model.objects.bulk_update([obj for obj, _diff in changed], fields, batch_size=1000)
    keys = [key(obj) for obj, _diff in changed]
    last: dict[str, int] = {}
    for batch in _batched(keys, 900):
        for rk, version in RecordVersion.objects.filter(registry=registry, record_key__in=batch).values_list(
            "record_key", "version"
        ):
            last[rk] = max(version, last.get(rk, -1))
    today = timezone.localdate()
    RecordVersion.objects.bulk_create(
        [
            RecordVersion(
                registry=registry,
                record_key=key(obj),
                version=last.get(key(obj), 0) + 1,
                valid_from=today,
                data=snapshot(obj),
                changed=[d.removesuffix("_id") for d in diff],
                department=department,
                actor=actor,
                reason=reason or _("批量导入"),
            )
            for obj, diff in changed
        ],
        batch_size=1000,
    )


def _summary(report: ImportReport, path: Path) -> dict[str, Any]:
    return {k: v for k, v in report.as_dict().items() if k != "errors"} | {"file": path.name}


def _batched(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- export ------------------------------------------------------------------------------------------------------


def export_persons_csv(user: User, queryset: Iterable[Person]) -> str:
    """The persons as CSV with the caller's masking applied (as in ``access.read_person`` without a purpose)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(PERSON_COLUMNS)
    count = 0
    for p in queryset:
        values = {"division": p.division_id, "birth_date": p.birth_date.isoformat()}
        row = mask_record("person", {c: values.get(c, getattr(p, c, "")) for c in PERSON_COLUMNS})
        writer.writerow([row[c] for c in PERSON_COLUMNS])
        count += 1
    audit.record("registry.person.export", actor=user, object_type="registries.person", data={"rows": count})
    return out.getvalue()


def export_entities_csv(user: User, queryset: Iterable[LegalEntity]) -> str:
    """The entities as CSV; the legal representative is given by masked name only (personal information)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(ENTITY_COLUMNS)
    count = 0
    for e in queryset:
        values = {
            "legal_representative": mask_value("entity", "legal_representative", e.legal_representative.name),
            "industry": e.industry_id,
            "division": e.division_id,
            "founding_date": e.founding_date.isoformat(),
        }
        writer.writerow([values.get(c, getattr(e, c, "")) for c in ENTITY_COLUMNS])
        count += 1
    audit.record("registry.entity.export", actor=user, object_type="registries.legalentity", data={"rows": count})
    return out.getvalue()
