"""The public pages and API of the catalogue, through the Django test client."""

from __future__ import annotations

import pytest
from django.urls import reverse

from yiwang.catalog.services import unpublish_item

pytestmark = pytest.mark.django_db


def test_search_page_lists_results_with_labelled_filters(client, demo_catalog):
    response = client.get(reverse("catalog:search"), {"q": "开饭店"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_q"' in html and '<label for="id_department"' in html and '<label for="id_life_event"' in html
    assert 'aria-live="polite"' in html and "hx-get" in html
    assert html.index("食品经营许可") < html.index("企业设立登记") if "企业设立登记" in html else "食品经营许可" in html


def test_htmx_request_gets_only_the_results(client, demo_catalog):
    response = client.get(reverse("catalog:search"), {"q": "结婚", "division": "330106"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "内地居民结婚登记" in html


def test_search_page_with_a_bad_filter_says_so(client, demo_catalog):
    response = client.get(reverse("catalog:search"), {"audience": "aliens"})
    assert response.status_code == 200
    assert "筛选条件不正确" in response.content.decode()


def test_guide_page_shows_which_materials_are_exempt_by_e_certificate(client, food_item):
    response = client.get(reverse("catalog:guide", args=[food_item.item_code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "受理条件" in html and "《中华人民共和国食品安全法》第三十五条" in html
    assert "免提交" in html and "由电子证照“营业执照”获取" in html
    assert "10 个工作日" in html and "5 个工作日" in html and "不收费" in html
    assert "免填，自动获取" in html


def test_unpublished_guide_is_not_found(client, food_item):
    unpublish_item(food_item, actor=None)
    assert client.get(reverse("catalog:guide", args=[food_item.item_code])).status_code == 404


def test_api_search_and_item(client, demo_catalog, food_item):
    response = client.get("/api/v1/catalog/items", {"q": "食品许可", "division": "330106", "audience": "enterprise"})
    assert response.status_code == 200
    first = response.json()[0]
    assert first["item_code"] == food_item.item_code and first["department"] == "330106-SCJGJ"

    detail = client.get(f"/api/v1/catalog/items/{food_item.item_code}").json()
    assert detail["result_certificate_type"] == "food_business_licence"
    exempt = [m["name"] for m in detail["materials"] if m["exempt_by_certificate"]]
    assert "营业执照" in exempt
    assert detail["form_schema"]["properties"]["entity_uscc"]["x-element"] == "entity.uscc"


def test_api_unknown_item_is_404(client, demo_catalog):
    response = client.get("/api/v1/catalog/items/NO-SUCH-ITEM")
    assert response.status_code == 404 and response.json()["field"] == "item_code"
