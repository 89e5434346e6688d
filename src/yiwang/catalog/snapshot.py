"""An item as plain data: the frozen snapshot of a published version and one entry of a catalogue file."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from yiwang.catalog.models import MaterialRequirement, ServiceItem

__all__ = ["ITEM_FIELDS", "MATERIAL_FIELDS", "REFERENCE_FIELDS", "item_data", "material_data"]

#: Fields copied as they are (the references to other tables are written as their codes).
ITEM_FIELDS = ("item_code", "basic_code", "name", "item_type", "legal_basis", "conditions", "audience",
               "life_events", "keywords", "legal_time_limit", "promised_time_limit", "fee_note", "fee_amount",
               "online", "window", "mobile", "result_kind", "result_name", "contact_phone", "form_schema",
               "approval_rules")  # fmt: skip
REFERENCE_FIELDS = ("department", "division", "result_certificate_type")
MATERIAL_FIELDS = ("name", "requirement", "copies", "source_note", "certificate_type", "file_types", "max_size_mb")
CENTS = Decimal("0.01")


def material_data(material: MaterialRequirement) -> dict[str, Any]:
    return {
        "name": material.name,
        "requirement": material.requirement,
        "copies": material.copies,
        "source_note": material.source_note,
        "certificate_type": material.certificate_type.code if material.certificate_type else None,
        "file_types": material.file_types,
        "max_size_mb": material.max_size_mb,
    }


def item_data(item: ServiceItem) -> dict[str, Any]:
    """The item with its materials as JSON-ready data, in the order of a catalogue file."""
    data: dict[str, Any] = {name: getattr(item, name) for name in ITEM_FIELDS}
    data["life_events"] = list(item.life_events or [])
    data["fee_amount"] = str(Decimal(item.fee_amount).quantize(CENTS))
    data["department"] = item.department.code
    data["division"] = item.division_id
    data["result_certificate_type"] = item.result_certificate_type.code if item.result_certificate_type else None
    data["status"] = item.status
    data["materials"] = [material_data(m) for m in item.materials.all()]
    return data
