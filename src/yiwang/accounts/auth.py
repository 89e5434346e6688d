"""Login hardening: an account is locked for a while after repeated failed passwords."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from yiwang.accounts.models import User


class LockoutModelBackend(ModelBackend):
    """Django's model backend plus a per-account lockout.

    After ``YIWANG_LOGIN_MAX_FAILURES`` consecutive failures the account is locked for
    ``YIWANG_LOGIN_LOCKOUT_MINUTES``; while locked even the right password is refused, so guessing gains nothing.
    A success resets the counter. The counter is updated with F() so that parallel guesses all count.
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle for unknown names
            return None
        now = timezone.now()
        if user.is_locked(now):
            if request is not None:
                request.yiwang_locked_until = user.locked_until  # type: ignore[attr-defined]
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            if user.failed_login_count or user.locked_until:
                User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            return user
        self._register_failure(user, now, request)
        return None

    @staticmethod
    def _register_failure(user: User, now: Any, request: HttpRequest | None) -> None:
        limit = settings.YIWANG_LOGIN_MAX_FAILURES
        with transaction.atomic():
            User.objects.filter(pk=user.pk).update(failed_login_count=F("failed_login_count") + 1)
            count = User.objects.filter(pk=user.pk).values_list("failed_login_count", flat=True).get()
            if count >= limit:
                until = now + timedelta(minutes=settings.YIWANG_LOGIN_LOCKOUT_MINUTES)
                User.objects.filter(pk=user.pk).update(locked_until=until, failed_login_count=0)
                if request is not None:
                    request.yiwang_locked_until = until  # type: ignore[attr-defined]
