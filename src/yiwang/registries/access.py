"""Reading personal data: scope, purpose and masking (ARCHITECTURE.md, Authorisation).

Every read of a person goes through :func:`read_person`. Values are masked by each element's default rule;
a caller sees them in clear only by declaring a purpose from the list of their role (``registries.purposes``) *and*
holding ``registries.unmask_person`` through a role whose scope covers the person's division. Each unmasked read is
written to the audit ledger with its purpose.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.scopes import has_scoped_permission, in_scope, user_scopes
from yiwang.core import audit
from yiwang.core.errors import NotFound, PermissionDenied
from yiwang.registries import masking
from yiwang.registries.elements import element_for
from yiwang.registries.models import Person, UnmaskPurpose
from yiwang.registries.purposes import parse_declaration, purposes_for_roles

UNMASK_PERMISSION = "registries.unmask_person"

PERSON_FIELDS = [
    "id_number",
    "name",
    "gender",
    "birth_date",
    "ethnicity",
    "division",
    "address",
    "phone",
    "is_deceased",
]


def _value(person: Person, field: str) -> Any:
    value = getattr(person, "division_id" if field == "division" else field)
    return value.isoformat() if hasattr(value, "isoformat") else value


def rule_for(registry: str, field: str) -> str:
    """The masking rule of one registry field: its data element's (``DataElement.mask``); none if unlisted."""
    element = element_for(registry, field)
    return element.mask if element else masking.NONE


def mask_value(registry: str, field: str, value: Any) -> Any:
    """One registry field masked by its element's rule (a view of one field: a list column, an API attribute)."""
    return masking.mask(rule_for(registry, field), value)


def mask_record(registry: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """Several fields of one record masked as one view (``masking.mask_view``): pages, exports, API, GovStack."""
    return masking.mask_view((name, rule_for(registry, name), value) for name, value in values.items())


def can_unmask(user: User, person: Person) -> bool:
    return has_scoped_permission(user, UNMASK_PERMISSION, person.division_id)


def declarable_purposes(user: User, person: Person | None = None) -> list[UnmaskPurpose]:
    """The purposes ``user`` may declare for ``person``: those of the roles they hold over the person's division."""
    if user.is_administrator:
        return purposes_for_roles(None)
    roles = {
        s.role_code for s in user_scopes(user) if person is None or person.division_id.startswith(s.division_prefix)
    }
    return purposes_for_roles(roles)


@transaction.atomic
def read_person(user: User, person: Person, *, purpose: str = "", own: bool = False) -> dict[str, Any]:
    """The person's registry data as ``user`` may see it.

    ``own`` is for a citizen reading their own record (no masking, no purpose). An official outside scope gets
    NotFound; asking to unmask without the right is PermissionDenied; a purpose that is not in the list of the
    official's roles (``registries.purposes``) is refused, naming the purposes they may declare.
    """
    if own:
        if user.id_number != person.id_number:
            raise PermissionDenied(_("只能查看本人信息"), field="id_number")
        return {field: _value(person, field) for field in PERSON_FIELDS}
    if not in_scope(user, person, department_field=None):
        raise NotFound(_("未找到该人员"), field="person")
    purpose = purpose.strip()
    if not purpose:
        return mask_record("person", {field: _value(person, field) for field in PERSON_FIELDS})
    if not can_unmask(user, person):
        raise PermissionDenied(_("您没有查看未脱敏个人信息的权限"), field="purpose")
    declared, supplement = parse_declaration(purpose, declarable_purposes(user, person))
    reason = f"{declared.name}：{supplement}" if supplement else declared.name
    audit.record(
        "registry.person.unmask",
        actor=user,
        obj=person,
        reason=reason,
        data={"fields": PERSON_FIELDS, "purpose": declared.code},
    )
    return {field: _value(person, field) for field in PERSON_FIELDS}


#: Ledger actions that are a read of one person's or firm's record by someone else: a grant's read, a 授权运营
#: verification, an official's unmasking (谁看了我的数据, GovStack MyPersonalDataUsage).
PERSONAL_DATA_READS = ("sharing.read", "sharing.verify", "registry.person.unmask")
