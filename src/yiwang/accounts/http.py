"""Typing for requests that passed authentication, so views can read ``request.user.kind`` without casts."""

from __future__ import annotations

from django.http import HttpRequest

from yiwang.accounts.models import User


class AuthedRequest(HttpRequest):
    user: User
