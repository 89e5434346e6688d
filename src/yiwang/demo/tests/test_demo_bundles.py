"""The demo city's bundles come from the data file through the operators' import service."""

from __future__ import annotations

import pytest

from yiwang.core.models import AuditEntry


@pytest.mark.django_db
def test_demo_bundles_are_loaded_from_data_and_again_change_nothing(org):
    from yiwang.demo.bundles import ensure_demo_bundles
    from yiwang.demo.catalog import ensure_demo_catalog

    ensure_demo_catalog()
    bundles = ensure_demo_bundles("330100")
    assert {b.name for b in bundles} >= {"开办企业一件事", "出生一件事", "退休一件事", "迁户落户一件事"}
    start = next(b for b in bundles if b.code == "start-business")
    tax = start.items.get(item__name="新办纳税人涉税事项")
    assert [d.item.name for d in tax.depends_on.all()] == ["企业设立登记"]
    assert tax.item.department.code.endswith("-SWJ")  # named by the department kind's suffix
    assert AuditEntry.objects.filter(action="bundle.import").count() == len(bundles)
    assert len(ensure_demo_bundles("330100")) == len(bundles)  # idempotent
