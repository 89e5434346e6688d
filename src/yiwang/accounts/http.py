"""What pages need of accounts: typed authenticated requests and the guard of the officials' pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from yiwang.accounts.models import User

__all__ = ["AuthedRequest", "official_required"]


class AuthedRequest(HttpRequest):
    user: User


def official_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Only officials and administrators enter an officials' page (every app's ``views/workbench.py``).

    This is the door, not the permission: what an official may see or do inside is decided by the scoped
    selectors and by :func:`yiwang.accounts.permissions.acts_for` in the services.
    """

    @login_required
    @wraps(view)
    def wrapped(request: AuthedRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not (user.is_official or user.is_administrator):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped
