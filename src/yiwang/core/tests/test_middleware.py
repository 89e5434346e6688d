"""A NUL byte in a path or query is refused with 400 by one middleware, before any view or database sees it."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "part"),
    [
        ("/services/?q=%00", "query"),
        ("/services/?q=%E5%BC%80%00%E9%A5%AD%E5%BA%97", "query"),
        ("/services/%00/", "path"),
        ("/certificates/verify/AB%00CD/", "path"),
        ("/api/v1/catalog/items?q=%00", "query"),
        ("/api/v1/certificates/verify/%00", "path"),
    ],
)
def test_a_nul_byte_is_refused_with_400_naming_the_part(client, url, part):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        body = response.json()
        assert body["field"] == part and "NUL" in body["message"]
    else:
        assert "NUL" in response.content.decode()


@pytest.mark.django_db
def test_a_request_without_nul_goes_through(client):
    assert client.get("/services/?q=%E5%BC%80%E9%A5%AD%E5%BA%97").status_code == 200
