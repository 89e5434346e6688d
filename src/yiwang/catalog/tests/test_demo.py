"""The demo catalogue: enough real items over enough lines of government, bound forms, idempotent."""

from __future__ import annotations

import pytest

from yiwang.catalog.demo import ensure_demo_catalog
from yiwang.catalog.formschema import bound_elements
from yiwang.catalog.models import ItemStatus, ServiceItem

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
