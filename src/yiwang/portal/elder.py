"""Elder mode (长辈版, 适老化): larger type and targets, simpler pages; the choice persists in a cookie.

A cookie rather than an account setting, so that it holds before login (the login page itself is large) and on
a shared hall computer it is one click away; ``elder_mode`` is the template context every page reads.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

ELDER_COOKIE = "yw_elder"
ELDER_COOKIE_AGE = 365 * 24 * 3600


def is_elder_mode(request: HttpRequest) -> bool:
    return request.COOKIES.get(ELDER_COOKIE) == "1"


def elder_mode(request: HttpRequest) -> dict[str, Any]:
    """Context processor: ``elder_mode`` for the layout (a class on ``<body>``) and the switch."""
    return {"elder_mode": is_elder_mode(request)}
