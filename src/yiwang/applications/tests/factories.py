"""Builders of valid applications for tests, through the submission service (the only way one is made)."""

from __future__ import annotations

import itertools
from typing import Any

from yiwang.accounts.models import User
from yiwang.applications.models import Application
from yiwang.applications.services import submit_application
from yiwang.catalog.models import ServiceItem

__all__ = ["application"]

_keys = itertools.count(1)


def application(
    item: ServiceItem,
    applicant: User,
    *,
    uploads: dict[int, Any] | None = None,
    on_behalf_of: User | None = None,
    key: str | None = None,
    **answers: Any,
) -> Application:
    """A submitted application of ``item`` by ``applicant`` with ``answers`` (a fresh idempotency key each)."""
    return submit_application(
        item,
        user=applicant,
        form_data=answers,
        idempotency_key=key or f"factory-{next(_keys):08d}",
        uploads=uploads,
        on_behalf_of=on_behalf_of,
    )
