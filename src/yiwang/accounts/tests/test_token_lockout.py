"""Failed password attempts lock the password login, never an integration's API token."""

from __future__ import annotations

import pytest
from django.test import Client

from yiwang.accounts.tokens import issue_token


@pytest.mark.django_db
def test_guessing_the_password_locks_the_login_but_not_the_token(org, make_official, settings):
    official = make_official("kiosk-owner", org.xihu_samr)
    _, raw = issue_token(official, "kiosk")
    for _attempt in range(settings.YIWANG_LOGIN_MAX_FAILURES):
        Client().post("/accounts/login/", {"username": "kiosk-owner", "password": "wrong-guess-123"})
    official.refresh_from_db()
    assert official.is_locked()
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["username"] == "kiosk-owner"
