"""Scoped reads of the registries. Officials see only records inside their division subtree."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.scopes import scope_queryset, user_scopes
from yiwang.core.identifiers import normalize_identifier
from yiwang.core.keys import index_of
from yiwang.registries.elements import element_value
from yiwang.registries.models import DataElement, Discrepancy, LegalEntity, Person
from yiwang.registries.services import REGISTRY_WRITE_ROLES


def entities_for(user: User, *, query: str = "") -> QuerySet[LegalEntity]:
    qs = scope_queryset(user, LegalEntity.objects.select_related("division", "industry"), department_field=None)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(uscc=query.upper()))
    return qs.order_by("uscc")


def persons_for(user: User, *, query: str = "") -> QuerySet[Person]:
    qs = scope_queryset(user, Person.objects.select_related("division"), department_field=None)
    if query:
        qs = qs.filter(Q(name=query) | Q(id_number_index=index_of(normalize_identifier(query))))
    return qs.order_by("division_id", "pk")


@dataclass(frozen=True)
class ElementRow:
    """One element of a record as shown to its owner: value and where it came from (数据来源)."""

    field: str
    label: str
    value: str
    source: str
    element_code: str


def _shown(record: Person | LegalEntity, field_name: str, raw: Any) -> str:
    """How the owner reads one element's value: a coded reference by its name, a choice by its label."""
    if raw is None:
        return ""
    if isinstance(raw, bool):  # 已死亡 = 否, never "False"
        return str(_("是") if raw else _("否"))
    field = record._meta.get_field(field_name)
    if field.is_relation and field.related_model is not Person:  # a code: shown as the coded thing (code and name)
        return str(getattr(record, field_name))
    choices = getattr(field, "choices", None)
    if choices:
        return str(dict(choices).get(raw, raw))
    return "、".join(raw) if isinstance(raw, list) else str(raw)


def provenance_rows(record: Person | LegalEntity) -> list[ElementRow]:
    """Every element-bound field of ``record`` with its value and authoritative source, in catalogue order."""
    registry = "person" if isinstance(record, Person) else "entity"
    rows = []
    for element in DataElement.objects.filter(registry=registry).order_by("pk"):
        value = _shown(record, element.field_name, element_value(record, element.field_name))
        source = str(Department.Kind(element.source_kind).label)
        rows.append(ElementRow(element.field_name, element.name, value, source, element.code))
    return rows


def discrepancies_for(user: User) -> QuerySet[Discrepancy]:
    """Open discrepancy reports an official may resolve: on elements of which a department they write for (role ×
    department × division, as ``services.resolve_discrepancy`` checks) is the authoritative source, in that scope."""
    qs = Discrepancy.objects.filter(status=Discrepancy.Status.OPEN).select_related(
        "element", "reported_by_department", "division"
    )
    if user.is_administrator:
        return qs
    scopes = user_scopes(user)
    kinds = dict(Department.objects.filter(pk__in=[s.department_id for s in scopes]).values_list("pk", "kind"))
    allowed = Q(pk__in=[])
    for scope in scopes:
        if scope.role_code in REGISTRY_WRITE_ROLES and scope.department_id in kinds:
            allowed |= Q(
                element__source_kind=kinds[scope.department_id], division__code__startswith=scope.division_prefix
            )
    return qs.filter(allowed)
