"""Login hardening: lockout after repeated failures, with a message that says until when."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from yiwang.accounts.models import User
from yiwang.core.models import AuditEntry

PASSWORD = "Correct-Horse-9"


def _login(client, password):
    return client.post(reverse("accounts:login"), {"username": "zhang", "password": password})


@pytest.mark.django_db
@override_settings(YIWANG_LOGIN_MAX_FAILURES=3, YIWANG_LOGIN_LOCKOUT_MINUTES=15)
def test_lockout_after_failures_refuses_even_the_right_password(client):
    User.objects.create_user(username="zhang", password=PASSWORD)
    for _ in range(3):
        response = _login(client, "wrong-password")
        assert response.status_code == 200
    user = User.objects.get(username="zhang")
    assert user.is_locked()
    response = _login(client, PASSWORD)
    assert response.status_code == 200
    assert "账户已被锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_success_resets_counter_and_is_audited(client):
    User.objects.create_user(username="zhang", password=PASSWORD)
    _login(client, "wrong-password")
    assert User.objects.get(username="zhang").failed_login_count == 1
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert User.objects.get(username="zhang").failed_login_count == 0
    actions = list(AuditEntry.objects.order_by("seq").values_list("action", flat=True))
    assert any("fail" in a for a in actions) and any("login" in a and "fail" not in a for a in actions)


@pytest.mark.django_db
def test_unknown_user_gets_the_same_message(client):
    response = client.post(reverse("accounts:login"), {"username": "nobody", "password": "whatever-123"})
    assert "用户名或密码错误" in response.content.decode()
