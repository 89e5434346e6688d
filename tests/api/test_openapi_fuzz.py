"""Fuzz the whole OpenAPI surface with schemathesis: no input may cause a server error (a 500 is always a bug).

Runs in-process against the WSGI application with an official's API token, so scoped endpoints are exercised
with real data behind them.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from yiwang.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_test_connection():
    """The WSGI app runs in-process: stop Django closing the test's database connection at the end of each request
    (Django's own test client does the same)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(org, make_official):
    from yiwang.accounts.tokens import issue_token
    from yiwang.registries.elements import load_elements
    from yiwang.registries.tests import factories

    load_elements()
    person = factories.person(org.xihu_town, name="韩接口")
    factories.entity(org.xihu_town, person, name="接口测试有限公司")
    _, raw = issue_token(make_official("fuzzer", org.xihu_samr), "fuzz")
    return raw


@pytest.mark.slow
@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_no_server_errors(case, token):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {token}"}
    response = case.call()
    assert response.status_code < 500, f"{case.method} {case.formatted_path} -> {response.status_code}"
