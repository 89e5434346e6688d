"""Searching the catalogue in Chinese: everyday words find the right item first; filters; only published items."""

from __future__ import annotations

import pytest

from yiwang.catalog.models import Audience, ItemStatus, LifeEvent, ServiceItem
from yiwang.catalog.search import rebuild_index, search_items, tokenize
from yiwang.catalog.services import publish_item, unpublish_item

pytestmark = pytest.mark.django_db


def test_tokenize_cuts_words_in_search_mode():
    assert tokenize("食品经营许可") == ["食品", "经营", "许可"]
    assert "的" not in tokenize("办理的食品许可")


@pytest.mark.parametrize("query", ["食品经营许可", "食品许可", "开饭店", "我想开饭店", "食品经营"])
def test_food_business_licence_comes_first(demo_catalog, query):
    results = search_items(query)
    assert results, query
    assert results[0].name == "食品经营许可"
    assert results[0].result_certificate_type.code == "food_business_licence"


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("结婚", "内地居民结婚登记"),
        ("办退休", "职工正常退休（基本养老金申领）"),
        ("失业金", "失业保险金申领"),
        ("施工许可", "建筑工程施工许可证核发"),
        ("居住证", "居住证签发"),
        ("宝宝上户口", "出生登记（新生儿落户）"),
    ],
)
def test_everyday_words_find_the_item(demo_catalog, query, expected):
    assert search_items(query)[0].name == expected


def test_department_filter(demo_catalog, org):
    results = search_items("许可", department=org.shangcheng_samr)
    assert results
    assert {item.department_id for item in results} == {org.shangcheng_samr.pk}
    assert search_items("许可", department="330102-SCJGJ") == results


def test_division_filter_includes_the_city_but_not_other_districts(demo_catalog, org):
    results = search_items("", division=org.xihu, limit=200)
    divisions = {item.division_id for item in results}
    assert divisions == {"330106", "330100"}
    assert all(item.division_id != "330102" for item in search_items("食品经营许可", division="330106"))


def test_audience_filter(demo_catalog):
    for_persons = search_items("登记", audience=Audience.PERSON, limit=200)
    assert "内地居民结婚登记" in {item.name for item in for_persons}
    assert all(item.audience in {Audience.PERSON, Audience.BOTH} for item in for_persons)
    assert "企业设立登记" not in {item.name for item in for_persons}
    assert "企业设立登记" in {item.name for item in search_items("登记", audience=Audience.ENTERPRISE)}


def test_life_event_filter(demo_catalog):
    births = search_items("", life_event=LifeEvent.BIRTH, limit=200)
    assert {"出生医学证明签发", "出生登记（新生儿落户）"} <= {item.name for item in births}
    assert all(LifeEvent.BIRTH in item.life_events for item in births)
    assert search_items("证明", life_event=LifeEvent.RETIREMENT) == [] or all(
        LifeEvent.RETIREMENT in item.life_events for item in search_items("证明", life_event=LifeEvent.RETIREMENT)
    )


def test_unpublished_items_are_not_found_and_come_back_when_republished(food_item, org):
    unpublish_item(food_item, actor=None, reason="测试下线")
    found = search_items("食品经营许可", limit=50)
    assert food_item.pk not in {item.pk for item in found}
    assert all(item.status == ItemStatus.PUBLISHED for item in found)

    publish_item(food_item, actor=None)
    assert food_item.pk in {item.pk for item in search_items("食品经营许可")}


def test_a_draft_is_not_found_even_after_a_rebuild(demo_catalog, food_item):
    ServiceItem.objects.filter(pk=food_item.pk).update(status=ItemStatus.DRAFT)
    rebuild_index()
    assert food_item.pk not in {item.pk for item in search_items("食品经营许可", limit=50)}


def test_a_one_character_query_falls_back_to_the_name(demo_catalog):
    assert "内地居民结婚登记" in {item.name for item in search_items("婚", limit=50)}


def test_no_match_is_an_empty_list(demo_catalog):
    assert search_items("量子计算机退货") == []


def test_postgresql_finds_a_misspelt_name_by_trigram_similarity(demo_catalog):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("pg_trgm is PostgreSQL only")
    from yiwang.catalog.search import _similar_ids

    ids = _similar_ids("食品经营许口", ([], []), 5)
    assert ServiceItem.objects.get(pk=ids[0]).name == "食品经营许可"


@pytest.mark.parametrize(
    "query", ["\x00", "食品\x00许可", "'\"&|!:*()<->", "a & b | !c", "%_%", "NEAR(食品 许可)", "   ", "食" * 500]
)
def test_odd_input_is_harmless(demo_catalog, query):
    search_items(query)
    search_items(query, department=query, division=query, life_event=query)
