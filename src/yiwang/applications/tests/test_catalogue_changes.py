"""Catalogue changes and concurrent steps leave the cases intact: materials retired, not deleted; one row locked."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.applications.models import SubmittedMaterial
from yiwang.applications.services import submit_application
from yiwang.catalog.models import MaterialRequirement, ServiceItem
from yiwang.catalog.services import import_document
from yiwang.catalog.tests.test_import_export import _item

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue_item(org, calendar):
    from yiwang.certificates.services import ensure_default_certificate_types
    from yiwang.registries.elements import load_elements

    ensure_default_certificate_types()
    load_elements()
    return _item(
        org,
        materials=[
            {"name": "经营场所平面图", "requirement": "required", "file_types": "pdf"},
            {"name": "食品安全管理制度", "requirement": "optional"},
        ],
    )


def test_a_dropped_material_is_retired_not_deleted_and_comes_back_the_same(catalogue_item, agent, enterprise):
    import_document({"items": [catalogue_item]})
    item = ServiceItem.objects.get(item_code=catalogue_item["item_code"])
    plan = item.materials.get(name="经营场所平面图")
    rules = item.materials.get(name="食品安全管理制度")
    application = submit_application(
        item,
        user=agent,
        form_data={},
        idempotency_key="catalogue-0001",
        uploads={plan.pk: SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", "application/pdf")},
    )

    changed = {
        **catalogue_item,
        "materials": [
            {"name": "食品安全管理制度", "requirement": "required"},  # kept, now required
            {"name": "从业人员健康证明", "requirement": "required"},  # new
        ],
    }
    import_document({"items": [changed]})  # used to fail: the plan was protected by the application's upload

    assert [(m.name, m.requirement) for m in item.materials.all()] == [
        ("食品安全管理制度", "required"),
        ("从业人员健康证明", "required"),
    ]
    assert item.materials.get(name="食品安全管理制度").pk == rules.pk  # the same material, updated in place
    retired = MaterialRequirement.all_objects.get(pk=plan.pk)
    assert retired.retired_at is not None
    provided = SubmittedMaterial.objects.get(application=application)
    assert provided.requirement.name == "经营场所平面图"  # the application's record is intact

    import_document({"items": [catalogue_item]})  # the plan is asked for again: the same row comes back
    assert item.materials.get(name="经营场所平面图").pk == plan.pk
    assert not MaterialRequirement.all_objects.filter(item=item, name="从业人员健康证明").exists()  # never held


def test_a_step_locks_only_its_case_not_the_item_all_cases_share(catalogue_item, agent, enterprise, org, make_official):
    """On PostgreSQL, ``FOR UPDATE`` over a join locks every joined row: locking the item with the case made
    concurrent 秒批 steps of one item deadlock with the audit ledger's lock. Only the case's row may be locked."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yiwang.applications.services import act

    if connection.vendor != "postgresql":
        pytest.skip("SELECT … FOR UPDATE is a no-op on SQLite")
    import_document({"items": [catalogue_item]})
    item = ServiceItem.objects.get(item_code=catalogue_item["item_code"])
    MaterialRequirement.objects.filter(item=item).update(requirement="optional")
    application = submit_application(item, user=agent, form_data={}, idempotency_key="catalogue-lock-1")
    with CaptureQueriesContext(connection) as queries:
        act(application, "accept", actor=make_official("clerk", org.xihu_samr))
    locking = [q["sql"] for q in queries.captured_queries if "FOR UPDATE" in q["sql"]]
    assert locking and all('FOR UPDATE OF "applications_application"' in sql for sql in locking)
