"""The platform's default roles. Permissions are granted per role and exercised inside a scope."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Role

DEFAULT_ROLES: dict[str, object] = {
    "acceptor": _("受理人员"),
    "approver": _("审批人员"),
    "auditor": _("审计人员"),
    "data_steward": _("数据管理员"),
}


# Permissions (app_label.codename) each default role carries, where the model defining them is installed.
DEFAULT_PERMISSIONS: dict[str, list[str]] = {
    "approver": ["registries.unmask_person"],
    "data_steward": ["registries.unmask_person"],
}


def ensure_default_roles() -> dict[str, Role]:
    """Create the default roles if missing, grant their default permissions (idempotent), return them by code."""
    roles: dict[str, Role] = {}
    for code, name in DEFAULT_ROLES.items():
        role, _created = Role.objects.get_or_create(code=code, defaults={"name": str(name)})
        for permission in DEFAULT_PERMISSIONS.get(code, []):
            app_label, codename = permission.split(".", 1)
            perm = Permission.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if perm is not None:
                role.permissions.add(perm)
        roles[code] = role
    return roles
