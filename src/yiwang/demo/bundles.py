"""The demo city's one-thing bundles (``data/bundles/bundles.yaml``), loaded through the operators' import service.

The file names each item by its demo-catalogue name and the department kind that implements it (the suffix of
``data/departments.yaml``); this module finds the published item of the first district that has it (else the
city's) and hands the resolved design to ``bundles.services.import_bundles``. Idempotent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from yiwang.bundles.models import Bundle
from yiwang.bundles.services import import_bundles
from yiwang.catalog.models import ItemStatus, ServiceItem
from yiwang.demo.departments import department_kind

__all__ = ["BUNDLES_YAML", "demo_bundle_document", "ensure_demo_bundles"]

BUNDLES_YAML = Path(__file__).with_name("data") / "bundles" / "bundles.yaml"


def _pick(city_code: str) -> dict[tuple[str, str], ServiceItem]:
    """(item name, department suffix) → the published demo item of the first district that has it (else the city's)."""
    items = ServiceItem.objects.filter(
        status=ItemStatus.PUBLISHED, division__code__startswith=city_code[:4]
    ).select_related("department")
    chosen: dict[tuple[str, str], ServiceItem] = {}
    for item in items.order_by("division__code"):
        key = (item.name, item.department.code.rsplit("-", 1)[-1])
        if item.division_id == city_code and key in chosen:
            continue
        if key not in chosen or chosen[key].division_id == city_code:
            chosen[key] = item
    return chosen


def demo_bundle_document(city_code: str = "330100") -> list[dict[str, Any]]:
    """The bundles of the demo file with their items resolved to item codes; a bundle with fewer than two of its
    items in the catalogue is left out (a smaller demo city)."""
    with BUNDLES_YAML.open(encoding="utf-8") as handle:
        specs = yaml.safe_load(handle)
    by_key = _pick(city_code)
    document = []
    for spec in specs:
        found = {}
        for entry in spec["items"]:
            department_kind(entry["department"])  # KeyError names a suffix missing from departments.yaml
            item = by_key.get((entry["item"], entry["department"]))
            if item is not None:
                found[entry["item"]] = item
        if len(found) < 2:
            continue
        items = [
            {
                "item_code": found[e["item"]].item_code,
                "depends_on": [found[d].item_code for d in e.get("depends_on", []) if d in found],
            }
            for e in spec["items"]
            if e["item"] in found
        ]
        document.append({**{k: spec[k] for k in ("code", "name", "life_event", "description")}, "items": items})
    return document


def ensure_demo_bundles(city_code: str = "330100") -> list[Bundle]:
    """Create or update the demo bundles (run after the demo catalogue); returns them."""
    return import_bundles(demo_bundle_document(city_code))
