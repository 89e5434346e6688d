"""Errors of the sharing domain that the generic ones do not cover."""

from __future__ import annotations

from yiwang.core.errors import DomainError


class RateLimited(DomainError):
    """A grant's rate or daily volume is used up (HTTP 429)."""

    status_code = 429
    default_code = "rate_limited"
