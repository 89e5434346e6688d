"""The demo catalogue: enough real items over enough lines of government, bound forms, idempotent."""

from __future__ import annotations

import pytest

from yiwang.catalog.formschema import bound_elements
from yiwang.catalog.models import ItemStatus, ServiceItem
from yiwang.demo.catalog import ensure_demo_catalog

pytestmark = pytest.mark.django_db


def test_demo_catalog_is_large_varied_and_published(demo_catalog):
    items = list(ServiceItem.objects.select_related("department"))
    assert len(items) >= 30
    assert all(item.status == ItemStatus.PUBLISHED and item.version == 1 for item in items)
    assert len({item.department.code.rsplit("-", 1)[1] for item in items}) >= 6
    assert any(
        item.result_certificate_type and item.result_certificate_type.code == "food_business_licence" for item in items
    )
    elements = {code for item in items for code in bound_elements(item.form_schema).values()}
    assert {"person.name", "person.id_number", "entity.uscc", "entity.name", "entity.address"} <= elements
    assert any(m.certificate_type_id for item in items for m in item.materials.all())


def test_demo_catalog_is_idempotent(demo_catalog):
    again = ensure_demo_catalog()
    assert not again.created and not again.updated and len(again.unchanged) == len(demo_catalog.created)
    assert set(ServiceItem.objects.values_list("version", flat=True)) == {1}


def test_demo_departments_are_the_kinds_of_the_one_table(demo_catalog, org):
    """The catalogue's departments are named by the suffixes of demo/data/departments.yaml, as the seed names them."""
    from yiwang.demo.departments import department_kind

    departments = {item.department for item in ServiceItem.objects.select_related("department__division")}
    created = departments - {org.xihu_samr, org.shangcheng_samr}  # the shared fixture's own two bureaus
    assert len(created) >= 6
    for department in created:
        kind = department_kind(department.code.rsplit("-", 1)[1])
        assert department.kind == kind.kind
        assert department.name in {
            kind.city_name.format(city="杭州市", county=department.division.name),
            kind.county_name.format(city="杭州市", county=department.division.name),
        }


def test_every_approval_rule_names_a_demo_item_and_is_set_on_it(demo_catalog):
    from yiwang.demo.catalog import DEMO_ITEMS, _approval_rules

    names = {spec["name"] for spec in DEMO_ITEMS}
    rules = _approval_rules()
    assert rules and set(rules) <= names
    for name, text in rules.items():
        assert {item.approval_rules for item in ServiceItem.objects.filter(name=name)} == {text}
