"""Django settings for Yiwang.

One settings module, configured from the environment (twelve-factor):

- ``YIWANG_PROFILE``: ``dev`` (default) or ``production``. Production refuses to start without a secret key and
  allowed hosts, and turns on every ``manage.py check --deploy`` hardening.
- ``DATABASE_URL``: e.g. ``postgres://user@127.0.0.1:5432/yiwang``; default is SQLite (WAL) in the data directory.
- ``YIWANG_DATA_DIR``: where the SQLite file, uploads and generated files live (default ``./var``).
- ``YIWANG_SECRET_KEY``, ``YIWANG_ALLOWED_HOSTS`` (comma separated), ``YIWANG_FIELD_KEYS`` (SM4 keys, later).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
PROFILE = os.environ.get("YIWANG_PROFILE", "dev")
if PROFILE not in {"dev", "production"}:
    raise RuntimeError(f"YIWANG_PROFILE must be 'dev' or 'production', not {PROFILE!r}")
PRODUCTION = PROFILE == "production"

DATA_DIR = Path(os.environ.get("YIWANG_DATA_DIR", Path.cwd() / "var")).resolve()

_DEV_SECRET = "dev-only-insecure-secret-key-do-not-use-in-production-0123456789"  # noqa: S105
SECRET_KEY = os.environ.get("YIWANG_SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION and (not SECRET_KEY or SECRET_KEY == _DEV_SECRET):
    raise RuntimeError("YIWANG_SECRET_KEY must be set in the production profile")
# The bar of Django's own deployment check (security.W009): a shorter or repetitive key signs sessions and
# password-reset links that can be forged. Production refuses to start rather than warn.
if PRODUCTION and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure-")):
    raise RuntimeError(
        "YIWANG_SECRET_KEY is too weak for the production profile: use at least 50 random characters "
        '(e.g. python -c "import secrets; print(secrets.token_urlsafe(64))")'
    )

DEBUG = not PRODUCTION and os.environ.get("YIWANG_DEBUG", "1") == "1"
ALLOWED_HOSTS = [h for h in os.environ.get("YIWANG_ALLOWED_HOSTS", "").split(",") if h] or (
    [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"]
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "yiwang.core",
    "yiwang.accounts",
    "yiwang.registries",
    "yiwang.certificates",
    "yiwang.policies",
    "yiwang.sharing",
    "yiwang.catalog",
    "yiwang.applications",
    "yiwang.bundles",
    "yiwang.channels",
    "yiwang.regulation",
    "yiwang.collaboration",
    "yiwang.supervision",
    "yiwang.risk",
    "yiwang.disclosure",
    "yiwang.portal",
    "yiwang.workbench",
    "yiwang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yiwang.core.middleware.RequestIdMiddleware",
    "yiwang.core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "yiwang.urls"
WSGI_APPLICATION = "yiwang.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "yiwang.core.notify.unread_count",
                "yiwang.core.menus.menus",
                "yiwang.portal.elder.elder_mode",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "yiwang.sqlite3",
        "OPTIONS": {
            # WAL lets readers run beside the one writer; IMMEDIATE takes the write lock at BEGIN so that two
            # writers never deadlock half-way through a transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["yiwang.accounts.auth.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login hardening: this many failed attempts for one account within the window lock it for the window.
YIWANG_LOGIN_MAX_FAILURES = int(os.environ.get("YIWANG_LOGIN_MAX_FAILURES", "5"))
YIWANG_LOGIN_LOCKOUT_MINUTES = int(os.environ.get("YIWANG_LOGIN_LOCKOUT_MINUTES", "15"))
# ... and at most this many failed attempts from one client address (IPv6: one /64) in each window of minutes
# (password spraying over many accounts); behind reverse proxies, say how many so X-Forwarded-For is read right.
YIWANG_LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("YIWANG_LOGIN_MAX_FAILURES_PER_ADDRESS", "30"))
YIWANG_LOGIN_ADDRESS_WINDOW_MINUTES = int(os.environ.get("YIWANG_LOGIN_ADDRESS_WINDOW_MINUTES", "15"))
YIWANG_TRUSTED_PROXY_COUNT = int(os.environ.get("YIWANG_TRUSTED_PROXY_COUNT", "0"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"  # shown to people; storage is UTC because USE_TZ is on
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]  # the project's own assets and vendored libraries
STATIC_ROOT = DATA_DIR / "static"
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves from the finders in dev
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
MEDIA_ROOT = DATA_DIR / "media"

# The public address printed in QR codes of e-certificates; empty = the host of the request.
YIWANG_PUBLIC_BASE_URL = os.environ.get("YIWANG_PUBLIC_BASE_URL", "")

# API pages: bounded, so that no client can ask the database for an absurd slice (a 500 is always a bug).
NINJA_PAGINATION_MAX_LIMIT = 100
NINJA_PAGINATION_MAX_OFFSET = 1_000_000

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# SM4 keys for personal data at rest (id numbers, phones, issuers' private keys) and the HMAC-SM3 key of the blind
# indexes that keep exact lookup working. YIWANG_FIELD_KEYS="2026a:<32 hex>,2027a:<32 hex>" lists every key that
# may still be found in the database; YIWANG_FIELD_KEY_CURRENT names the one new data is encrypted with. Rotation:
# add a key, make it current, run `yiwang rotate_field_keys`, then drop the old one (docs/operations.md).
# The dev keys below are public: the production profile refuses to start with them.
_DEV_FIELD_KEYS = "dev2026:000102030405060708090a0b0c0d0e0f"
_DEV_BLIND_INDEX_KEY = "6465762d626c696e642d696e6465782d6b65792d32303236"
YIWANG_FIELD_KEYS = {
    key_id.strip(): key.strip()
    for key_id, key in (
        item.split(":", 1)
        for item in os.environ.get("YIWANG_FIELD_KEYS", "" if PRODUCTION else _DEV_FIELD_KEYS).split(",")
        if ":" in item
    )
}
YIWANG_FIELD_KEY_CURRENT = os.environ.get("YIWANG_FIELD_KEY_CURRENT", "" if PRODUCTION else "dev2026")
# Ciphertexts are bound to their row (core.fields); tokens written before that (bound to their column only) still
# decrypt while this is on. After `yiwang rotate_field_keys` has rewritten them all, set it to 0.
YIWANG_FIELD_LEGACY_TOKENS = os.environ.get("YIWANG_FIELD_LEGACY_TOKENS", "1") not in ("0", "false", "no")
YIWANG_BLIND_INDEX_KEY = os.environ.get("YIWANG_BLIND_INDEX_KEY", "" if PRODUCTION else _DEV_BLIND_INDEX_KEY)
if PRODUCTION and (
    not YIWANG_FIELD_KEYS
    or YIWANG_FIELD_KEY_CURRENT not in YIWANG_FIELD_KEYS
    or not YIWANG_BLIND_INDEX_KEY
    or YIWANG_BLIND_INDEX_KEY == _DEV_BLIND_INDEX_KEY
    or _DEV_FIELD_KEYS.split(":")[1] in YIWANG_FIELD_KEYS.values()
):
    raise RuntimeError(
        "YIWANG_FIELD_KEYS, YIWANG_FIELD_KEY_CURRENT and YIWANG_BLIND_INDEX_KEY must be set in the production profile"
    )

# The SM2 key that signs checkpoints of the audit ledger's head (``yiwang audit checkpoint``, ``/api/v1/audit/head``),
# as 64 hex digits. Production has no default: checkpoints are refused until an operator sets one.
_DEV_LEDGER_KEY = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8"
YIWANG_LEDGER_KEY = os.environ.get("YIWANG_LEDGER_KEY", "" if PRODUCTION else _DEV_LEDGER_KEY)
#: Hash chains of the audit ledger on PostgreSQL: concurrent transactions append to different chains instead of all
#: queueing for one head (SQLite has a single writer and always uses one chain). Changing it is safe: a chain no
#: longer appended to keeps its head, which checkpoints still seal.
YIWANG_AUDIT_SHARDS = int(os.environ.get("YIWANG_AUDIT_SHARDS", "32"))
if PRODUCTION and YIWANG_LEDGER_KEY == _DEV_LEDGER_KEY:
    raise RuntimeError("YIWANG_LEDGER_KEY must not be the development key in the production profile")

# Strict CSP: nothing from other origins, scripts only with this response's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_SSL_REDIRECT = os.environ.get("YIWANG_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("YIWANG_LOG_LEVEL", "INFO")},
    "loggers": {"jieba": {"level": "WARNING"}},
}

# Notifications (yiwang.core.notify): in-portal messages plus these channels, delivered from the outbox table by
# the `deliver_pending` task and by `yiwang notify deliver` (run it every minute from cron: it re-sends whatever a
# lost task left pending). Channels are classes by dotted path (yiwang.core.channels); the demo's "SMS gateway"
# is a JSON-lines file under YIWANG_NOTIFY_FILE_DIR. A failed send is retried after RETRY_SECONDS, doubling each
# time, for MAX_ATTEMPTS attempts in all; LEASE_SECONDS must exceed a channel's longest send.
YIWANG_NOTIFY_CHANNELS = {
    "sms": os.environ.get("YIWANG_NOTIFY_SMS_CHANNEL", "yiwang.core.channels.FileChannel"),
    "email": os.environ.get("YIWANG_NOTIFY_EMAIL_CHANNEL", "yiwang.core.channels.ConsoleChannel"),
}
YIWANG_NOTIFY_FILE_DIR = DATA_DIR / "outbox"
YIWANG_NOTIFY_MAX_ATTEMPTS = int(os.environ.get("YIWANG_NOTIFY_MAX_ATTEMPTS", "6"))
YIWANG_NOTIFY_RETRY_SECONDS = int(os.environ.get("YIWANG_NOTIFY_RETRY_SECONDS", "60"))
YIWANG_NOTIFY_LEASE_SECONDS = int(os.environ.get("YIWANG_NOTIFY_LEASE_SECONDS", "300"))
YIWANG_NOTIFY_BATCH_SIZE = int(os.environ.get("YIWANG_NOTIFY_BATCH_SIZE", "100"))
