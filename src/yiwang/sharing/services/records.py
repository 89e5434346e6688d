"""The records behind a catalogue resource: a base registry's rows or a thematic database's, read by key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import models

from yiwang.registries.elements import element_value
from yiwang.registries.models import DataElement, LegalEntity, Person
from yiwang.sharing.models import Resource, ThematicRow

THEMATIC_PREFIX = "thematic:"


@dataclass(frozen=True)
class Record:
    key: str
    division_code: str
    values: dict[str, Any]
    model: models.Model


def plain(value: Any) -> Any:
    """A JSON value: dates as ISO text, decimals as text with their places (the exact figure)."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _from_model(obj: models.Model, key: str, division_code: str, fields: list[str]) -> Record:
    return Record(key, division_code, {f: plain(element_value(obj, f)) for f in fields}, obj)


def find_record(resource: Resource, key: str, fields: list[str]) -> Record | None:
    """The record of ``resource`` with this key (citizen ID, USCC or thematic key) and the given fields."""
    registry = resource.registry
    if registry == DataElement.Registry.PERSON:
        person = Person.objects.with_id_number(key).first()
        return _from_model(person, key, person.division_id, fields) if person else None
    if registry == DataElement.Registry.ENTITY:
        entity = LegalEntity.objects.filter(uscc=key.upper()).first()
        return _from_model(entity, key, entity.division_id, fields) if entity else None
    if registry.startswith(THEMATIC_PREFIX):
        row = ThematicRow.objects.filter(registry__code=registry.removeprefix(THEMATIC_PREFIX), record_key=key).first()
        if row is None:
            return None
        return Record(key, row.division_id, {f: row.data.get(f) for f in fields}, row)
    return None


def iter_records(resource: Resource, fields: list[str], division_prefix: str = "") -> Iterator[Record]:
    """Every record of ``resource`` inside a division subtree, in key order."""
    registry = resource.registry
    if registry == DataElement.Registry.PERSON:
        for person in Person.objects.filter(division__code__startswith=division_prefix).order_by("pk").iterator():
            yield _from_model(person, person.id_number, person.division_id, fields)
    elif registry == DataElement.Registry.ENTITY:
        entities = LegalEntity.objects.filter(division__code__startswith=division_prefix).select_related(
            "legal_representative"
        )
        for entity in entities.order_by("uscc").iterator(chunk_size=2000):
            yield _from_model(entity, entity.uscc, entity.division_id, fields)
    elif registry.startswith(THEMATIC_PREFIX):
        rows = ThematicRow.objects.filter(
            registry__code=registry.removeprefix(THEMATIC_PREFIX), division__code__startswith=division_prefix
        )
        for row in rows.order_by("record_key").iterator():
            yield Record(row.record_key, row.division_id, {f: row.data.get(f) for f in fields}, row)
