"""Small builders of valid users for tests (officials with their roles are built by the ``make_official`` fixture)."""

from __future__ import annotations

import itertools
from typing import Any

from yiwang.accounts.models import Department, User

PASSWORD = "Correct-Horse-9"
_seq = itertools.count(1)


def _username(prefix: str) -> str:
    return f"{prefix}{next(_seq)}"


def citizen(*, username: str | None = None, id_number: str = "", full_name: str = "", **fields: Any) -> User:
    """A person (自然人) user, linked to the population registry by ``id_number`` when given."""
    return User.objects.create_user(
        username=username or _username("citizen"),
        password=PASSWORD,
        kind=User.Kind.PERSON,
        id_number=id_number,
        full_name=full_name,
        **fields,
    )


def agent(*, enterprise_uscc: str, username: str | None = None, full_name: str = "", **fields: Any) -> User:
    """An enterprise's agent (经办人) acting for ``enterprise_uscc``."""
    return User.objects.create_user(
        username=username or _username("agent"),
        password=PASSWORD,
        kind=User.Kind.AGENT,
        enterprise_uscc=enterprise_uscc,
        full_name=full_name,
        **fields,
    )


def member(department: Department | None = None, *, username: str | None = None) -> User:
    """An official who only belongs to ``department``: no role assignment, so they may act for nothing."""
    return User.objects.create_user(
        username=username or _username("official"), password=PASSWORD, kind=User.Kind.OFFICIAL, department=department
    )
