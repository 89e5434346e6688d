"""The platform's default roles. Permissions are granted per role and exercised inside a scope."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Role

DEFAULT_ROLES: dict[str, object] = {
    "acceptor": _("受理人员"),
    "approver": _("审批人员"),
    "auditor": _("审计人员"),
    "data_steward": _("数据管理员"),
}


def ensure_default_roles() -> dict[str, Role]:
    """Create the default roles if missing (idempotent) and return them by code."""
    roles: dict[str, Role] = {}
    for code, name in DEFAULT_ROLES.items():
        role, _created = Role.objects.get_or_create(code=code, defaults={"name": str(name)})
        roles[code] = role
    return roles
