"""A repeated idempotency key is the same submission or none: another body is refused, a refusal leaves no file."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.accounts.tokens import issue_token
from yiwang.applications.models import Application, SubmittedMaterial
from yiwang.applications.services import submit_application
from yiwang.core.errors import Conflict, ValidationFailed

ANSWERS = {
    "business_premises": "文三路 1 号",
    "main_business_format": "餐饮服务经营者",
    "business_items": "热食类食品制售",
}


@pytest.mark.django_db
def test_a_reused_key_with_another_body_is_refused_on_the_service_the_api_and_the_page(client, food_item, agent):
    food_item.materials.update(requirement="optional")
    first = submit_application(food_item, user=agent, form_data=ANSWERS, idempotency_key="same-key-0001")
    assert submit_application(food_item, user=agent, form_data=ANSWERS, idempotency_key="same-key-0001") == first
    with pytest.raises(Conflict) as refused:
        submit_application(
            food_item, user=agent, form_data={**ANSWERS, "business_premises": "别处"}, idempotency_key="same-key-0001"
        )
    assert refused.value.field == "idempotency_key" and refused.value.code == "idempotency_key_reused"

    _, token = issue_token(agent, "app")
    body = {"item_code": food_item.item_code, "form_data": {**ANSWERS, "business_items": "冷食类食品制售"}}
    response = client.post(
        "/api/v1/applications/",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="same-key-0001",
    )
    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_reused"

    client.force_login(agent)
    page = client.post(
        f"/applications/apply/{food_item.item_code}/",
        {**ANSWERS, "business_premises": "又一处", "idempotency_key": "same-key-0001"},
    )
    assert page.status_code == 409 and "幂等键已用于一份内容不同的申请" in page.content.decode()
    assert Application.objects.count() == 1
    assert Application.objects.get().form_data["business_premises"] == "文三路 1 号"


@pytest.mark.django_db
def test_a_refused_submission_leaves_no_file_behind(settings, tmp_path, food_item, agent):
    settings.MEDIA_ROOT = tmp_path
    licence, plan = food_item.materials.order_by("position")
    uploads = {
        licence.pk: SimpleUploadedFile("营业执照.pdf", b"%PDF-1.4 licence scan"),  # accepted and stored first …
        plan.pk: SimpleUploadedFile("平面图.exe", b"MZ not a drawing"),  # … then this one is refused
    }
    with pytest.raises(ValidationFailed) as refused:
        submit_application(food_item, user=agent, form_data=ANSWERS, idempotency_key="files-key-0001", uploads=uploads)
    assert refused.value.field == f"material_{plan.pk}"
    assert not Application.objects.exists() and not SubmittedMaterial.objects.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
