"""Reading personal data: scope, purpose and masking (ARCHITECTURE.md, Authorisation).

Every read of a person goes through :func:`read_person`. Values are masked by each element's default rule;
a caller sees them in clear only by stating a purpose *and* holding ``registries.unmask_person`` through a role
whose scope covers the person's division. Each unmasked read is written to the audit ledger with its purpose.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.scopes import has_scoped_permission, in_scope
from yiwang.core import audit
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.registries.elements import element_for
from yiwang.registries.masking import mask_address, mask_id_number, mask_name, mask_phone
from yiwang.registries.models import DataElement, Person

UNMASK_PERMISSION = "registries.unmask_person"
MIN_PURPOSE_LENGTH = 4

_MASKS: dict[str, Callable[[str], str]] = {
    DataElement.Mask.ID_NUMBER: mask_id_number,
    DataElement.Mask.PHONE: mask_phone,
    DataElement.Mask.NAME: mask_name,
    DataElement.Mask.ADDRESS: mask_address,
    DataElement.Mask.FULL: lambda value: "*" * len(value),
}
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


def mask_value(registry: str, field: str, value: Any) -> Any:
    element = element_for(registry, field)
    mask = _MASKS.get(element.mask) if element else None
    return mask(value) if mask and isinstance(value, str) and value else value


def can_unmask(user: User, person: Person) -> bool:
    return has_scoped_permission(user, UNMASK_PERMISSION, person.division_id)


@transaction.atomic
def read_person(user: User, person: Person, *, purpose: str = "", own: bool = False) -> dict[str, Any]:
    """The person's registry data as ``user`` may see it.

    ``own`` is for a citizen reading their own record (no masking, no purpose). An official outside scope gets
    NotFound; asking to unmask without the right is PermissionDenied, and a too-short purpose is refused.
    """
    if own:
        if user.id_number != person.id_number:
            raise PermissionDenied(_("只能查看本人信息"), field="id_number")
        return {field: _value(person, field) for field in PERSON_FIELDS}
    if not in_scope(user, person, department_field=None):
        raise NotFound(_("未找到该人员"), field="person")
    purpose = purpose.strip()
    if not purpose:
        return {field: mask_value("person", field, _value(person, field)) for field in PERSON_FIELDS}
    if len(purpose) < MIN_PURPOSE_LENGTH:
        raise ValidationFailed(
            _("查看未脱敏信息须写明具体用途（至少 4 个字）"), field="purpose", code="purpose_too_short"
        )
    if not can_unmask(user, person):
        raise PermissionDenied(_("您没有查看未脱敏个人信息的权限"), field="purpose")
    audit.record("registry.person.unmask", actor=user, obj=person, reason=purpose, data={"fields": PERSON_FIELDS})
    return {field: _value(person, field) for field in PERSON_FIELDS}


#: Ledger actions that are a read of one person's or firm's record by someone else: a grant's read, a 授权运营
#: verification, an official's unmasking (谁看了我的数据, GovStack MyPersonalDataUsage).
PERSONAL_DATA_READS = ("sharing.read", "sharing.verify", "registry.person.unmask")
