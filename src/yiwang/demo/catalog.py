"""The demo city's service catalogue: real-world items of eight lines of government, in its districts and the city.

The items are data (``data/catalog/``): ``catalog.yaml`` names the item files, the demo districts, the applicant
fields every form starts with and the materials many items share; one file per line of government holds its items;
``approval-rules.yaml`` the 秒批 rules by item name. Departments are named by the suffixes of the one table of
department kinds (``data/departments.yaml``). :func:`ensure_demo_catalog` loads them through
:func:`~yiwang.catalog.services.import_document`, the import an operator runs, which leaves items equal to the demo
data untouched (idempotent).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from yiwang.accounts.divisions import load_divisions
from yiwang.accounts.models import Department, Division
from yiwang.catalog.services import ImportReport, import_document
from yiwang.certificates.services import ensure_default_certificate_types
from yiwang.demo.departments import department_kind
from yiwang.registries.elements import load_elements

__all__ = ["DEMO_DISTRICTS", "DEMO_ITEMS", "HOTLINE", "demo_catalog_document", "demo_items", "ensure_demo_catalog"]

DATA = Path(__file__).with_name("data") / "catalog"


def _load(name: str) -> Any:
    with (DATA / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


@cache
def _index() -> dict[str, Any]:
    return _load("catalog.yaml")


def _form(spec: dict[str, Any]) -> dict[str, Any]:
    """An item's JSON-Schema form: the applicant's bound fields, then the item's own (``form.fields``)."""
    base = _index()["applicant_fields"][spec["applicant"]]
    properties = {**base, **(spec.get("fields") or {})}
    return {"type": "object", "properties": properties, "required": [*base, *(spec.get("required") or [])]}


def _materials(entries: list[Any]) -> list[dict[str, Any]]:
    shared = _index()["materials"]
    return [dict(shared[entry]) if isinstance(entry, str) else entry for entry in entries]


@cache
def demo_items() -> tuple[dict[str, Any], ...]:
    """The demo items in catalogue order, each with its ``suffix`` (department kind), ``level``, form and materials."""
    items = []
    for name in _index()["files"]:
        for spec in _load(name):
            items.append({**spec, "form": _form(spec["form"]), "materials": _materials(spec["materials"])})
    return tuple(items)


@cache
def _approval_rules() -> dict[str, str]:
    return _load("approval-rules.yaml")


#: The districts whose departments implement the district-level items (西湖区, 上城区 of 杭州市).
DEMO_DISTRICTS: tuple[str, ...] = tuple(_index()["districts"])
HOTLINE: str = _index()["hotline"]
DEMO_ITEMS = demo_items()


def _department(suffix: str, division: Division, city: Division) -> Department:
    """The demo department of this kind in ``division``, created (as the demo seed would) when missing."""
    code = f"{division.code}-{suffix}"
    department = Department.objects.filter(code=code).first()
    if department is None:
        kind = department_kind(suffix)
        template = kind.city_name if division.pk == city.pk else kind.county_name
        department = Department.objects.create(
            code=code, name=template.format(city=city.name, county=division.name), kind=kind.kind, division=division
        )
    return department


def demo_catalog_document(city_code: str = "330100", districts: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The demo catalogue as a catalogue document (the departments it names are created when missing).

    District-level items go to ``districts``: by default 西湖区 and 上城区 for 杭州市, the first two counties elsewhere.
    """
    city = Division.objects.get(code=city_code)
    counties = Division.objects.filter(parent=city, level=Division.Level.COUNTY).order_by("code")
    if districts is None:
        districts = DEMO_DISTRICTS if city_code == "330100" else tuple(counties.values_list("code", flat=True)[:2])
    district_divisions = list(Division.objects.filter(code__in=districts).order_by("code"))
    rules = _approval_rules()
    items = []
    for spec in demo_items():
        places = [city] if spec["level"] == "city" else district_divisions
        for division in places:
            department = _department(spec["suffix"], division, city)
            entry = {k: v for k, v in spec.items() if k not in {"suffix", "level", "form"}}
            entry.update(
                item_code=f"{spec['basic_code']}-{department.code}",
                department=department.code,
                division=division.code,
                form_schema=spec["form"],
                approval_rules=rules.get(spec["name"], ""),
                contact_phone=spec.get("contact_phone", HOTLINE),
                status="published",
            )
            items.append(entry)
    return {"format": 1, "items": items}


@transaction.atomic
def ensure_demo_catalog(city_code: str = "330100", districts: tuple[str, ...] | None = None) -> ImportReport:
    """Create or update the demo catalogue, published and searchable (idempotent)."""
    if not Division.objects.filter(code=city_code).exists():
        load_divisions(province_prefixes=[city_code[:2]])
    load_elements()
    ensure_default_certificate_types()
    return import_document(demo_catalog_document(city_code, districts), source="demo")
