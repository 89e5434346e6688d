"""Who may answer for an enterprise's offer: one of its agents (经办人).

Officials are checked by the platform's one predicate, :func:`yiwang.accounts.permissions.require_acts_for`
(role × department × division scope), asked with the policy's department by every operation of an official.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_authenticated
from yiwang.core.errors import PermissionDenied


def require_agent_of(actor: Any, uscc: str) -> User:
    """``actor`` is an agent of the enterprise ``uscc``, or :class:`PermissionDenied`."""
    user = require_authenticated(actor)
    if user.kind != User.Kind.AGENT or user.enterprise_uscc != uscc:
        raise PermissionDenied(_("只有该企业的经办人可以确认或放弃本企业的政策兑现"), field="actor")
    return user
