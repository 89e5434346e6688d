"""Logins are throttled by client address as well as by account, exactly, also under parallel requests.

Issue 16 item 9: there was no throttling by address (one address could spray passwords over every account), and
the per-account limit read the counter before checking the password, so parallel guesses all passed.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from yiwang.accounts.auth import LockoutModelBackend
from yiwang.accounts.models import LoginThrottle, User
from yiwang.accounts.throttle import client_address, release_attempt, reserve_attempt
from yiwang.accounts.tokens import issue_token

PASSWORD = "Correct-Horse-9"


def _login(username, password, address="203.0.113.7", client=None):
    return (client or Client()).post(
        reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.django_db
@override_settings(YIWANG_LOGIN_MAX_FAILURES_PER_ADDRESS=4, YIWANG_LOGIN_MAX_FAILURES=5)
def test_one_address_cannot_spray_passwords_over_many_accounts(org, make_official):
    users = [User.objects.create_user(username=f"u{i}", password=PASSWORD) for i in range(6)]
    for user in users[:4]:
        _login(user.username, "wrong-guess-123")
    refused = _login(users[4].username, PASSWORD)  # even the right password: the address is throttled
    assert refused.status_code == 200 and "网络地址" in refused.content.decode()
    assert _login(users[5].username, PASSWORD, address="198.51.100.9").status_code == 302  # another address
    assert not any(User.objects.get(pk=u.pk).is_locked() for u in users)  # no account was locked by this
    official = make_official("integration", org.xihu_samr)
    _, raw = issue_token(official, "t")
    token = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}", REMOTE_ADDR="203.0.113.7")
    assert token.status_code == 200  # a token is never throttled by password attempts


@pytest.mark.django_db
@override_settings(YIWANG_LOGIN_MAX_FAILURES_PER_ADDRESS=3, YIWANG_LOGIN_ADDRESS_WINDOW_MINUTES=15)
def test_the_limit_is_per_window_and_a_right_password_gives_its_slot_back():
    now = datetime(2026, 12, 3, 8, 1, tzinfo=UTC)
    assert [reserve_attempt("203.0.113.7", now) for _ in range(3)] == [None, None, None]
    assert reserve_attempt("203.0.113.7", now) == datetime(2026, 12, 3, 8, 15, tzinfo=UTC)
    release_attempt("203.0.113.7", now)  # one of the three was a right password
    assert reserve_attempt("203.0.113.7", now) is None
    assert reserve_attempt("203.0.113.7", now + timedelta(minutes=13)) is not None
    assert reserve_attempt("203.0.113.7", now + timedelta(minutes=14)) is None  # the next window (08:15)
    assert LoginThrottle.objects.count() == 1  # past windows are cleaned up


@pytest.mark.django_db
@override_settings(YIWANG_LOGIN_MAX_FAILURES=3)
def test_every_attempt_past_the_account_limit_is_refused_without_a_password_check(monkeypatch):
    user = User.objects.create_user(username="zhang", password=PASSWORD)
    checks = []
    original = User.check_password
    monkeypatch.setattr(User, "check_password", lambda self, raw: checks.append(raw) or original(self, raw))
    for attempt in range(10):
        _login("zhang", f"guess-{attempt}-abc", address=f"192.0.2.{attempt}")
    assert len(checks) == 3 and User.objects.get(pk=user.pk).is_locked()


def test_the_client_address_behind_proxies_cannot_be_forged(settings):
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.7")
    settings.YIWANG_TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"  # no proxy trusted: the header is the client's own words
    settings.YIWANG_TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.7"  # what our proxy saw, not the forged "1.2.3.4"
    settings.YIWANG_TRUSTED_PROXY_COUNT = 0
    v6 = factory.get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    assert client_address(v6) == "2001:db8:1:2::/64"
    assert client_address(factory.get("/", REMOTE_ADDR="::ffff:203.0.113.7")) == "203.0.113.7"


@pytest.mark.django_db(transaction=True)
@override_settings(YIWANG_LOGIN_MAX_FAILURES=5, YIWANG_LOGIN_MAX_FAILURES_PER_ADDRESS=8)
def test_parallel_guesses_check_exactly_the_limit_of_passwords(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("parallel writers need PostgreSQL (SQLite serialises the whole database)")
    User.objects.create_user(username="target", password=PASSWORD)
    for i in range(20):
        User.objects.create_user(username=f"other{i}", password=PASSWORD)
    checks: list[str] = []
    lock = threading.Lock()
    original = User.check_password

    def counting(self, raw):
        with lock:
            checks.append(self.username)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    backend = LockoutModelBackend()
    factory = RequestFactory()

    def attempt(username: str, address: str) -> None:
        try:
            backend.authenticate(factory.post("/", REMOTE_ADDR=address), username=username, password="wrong-guess")
        finally:
            connection.close()

    one_account = [threading.Thread(target=attempt, args=("target", f"192.0.2.{i}")) for i in range(20)]
    one_address = [threading.Thread(target=attempt, args=(f"other{i}", "203.0.113.7")) for i in range(20)]
    for thread in one_account + one_address:
        thread.start()
    for thread in one_account + one_address:
        thread.join()
    assert checks.count("target") == 5  # the account's limit, not one more
    assert len(checks) - checks.count("target") == 8  # the address's limit, not one more
