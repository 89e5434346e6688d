"""API tokens: hashed at rest, revocable, and scoped like the user behind them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yiwang.accounts.models import ApiToken
from yiwang.accounts.tokens import issue_token, revoke_token, user_for_token


@pytest.mark.django_db
def test_token_roundtrip_and_revocation(org, make_official, client):
    official = make_official("xihu", org.xihu_samr)
    token, raw = issue_token(official, "kiosk")
    assert raw not in ApiToken.objects.values_list("secret_hash", flat=True)
    assert user_for_token(raw) == official
    response = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200 and response.json()["username"] == "xihu"
    revoke_token(token, actor=official)
    assert user_for_token(raw) is None
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


@pytest.mark.django_db
def test_expired_and_garbage_tokens_are_refused(org, make_official, client):
    official = make_official("xihu", org.xihu_samr)
    _, raw = issue_token(official, "old", expires_at=timezone.now() - timedelta(minutes=1))
    assert user_for_token(raw) is None
    assert user_for_token("yw_garbage") is None
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer nonsense").status_code == 401


@pytest.mark.django_db
def test_health_is_public(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
