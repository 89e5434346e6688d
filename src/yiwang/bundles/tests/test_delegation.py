"""授权代办 for a bundle: a delegate applies for an elderly person only with a delegation covering every item."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yiwang.applications.delegation import grant_delegation, principals_for
from yiwang.applications.tests.test_feedback_and_delegation import PERSON_FORM, elder_and_son, residence_item
from yiwang.bundles.models import BundleApplication
from yiwang.bundles.services import submit_bundle
from yiwang.core.errors import PermissionDenied

__all__ = ["elder_and_son", "residence_item"]  # fixtures reused from the applications app

pytestmark = pytest.mark.django_db


@pytest.fixture
def pension_bundle(org, residence_item):
    from yiwang.catalog.tests.factories import service_item

    pension = service_item(
        org.xihu_samr,
        org.xihu,
        item_code="11330106MB0000002-002",
        basic_code="000112030000",
        name="高龄津贴申领",
        item_type="benefit",
        audience="person",
        legal_basis="《浙江省老年人权益保障条例》第二十九条",
        conditions="年满八十周岁",
        form_schema=PERSON_FORM,
    )
    from yiwang.bundles.tests import factories

    bundle = factories.bundle(
        [residence_item, pension], code="elder-care", name="养老服务一件事", life_event="retirement"
    )
    return bundle, pension


def _grant(principal, son, items):
    today = timezone.localdate()
    return grant_delegation(
        principal, son, relationship="子女", valid_from=today, valid_until=today + timedelta(days=30), items=items
    )


def test_a_delegation_must_cover_every_item_of_the_bundle(pension_bundle, residence_item, elder_and_son):
    bundle, pension = pension_bundle
    principal, son = elder_and_son
    items = [bi.item for bi in bundle.items.all()]
    _grant(principal, son, [residence_item])  # only one of the two items
    assert principals_for(son, items) == []
    with pytest.raises(PermissionDenied) as refused:
        submit_bundle(
            bundle, user=son, form_data={"reason": "代办"}, idempotency_key="elder-000001", on_behalf_of=principal
        )
    assert refused.value.field == "on_behalf_of" and not BundleApplication.objects.exists()

    _grant(principal, son, [pension])
    assert principals_for(son, items) == [principal]
    application = submit_bundle(
        bundle, user=son, form_data={"reason": "代办"}, idempotency_key="elder-000002", on_behalf_of=principal
    )
    assert application.on_behalf_of == principal and application.submitted_by == son
    children = [c.application for c in application.children.select_related("application")]
    assert all(a.applicant_id == principal.id_number and a.on_behalf_of == principal for a in children)
    assert all(a.form_data["name"] == "朱奶奶" for a in children)  # prefilled from the principal's registry record


def test_the_apply_page_offers_to_apply_for_the_principal(client, pension_bundle, elder_and_son):
    bundle, _pension = pension_bundle
    principal, son = elder_and_son
    _grant(principal, son, [])  # all items
    client.force_login(son)
    page = client.get(f"/bundles/{bundle.code}/apply/").content.decode()
    assert "代 朱奶奶 办理" in page and "您正在受 朱奶奶 委托代为申请" in page  # a pure delegate applies for them
    response = client.post(
        f"/bundles/{bundle.code}/apply/",
        {"reason": "代办", "idempotency_key": "elder-page-0001", "on_behalf_of": principal.pk},
    )
    assert response.status_code == 302
    assert BundleApplication.objects.get().on_behalf_of == principal
