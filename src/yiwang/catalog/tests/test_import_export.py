"""The catalogue as a data file: all-or-nothing imports with a full report, idempotent round trips."""

from __future__ import annotations

import json

import pytest
import yaml

from yiwang.catalog.models import ItemVersion, ServiceItem
from yiwang.catalog.services import CatalogImportFailed, export_catalog, import_catalog

pytestmark = pytest.mark.django_db


def _item(org, **changes):
    item = {
        "item_code": "000117031000-TEST-1",
        "basic_code": "000117031000",
        "name": "食品经营许可（测试）",
        "item_type": "licensing",
        "department": org.xihu_samr.code,
        "division": org.xihu.code,
        "legal_basis": "《中华人民共和国食品安全法》第三十五条",
        "conditions": "具有与经营的食品品种、数量相适应的场所。",
        "audience": "enterprise",
        "promised_time_limit": 5,
        "legal_time_limit": 10,
        "result_kind": "approval",
        "status": "published",
        "form_schema": {
            "type": "object",
            "properties": {"uscc": {"type": "string", "title": "统一社会信用代码", "x-element": "entity.uscc"}},
        },
        "materials": [{"name": "营业执照", "certificate_type": "business_licence"}],
    }
    item.update(changes)
    return item


@pytest.fixture
def elements(db, cert_types):
    from yiwang.registries.elements import load_elements

    load_elements()


@pytest.fixture
def cert_types(db):
    from yiwang.certificates.services import ensure_default_certificate_types

    return ensure_default_certificate_types()


def test_a_file_with_bad_items_imports_nothing_and_lists_every_problem(org, elements, tmp_path):
    good = _item(org)
    bad_form = _item(
        org,
        item_code="000117031000-TEST-2",
        form_schema={
            "type": "object",
            "properties": {"x": {"type": "string", "title": "甲", "x-element": "person.shoe_size"}},
        },
    )
    bad_fields = _item(
        org,
        item_code="000117031000-TEST-3",
        audience="aliens",
        department="NO-SUCH",
        fee_amount="-1",
        materials=[{"name": "证明", "certificate_type": "no_such_type"}],
    )
    missing = {"item_code": "000117031000-TEST-4", "name": "缺字段"}
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"items": [good, bad_form, bad_fields, missing]}, ensure_ascii=False), encoding="utf-8")

    with pytest.raises(CatalogImportFailed) as caught:
        import_catalog(path)

    problems = {(p.item_code, p.field) for p in caught.value.problems}
    assert ("000117031000-TEST-2", "form_schema.properties.x.x-element") in problems
    assert {
        ("000117031000-TEST-3", "audience"),
        ("000117031000-TEST-3", "department"),
        ("000117031000-TEST-3", "fee_amount"),
        ("000117031000-TEST-3", "materials[1].certificate_type"),
        ("000117031000-TEST-4", "legal_basis"),
        ("000117031000-TEST-4", "department"),
    } <= problems
    assert "000117031000-TEST-3" in str(caught.value.message)
    assert ServiceItem.objects.count() == 0


def test_import_creates_publishes_and_is_idempotent(org, elements, tmp_path):
    path = tmp_path / "catalog.yaml"
    path.write_text(yaml.safe_dump({"items": [_item(org)]}, allow_unicode=True), encoding="utf-8")
    first = import_catalog(path)
    assert first.created == ["000117031000-TEST-1"]
    item = ServiceItem.objects.get()
    assert item.version == 1 and item.materials.get().certificate_type.code == "business_licence"

    second = import_catalog(path)
    assert second.unchanged == ["000117031000-TEST-1"] and not second.created and not second.updated
    item.refresh_from_db()
    assert item.version == 1

    path.write_text(
        yaml.safe_dump({"items": [_item(org, promised_time_limit=3)]}, allow_unicode=True), encoding="utf-8"
    )
    third = import_catalog(path)
    assert third.updated == ["000117031000-TEST-1"]
    item.refresh_from_db()
    assert item.version == 2 and item.promised_time_limit == 3


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_export_then_import_round_trip_changes_nothing(demo_catalog, tmp_path, fmt):
    exported = export_catalog(fmt=fmt)
    versions = dict(ServiceItem.objects.values_list("item_code", "version"))
    path = tmp_path / f"catalog.{fmt}"
    path.write_text(exported, encoding="utf-8")

    report = import_catalog(path)

    assert report.total == len(versions) and not report.created and not report.updated
    assert dict(ServiceItem.objects.values_list("item_code", "version")) == versions
    assert export_catalog(fmt=fmt) == exported
    assert ItemVersion.objects.count() == len(versions)


def test_only_an_administrator_imports(org, elements, tmp_path, make_official):
    from yiwang.core.errors import PermissionDenied

    path = tmp_path / "catalog.json"
    path.write_text(json.dumps({"items": [_item(org)]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PermissionDenied):
        import_catalog(path, actor=make_official("clerk", org.xihu_samr))
    assert ServiceItem.objects.count() == 0


def test_the_command_exports_and_imports(demo_catalog, admin_user, tmp_path):
    from django.core.management import call_command

    path = tmp_path / "catalog.yaml"
    call_command("catalog", "export", "--output", str(path))
    call_command("catalog", "import", str(path), "--user", admin_user.username)
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["items"][0]["item_code"]
