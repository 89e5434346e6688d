"""The service catalogue in a browser: live (htmx) search in everyday words, the item guide, both accessible."""

from __future__ import annotations

import pytest

from tests.browser.fixtures import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def catalog(org):
    from yiwang.demo.catalog import ensure_demo_catalog

    return ensure_demo_catalog()


def test_live_search_and_item_guide(page, catalog):
    from playwright.sync_api import expect

    page.goto("/services/")
    assert_accessible(page)
    page.get_by_label("搜索事项").fill("开饭店")
    first = page.locator("#service-results h3 a").first
    expect(first).to_have_text("食品经营许可")  # the results were replaced by htmx, no page load
    page.get_by_label("所在区域").select_option(label="西湖区")
    page.wait_for_load_state("networkidle")
    assert_accessible(page)
    first.click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text().startswith("食品经营许可")
    assert page.get_by_text("免提交").first.is_visible()
    assert_accessible(page)
