"""The data-element catalogue (数据元目录): loading it and looking elements up by registry field."""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import transaction

from yiwang.registries.models import CreditRating, DataElement, LegalEntity, Person

ELEMENTS_CSV = Path(__file__).resolve().parent / "data" / "elements.csv"
_FIELDS = ["registry", "field_name", "name", "name_en", "data_type", "format_rule", "unit", "source_kind", "level",
           "sensitivity", "mask"]  # fmt: skip


@transaction.atomic
def load_elements(path: Path = ELEMENTS_CSV) -> int:
    """Create or update the elements listed in the catalogue file (idempotent). Returns rows created or changed."""
    changed = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            values = {f: row[f] for f in _FIELDS}
            element, created = DataElement.objects.get_or_create(code=row["code"], defaults=values)
            if not created and any(getattr(element, f) != v for f, v in values.items()):
                for f, v in values.items():
                    setattr(element, f, v)
                element.save()
                changed += 1
            changed += created
    element_for.cache_clear()
    return changed


@lru_cache(maxsize=256)
def element_for(registry: str, field_name: str) -> DataElement | None:
    """The element bound to one registry field (cached per process; cleared when the catalogue is loaded)."""
    return DataElement.objects.filter(registry=registry, field_name=field_name).first()


def element_value(record: Any, field_name: str) -> Any:
    """The value of one data element on a registry record, as the platform's consumers read it.

    The one reader used by 免填 prefill, 秒批 facts, the owner's provenance view and the exports: a person referred
    to (法定代表人) is given by name, a coded reference (division, industry) by its code, anything else as stored
    (dates stay ``date``, money stays ``Decimal``). A plain mapping (a derived record such as the current credit
    class) is read by key.
    """
    if isinstance(record, dict):
        return record.get(field_name)
    field = record._meta.get_field(field_name)
    if field.is_relation:
        related = getattr(record, field_name)
        if related is None:
            return None
        # a referred person (legal representative) by name; a coded reference (division, industry) by its code
        return related.name if isinstance(related, Person) else getattr(record, field.attname)
    return getattr(record, field_name)


#: the model of each registry whose fields carry the elements' coded values
_REGISTRY_MODELS: dict[str, Any] = {"person": Person, "entity": LegalEntity, "credit": CreditRating}


def code_labels(element_code: str) -> dict[str, str]:
    """The readable label of each code of a coded element (``entity.status``: ``active`` → 存续), else ``{}``.

    What a citizen reads instead of a raw code wherever an element's value is shown (the 秒批 explanation).
    """
    registry, _, field_name = element_code.partition(".")
    model = _REGISTRY_MODELS.get(registry)
    if model is None or not field_name:
        return {}
    try:
        field = model._meta.get_field(field_name)
    except Exception:  # FieldDoesNotExist: an element of a derived record, or a stale code
        return {}
    return {str(code): str(label) for code, label in (getattr(field, "choices", None) or [])}
