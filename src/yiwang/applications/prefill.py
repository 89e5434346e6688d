"""免填: the fields of a form bound to registry data elements, filled from the applicant's own records."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from yiwang.accounts.models import Department, User
from yiwang.catalog.formschema import bound_elements
from yiwang.registries.elements import element_value
from yiwang.registries.models import DataElement, LegalEntity, Person


@dataclass(frozen=True)
class Prefilled:
    field: str
    value: Any
    element_code: str
    source: str  # the element's authoritative source (数据来源), for the read-only display


def _shown(value: Any) -> Any:
    """A registry value as a form field shows it: dates as ``YYYY-MM-DD`` (the form's date format)."""
    return value.isoformat() if isinstance(value, date) else value


def applicant_records(user: User) -> tuple[Person | None, LegalEntity | None]:
    person = Person.objects.with_id_number(user.id_number).first() if user.id_number else None
    entity = LegalEntity.objects.filter(uscc=user.enterprise_uscc).first() if user.enterprise_uscc else None
    return person, entity


def prefill(
    schema: dict[str, Any], user: User, *, records: tuple[Person | None, LegalEntity | None] | None = None
) -> dict[str, Prefilled]:
    """Field → registry value for every bound field whose record and value exist (``records``: the user's
    :func:`applicant_records`, when the caller has read them already)."""
    bound = bound_elements(schema)
    if not bound:
        return {}
    person, entity = records if records is not None else applicant_records(user)
    by_registry = {"person": person, "entity": entity}
    elements = {e.code: e for e in DataElement.objects.filter(code__in=bound.values())}
    out: dict[str, Prefilled] = {}
    for field, code in bound.items():
        element = elements.get(code)
        record = by_registry.get(code.split(".", 1)[0])
        if element is None or record is None:
            continue
        value = _shown(element_value(record, element.field_name))
        if value in (None, "", []):
            continue
        source = str(Department.Kind(element.source_kind).label)
        out[field] = Prefilled(field, value, code, source)
    return out
