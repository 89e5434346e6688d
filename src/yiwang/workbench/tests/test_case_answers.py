"""The case page shows the applicant's answers under the form's titles, with ID numbers masked."""

from __future__ import annotations

import pytest

from yiwang.applications.services import submit_application
from yiwang.applications.tests.conftest import calendar
from yiwang.applications.tests.test_feedback_and_delegation import elder_and_son, residence_item

__all__ = ["calendar", "elder_and_son", "residence_item"]  # fixtures reused from the applications app

pytestmark = pytest.mark.django_db


def test_answers_are_titled_and_the_id_number_masked(client, org, make_official, residence_item, elder_and_son):
    from yiwang.registries.elements import load_elements
    from yiwang.registries.masking import mask_id_number

    load_elements()
    elder, _son = elder_and_son
    application = submit_application(
        residence_item, user=elder, form_data={"reason": "异地居住"}, idempotency_key="case-answers-01"
    )
    assert application.form_data["id_number"] == elder.id_number  # prefilled from the population registry
    client.force_login(make_official("clerk", org.xihu_samr))
    page = client.get(f"/workbench/inbox/{application.application_no}/").content.decode()
    assert '<dt class="col-sm-3">公民身份号码</dt>' in page and '<dt class="col-sm-3">申领事由</dt>' in page
    assert elder.id_number not in page and mask_id_number(elder.id_number) in page
    assert "异地居住" in page
