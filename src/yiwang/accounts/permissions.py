"""Who may act for a department: the one official-permission predicate of the platform (role × department × scope).

Every app asks :func:`acts_for` (or :func:`require_acts_for`, which raises) before an official changes anything of a
department's: publishing an item, deciding a case, running a policy, issuing a certificate, writing a registry.
An official acts for a department only through a :class:`~yiwang.accounts.models.RoleAssignment` in force in that
department whose division subtree covers the object's division; membership of the department alone grants nothing
(a clerk moved to another office keeps ``User.department`` until someone edits it, but loses the role at once).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.accounts.scopes import user_scopes
from yiwang.core.errors import PermissionDenied

__all__ = ["acts_for", "covered_divisions", "require_acts_for", "require_authenticated"]


def _division_code(division: Division | str | None) -> str | None:
    if division is None:
        return None
    return division if isinstance(division, str) else division.code


def acts_for(
    actor: Any,
    department: Department | None,
    *,
    division: Division | str | None = None,
    roles: Iterable[str] | None = None,
) -> bool:
    """Whether ``actor`` may act for ``department`` (any department when ``None``) over ``division``.

    An administrator may always. An official may when one of their role assignments in force is in that department,
    covers ``division`` (the object's division; the department's own when not given) and, when ``roles`` is given,
    is one of those roles. Anybody else (a citizen, an agent, an anonymous or inactive user) may not.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_administrator:
        return True
    if not actor.is_official:
        return False
    code = _division_code(division)
    if code is None and department is not None:
        code = department.division_id
    wanted = set(roles) if roles is not None else None
    for scope in user_scopes(actor):
        if department is not None and scope.department_id != department.pk:
            continue
        if wanted is not None and scope.role_code not in wanted:
            continue
        if code is not None and not code.startswith(scope.division_prefix):
            continue
        return True
    return False


def covered_divisions(
    actor: Any, department: Department | None, *, roles: Iterable[str] | None = None
) -> Callable[[str], bool]:
    """:func:`acts_for` over many divisions at once (a bulk import): whether ``actor`` acts for ``department`` over
    a given division code, with the actor's scopes read once. The same rule, not a second one."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return lambda code: False
    if actor.is_administrator:
        return lambda code: True
    if not actor.is_official:
        return lambda code: False
    wanted = set(roles) if roles is not None else None
    prefixes = tuple(
        scope.division_prefix
        for scope in user_scopes(actor)
        if (department is None or scope.department_id == department.pk)
        and (wanted is None or scope.role_code in wanted)
    )
    return lambda code: bool(prefixes) and str(code).startswith(prefixes)


def require_authenticated(actor: Any) -> User:
    """The actor, or :class:`PermissionDenied` ("请先登录") for nobody or an anonymous user."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"), field="actor")
    return actor


def require_acts_for(
    actor: Any,
    department: Department | None,
    *,
    division: Division | str | None = None,
    roles: Iterable[str] | None = None,
    message: str | Promise | None = None,
    field: str = "actor",
) -> User:
    """:func:`acts_for` or :class:`PermissionDenied` with ``message`` (translated) naming ``field``."""
    user = require_authenticated(actor)
    if not acts_for(user, department, division=division, roles=roles):
        raise PermissionDenied(message or _("您不是该部门在此辖区内有相应职责的工作人员，无权办理"), field=field)
    return user
