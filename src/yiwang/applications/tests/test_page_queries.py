"""The main pages of citizens and officials read a bounded number of queries, whatever the number of cases shown
(no N+1): the portal's home, personal space and service search, the applicant's cases and case, the workbench's
home, the inbox and a case."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yiwang.applications.tests.conftest import PASSWORD
from yiwang.applications.tests.test_inbox import _apply

#: Upper bounds per page (session, user, menus, the page's own reads); a new N+1 shows as growth with the cases.
#: The inbox also counts by state, channel and deadline and cuts 30 days by channel (five fixed aggregates), and
#: reads the official's scopes once per scoped query (four times: a per-request cache would save three).
BUDGET = {"mine": 6, "detail": 8, "inbox": 15, "case": 8}
#: the shells' pages, whose menus and panels come from every app: the bound, and that it does not grow with the cases
#: the home adds life events, popular services (one aggregate over 90 days) and bundles: a fixed 11
SHELL_PAGES = {"/": 12, "/me/": 8, "/services/": 10}
WORKBENCH_PAGES = {"/workbench/": 14}


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


@pytest.fixture
def cases(org, food_item, agent, plan):
    def make(count: int, start: int = 0) -> list:
        return [_apply(food_item, agent, plan, f"page-queries-{n:04d}") for n in range(start, start + count)]

    return make


@pytest.mark.django_db
def test_the_applicants_pages_do_not_read_per_case(client, agent, cases, django_assert_max_num_queries):
    first = cases(2)
    client.login(username="agent", password=PASSWORD)
    few = _queries(client, "/applications/")
    cases(10, start=2)
    many = _queries(client, "/applications/")
    assert many == few, f"the list reads {many - few} more queries for 10 more cases"
    with django_assert_max_num_queries(BUDGET["mine"]):
        client.get("/applications/")
    with django_assert_max_num_queries(BUDGET["detail"]):
        assert client.get(f"/applications/{first[0].application_no}/").status_code == 200


@pytest.mark.django_db
def test_the_officials_inbox_and_case_do_not_read_per_case(
    client, org, make_official, cases, django_assert_max_num_queries
):
    clerk = make_official("clerk", org.xihu_samr)
    first = cases(2)
    client.force_login(clerk)
    few = _queries(client, "/workbench/inbox/")
    cases(10, start=2)
    many = _queries(client, "/workbench/inbox/")
    assert many == few, f"the inbox reads {many - few} more queries for 10 more cases"
    with django_assert_max_num_queries(BUDGET["inbox"]):
        client.get("/workbench/inbox/")
    with django_assert_max_num_queries(BUDGET["case"]):
        assert client.get(f"/workbench/inbox/{first[0].application_no}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(SHELL_PAGES))
def test_the_portals_main_pages_do_not_read_per_case(client, agent, cases, url, django_assert_max_num_queries):
    cases(2)
    client.login(username="agent", password=PASSWORD)
    few = _queries(client, url)
    cases(10, start=2)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(SHELL_PAGES[url]):
        client.get(url)


@pytest.mark.django_db
@pytest.mark.parametrize("url", sorted(WORKBENCH_PAGES))
def test_the_workbench_home_does_not_read_per_case(
    client, org, make_official, cases, url, django_assert_max_num_queries
):
    client.force_login(make_official("clerk", org.xihu_samr))
    cases(2)
    few = _queries(client, url)
    cases(10, start=2)
    assert _queries(client, url) == few
    with django_assert_max_num_queries(WORKBENCH_PAGES[url]):
        client.get(url)
