"""Production refuses weak secrets rather than warning about them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

_STRONG = "x" * 20 + "-production-secret-for-the-check-only-" + "y" * 20


def _start(tmp_path, **overrides: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "YIWANG_PROFILE": "production",
        "YIWANG_SECRET_KEY": _STRONG,
        "YIWANG_ALLOWED_HOSTS": "gov.example.cn",
        "YIWANG_FIELD_KEYS": "prod1:" + "ab" * 16,
        "YIWANG_FIELD_KEY_CURRENT": "prod1",
        "YIWANG_BLIND_INDEX_KEY": "cd" * 32,
        "YIWANG_DATA_DIR": str(tmp_path),
        **overrides,
    }
    return subprocess.run(
        [sys.executable, "-c", "import yiwang.settings"], env=env, capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("secret", ["abcde", "a" * 80, "django-insecure-" + "k" * 60])
def test_production_refuses_a_short_or_repetitive_secret_key(tmp_path, secret):
    result = _start(tmp_path, YIWANG_SECRET_KEY=secret)
    assert result.returncode != 0
    assert "YIWANG_SECRET_KEY is too weak" in result.stderr


def test_production_starts_with_a_strong_key_and_refuses_the_development_ledger_key(tmp_path):
    assert _start(tmp_path).returncode == 0
    from django.conf import settings

    result = _start(tmp_path, YIWANG_LEDGER_KEY=settings.YIWANG_LEDGER_KEY)
    assert result.returncode != 0 and "YIWANG_LEDGER_KEY" in result.stderr


def test_seed_on_a_fresh_data_directory_says_what_to_run_instead_of_crashing(tmp_path):
    env = {**os.environ, "YIWANG_DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "yiwang.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "django", "seed", "--persons", "10", "--enterprises", "2"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "yiwang migrate" in result.stderr and "Traceback" not in result.stderr
