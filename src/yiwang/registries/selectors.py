"""Scoped reads of the registries. Officials see only records inside their division subtree."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from yiwang.accounts.models import User
from yiwang.accounts.scopes import scope_queryset
from yiwang.core.identifiers import normalize_identifier
from yiwang.core.keys import index_of
from yiwang.registries.models import LegalEntity, Person


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
