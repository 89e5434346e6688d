"""Throttling password logins by client address, exactly, also under parallel requests.

The account lockout (``accounts.auth``) stops guessing one account's password; this stops one address from
guessing many accounts' (password spraying). At most ``YIWANG_LOGIN_MAX_FAILURES_PER_ADDRESS`` failed attempts
per address in each fixed window of ``YIWANG_LOGIN_ADDRESS_WINDOW_MINUTES``; then every password attempt from it
is refused until the window ends. Each attempt *reserves* a slot with one conditional UPDATE before the password
is checked and gives it back when the password was right, so N parallel attempts check at most the limit of
passwords — never one more. API tokens are never throttled or locked by this (a token is not a password).

The client address is ``REMOTE_ADDR``, or, behind ``YIWANG_TRUSTED_PROXY_COUNT`` reverse proxies, the address
the outermost trusted proxy saw (``X-Forwarded-For`` counted from the right, so a client cannot forge it).
IPv6 addresses count per /64, the block one subscriber holds.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.http import HttpRequest

from yiwang.accounts.models import LoginThrottle


def client_address(request: HttpRequest) -> str:
    """The client's address as the platform can trust it (see the module docstring); "" if unknown."""
    address = request.META.get("REMOTE_ADDR", "")
    hops = int(getattr(settings, "YIWANG_TRUSTED_PROXY_COUNT", 0))
    if hops > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _window(now: datetime) -> tuple[datetime, datetime]:
    minutes = settings.YIWANG_LOGIN_ADDRESS_WINDOW_MINUTES
    epoch_minutes = int(now.timestamp() // 60)
    start = datetime.fromtimestamp((epoch_minutes - epoch_minutes % minutes) * 60, tz=now.tzinfo)
    return start, start + timedelta(minutes=minutes)


def reserve_attempt(address: str, now: datetime) -> datetime | None:
    """Reserve one password attempt for ``address``: None if granted, else when the address may try again."""
    if not address:
        return None
    start, end = _window(now)
    LoginThrottle.objects.filter(address=address, window_start__lt=start).delete()  # past windows
    LoginThrottle.objects.get_or_create(address=address, window_start=start)
    granted = LoginThrottle.objects.filter(
        address=address, window_start=start, failures__lt=settings.YIWANG_LOGIN_MAX_FAILURES_PER_ADDRESS
    ).update(failures=F("failures") + 1)
    return None if granted else end


def release_attempt(address: str, now: datetime) -> None:
    """Give a reserved attempt back: the password was right, so it was not a failure."""
    if address:
        start, _end = _window(now)
        LoginThrottle.objects.filter(address=address, window_start=start, failures__gt=0).update(
            failures=F("failures") - 1
        )
