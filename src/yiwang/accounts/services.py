"""Business operations on accounts: granting and revoking roles. Each is one transaction and audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, Role, RoleAssignment, User
from yiwang.core import audit
from yiwang.core.errors import PermissionDenied, ValidationFailed


def _grant_data(assignment: RoleAssignment) -> dict[str, str]:
    return {
        "user": assignment.user.username,
        "role": assignment.role.code,
        "department": assignment.department.code,
        "division": assignment.division_id,
    }


@transaction.atomic
def grant_role(
    user: User, role: Role, *, department: Department, division: Division, actor: User, reason: str = ""
) -> RoleAssignment:
    """Give ``user`` a role in a department over a division subtree (权限授予)."""
    if not actor.is_administrator:
        raise PermissionDenied(_("只有系统管理员可以授予角色"), field="role")
    if user.kind != User.Kind.OFFICIAL:
        raise ValidationFailed(_("只能向工作人员授予角色"), field="user", code="not_official")
    if not division.contains(department.division_id):
        raise ValidationFailed(_("管辖区划必须包含部门所在区划"), field="division", code="division_outside_department")
    assignment, _created = RoleAssignment.objects.get_or_create(
        user=user, role=role, department=department, division=division, defaults={"valid_until": None}
    )
    if assignment.valid_until is not None:
        assignment.valid_until = None
        assignment.save(update_fields=["valid_until"])
    audit.record("permission.grant", actor=actor, obj=assignment, reason=reason, data=_grant_data(assignment))
    return assignment


@transaction.atomic
def revoke_role(assignment: RoleAssignment, *, actor: User, reason: str = "") -> None:
    """End a role assignment now. The row is kept (with ``valid_until``) so that history stays readable."""
    if not actor.is_administrator:
        raise PermissionDenied(_("只有系统管理员可以撤销角色"), field="role")
    assignment.valid_until = timezone.now()
    assignment.save(update_fields=["valid_until"])
    audit.record("permission.revoke", actor=actor, obj=assignment, reason=reason, data=_grant_data(assignment))
