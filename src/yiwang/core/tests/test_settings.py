"""The deployment profile is hardened, and every page carries a strict CSP with a per-response nonce."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_production_profile_passes_check_deploy(tmp_path):
    env = {
        **os.environ,
        "YIWANG_PROFILE": "production",
        "YIWANG_SECRET_KEY": "x" * 20 + "-production-secret-for-the-check-only-" + "y" * 20,
        "YIWANG_ALLOWED_HOSTS": "gov.example.cn",
        "YIWANG_FIELD_KEYS": "prod1:" + "ab" * 16,
        "YIWANG_FIELD_KEY_CURRENT": "prod1",
        "YIWANG_BLIND_INDEX_KEY": "cd" * 32,
        "YIWANG_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "yiwang.settings",
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests for Playwright, never in deployment
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_profile_refuses_to_start_without_a_secret(tmp_path):
    env = {**os.environ, "YIWANG_PROFILE": "production", "YIWANG_DATA_DIR": str(tmp_path)}
    env.pop("YIWANG_SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-c", "import yiwang.settings"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert "YIWANG_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_pages_have_a_strict_csp_with_a_fresh_nonce(client):
    first = client.get("/")
    second = client.get("/")
    policy = first["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "https:" not in policy and "unsafe-inline" not in policy
    nonce = policy.split("'nonce-")[1].split("'")[0]
    assert f'nonce="{nonce}"' in first.content.decode()  # every script on the page carries it
    assert nonce not in second["Content-Security-Policy"]


@pytest.mark.django_db
def test_default_language_is_chinese_and_english_is_available(client):
    assert '<html lang="zh-CN">' in client.get("/").content.decode()
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in response.content.decode()


def test_request_id_is_returned_and_kept(client, db):
    response = client.get("/api/v1/health", HTTP_X_REQUEST_ID="abcdef1234567890")
    assert response["X-Request-ID"] == "abcdef1234567890"
    assert len(client.get("/api/v1/health", HTTP_X_REQUEST_ID="bad id!")["X-Request-ID"]) == 32
