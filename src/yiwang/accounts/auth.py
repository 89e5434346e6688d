"""Login hardening: an account is locked for a while after repeated failed passwords; an address is throttled."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone

from yiwang.accounts.models import User
from yiwang.accounts.throttle import client_address, release_attempt, reserve_attempt


class LockoutModelBackend(ModelBackend):
    """Django's model backend plus login throttling by account and by client address, both exact.

    By account: after ``YIWANG_LOGIN_MAX_FAILURES`` consecutive failures the account is locked for
    ``YIWANG_LOGIN_LOCKOUT_MINUTES``; while locked even the right password is refused, so guessing gains nothing.
    By address: ``accounts.throttle`` (password spraying over many accounts). Each attempt reserves its slot with
    one conditional UPDATE *before* the password is checked, so parallel guesses cannot pass the limit; a right
    password gives the slot back and resets the account's counter. Only password logins pass here: an API token
    is never locked or throttled by a password attempt (``accounts.tokens``).
    """

    def authenticate(
        self, request: HttpRequest | None, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> User | None:
        if username is None or password is None:
            return None
        now = timezone.now()
        address = client_address(request) if request is not None else ""
        address_until = reserve_attempt(address, now)
        if address_until is not None:
            if request is not None:
                request.yiwang_throttled_until = address_until  # type: ignore[attr-defined]
            return None
        user = User.objects.filter(username=username).first()
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle for unknown names
            return None
        if not self._reserve(user, now, request):
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            User.objects.filter(pk=user.pk).update(failed_login_count=0, locked_until=None)
            release_attempt(address, now)
            return user
        self._register_failure(user, now, request)
        return None

    @staticmethod
    def _locked(until: Any, request: HttpRequest | None) -> bool:
        if request is not None:
            request.yiwang_locked_until = until  # type: ignore[attr-defined]
        return False

    def _reserve(self, user: User, now: Any, request: HttpRequest | None) -> bool:
        """Reserve one of the account's attempts (False, with the lock's end on the request, when locked)."""
        if user.is_locked(now):
            return self._locked(user.locked_until, request)
        granted = (
            User.objects.filter(pk=user.pk, failed_login_count__lt=settings.YIWANG_LOGIN_MAX_FAILURES)
            .filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now))
            .update(failed_login_count=F("failed_login_count") + 1)
        )
        if granted:
            return True
        # the last attempts are being checked in parallel right now: this one waits for the lock like the rest
        locked_until = User.objects.filter(pk=user.pk).values_list("locked_until", flat=True).get()
        return self._locked(locked_until or now + timedelta(minutes=settings.YIWANG_LOGIN_LOCKOUT_MINUTES), request)

    @staticmethod
    def _register_failure(user: User, now: Any, request: HttpRequest | None) -> None:
        """The reserved attempt failed: at the limit, lock the account for the lockout period."""
        limit = settings.YIWANG_LOGIN_MAX_FAILURES
        until = now + timedelta(minutes=settings.YIWANG_LOGIN_LOCKOUT_MINUTES)
        with transaction.atomic():
            locked = User.objects.filter(pk=user.pk, failed_login_count__gte=limit).update(
                locked_until=until, failed_login_count=0
            )
        if locked and request is not None:
            request.yiwang_locked_until = until  # type: ignore[attr-defined]
