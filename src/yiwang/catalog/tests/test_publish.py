"""Publishing checks the item's form, freezes a version and is audited; unpublishing takes it off."""

from __future__ import annotations

import pytest

from yiwang.catalog.models import ItemStatus, ItemVersion
from yiwang.catalog.services import publish_item, unpublish_item
from yiwang.core.errors import DomainError, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_publish_freezes_a_new_version_and_is_audited(food_item, make_official, org):
    official = make_official("xihu_clerk", org.xihu_samr)
    before = food_item.version
    item = publish_item(food_item, actor=official, reason="更新办事指南")
    assert item.version == before + 1
    assert item.status == ItemStatus.PUBLISHED
    version = ItemVersion.objects.get(item=item, version=item.version)
    assert version.snapshot["name"] == "食品经营许可"
    assert version.snapshot["materials"][1]["certificate_type"] == "business_licence"
    entry = AuditEntry.objects.filter(action="catalog.item.publish").order_by("-seq").first()
    assert entry.object_id == str(item.pk) and entry.actor_id == official.pk


def test_publish_refuses_an_unknown_data_element_naming_the_field(food_item):
    food_item.form_schema["properties"]["entity_uscc"]["x-element"] = "entity.no_such_element"
    food_item.save()
    with pytest.raises(ValidationFailed) as caught:
        publish_item(food_item, actor=None)
    assert caught.value.field == "form_schema.properties.entity_uscc.x-element"
    assert "entity.no_such_element" in str(caught.value.message)
    food_item.refresh_from_db()
    assert ItemVersion.objects.filter(item=food_item, version=food_item.version + 1).count() == 0


@pytest.mark.parametrize(
    ("schema", "field"),
    [
        ({"type": "array"}, "form_schema"),
        (
            {"type": "object", "properties": {"age": {"type": "object", "title": "年龄"}}},
            "form_schema.properties.age.type",
        ),
        ({"type": "object", "properties": {"age": {"type": "integer"}}}, "form_schema.properties.age.title"),
        (
            {"type": "object", "properties": {"Bad-Name": {"type": "string", "title": "名"}}},
            "form_schema.properties.Bad-Name",
        ),
        (
            {"type": "object", "properties": {"d": {"type": "string", "title": "日", "format": "email"}}},
            "form_schema.properties.d.format",
        ),
        (
            {"type": "object", "properties": {"a": {"type": "string", "title": "甲"}}, "required": ["b"]},
            "form_schema.required",
        ),
    ],
)
def test_publish_refuses_a_bad_form_schema(food_item, schema, field):
    food_item.form_schema = schema
    food_item.save()
    with pytest.raises(ValidationFailed) as caught:
        publish_item(food_item, actor=None)
    assert caught.value.field == field


def test_an_official_of_another_department_may_not_publish(food_item, make_official, org):
    other = make_official("shangcheng_clerk", org.shangcheng_samr)
    with pytest.raises(PermissionDenied):
        unpublish_item(food_item, actor=other)


def test_unpublish_is_audited_and_cannot_be_repeated(food_item, admin_user):
    unpublish_item(food_item, actor=admin_user, reason="事项调整")
    food_item.refresh_from_db()
    assert food_item.status == ItemStatus.UNPUBLISHED
    assert AuditEntry.objects.filter(action="catalog.item.unpublish", object_id=str(food_item.pk)).exists()
    with pytest.raises(DomainError):
        unpublish_item(food_item, actor=admin_user)


def test_a_role_of_the_department_in_another_division_may_not_publish(food_item, make_official, org):
    """Role × department × division: a role in 西湖区市场监督管理局 scoped to 上城区 does not cover a 西湖区 item."""
    elsewhere = make_official("xihu_clerk_for_shangcheng", org.xihu_samr, division=org.shangcheng)
    with pytest.raises(PermissionDenied):
        unpublish_item(food_item, actor=elsewhere)
    food_item.refresh_from_db()
    assert food_item.status == "published"
