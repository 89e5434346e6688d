"""API tokens for third-party clients (mobile app, kiosk, other government systems).

The raw token is shown once at issue; only its SM3 hash is stored, so a database leak reveals no usable token.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer

from yiwang.accounts.models import ApiToken, User
from yiwang.core import audit
from yiwang.core.crypto import sm3_hex

TOKEN_PREFIX = "yw_"  # noqa: S105 - a public marker, not a secret


def _hash(raw: str) -> str:
    return sm3_hex(raw.encode())


def issue_token(
    user: User, name: str, *, expires_at: datetime | None = None, actor: User | None = None
) -> tuple[ApiToken, str]:
    """Create a token for ``user``; returns the row and the raw secret (shown once, never stored)."""
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(user=user, name=name, prefix=prefix, secret_hash=_hash(raw), expires_at=expires_at)
    audit.record("auth.token_issued", actor=actor or user, obj=token, data={"user": user.username, "name": name})
    return token, raw


def revoke_token(token: ApiToken, *, actor: User) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record("auth.token_revoked", actor=actor, obj=token)


def user_for_token(raw: str) -> User | None:
    """The active user behind a raw token, or None if unknown, revoked, expired or the user is inactive.

    A user locked out by failed password attempts keeps their tokens: revoke a token to cut it off.
    """
    if not raw.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(secret_hash=_hash(raw)).first()
    now = timezone.now()
    if token is None or token.revoked_at is not None or (token.expires_at and token.expires_at <= now):
        return None
    # A password lockout is about passwords: it never cuts off an integration's token (whoever guesses the
    # password does not hold the token, and a locked-out account would otherwise take its integrations down).
    if not token.user.is_active:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


class ApiTokenAuth(HttpBearer):
    """``Authorization: Bearer yw_…`` for django-ninja routers."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
