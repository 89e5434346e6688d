"""Routing: a case by its item and the address, a complaint by the model, which beats the majority class."""

from __future__ import annotations

import pytest

from yiwang.accounts.models import Department
from yiwang.catalog.tests import factories as catalog
from yiwang.disclosure import routing
from yiwang.disclosure.services.routing import competent_department, route


def test_the_model_beats_the_majority_class_on_topics_it_never_saw():
    result = routing.evaluate()
    assert result.test_rows > 0 and result.train_rows > result.test_rows
    training, test = routing.split(routing.labelled_complaints())
    assert not {r["topic"] for r in training} & {r["topic"] for r in test}
    assert result.accuracy >= 2 * result.baseline


def test_clear_complaints_go_to_the_right_kind():
    model = routing.model()
    assert model.predict("公司拖欠工资半年不发").kind == Department.Kind.HUMAN_RESOURCES
    assert model.predict("小区里电动车被偷了").kind == Department.Kind.PUBLIC_SECURITY
    assert model.predict("饭店卖过期食品").kind == Department.Kind.MARKET_REGULATION


@pytest.mark.django_db
def test_the_department_is_the_kind_at_the_applicants_county_else_the_city(org):
    city_hr = Department.objects.create(
        code="330100-RSJ", name="杭州市人社局", division=org.city, kind="human_resources"
    )
    xihu_hr = Department.objects.create(
        code="330106-RSJ", name="西湖区人社局", division=org.xihu, kind="human_resources"
    )
    assert competent_department("human_resources", "330106001") == xihu_hr
    assert competent_department("human_resources", "330102001") == city_hr
    routed = route(text="公司拖欠工资三个月不发", division_code="330106001")
    assert (routed.by, routed.department) == ("model", xihu_hr)


@pytest.mark.django_db
def test_a_case_goes_by_its_item(org):
    item = catalog.service_item(org.xihu_samr, name="食品经营许可")
    routed = route(item=item, division_code="330106001")
    assert routed.by == "item" and routed.department == org.xihu_samr
