"""The one table of department kinds of the demo city (``data/departments.yaml``).

The seed creates every kind in the city and in each of its counties; the demo catalogue, bundles and policies
name their departments by suffix (``330102-SCJGJ``) and never by a name of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

__all__ = ["DEPARTMENT_KINDS", "DepartmentKind", "department_kind", "department_kinds"]

DATA = Path(__file__).with_name("data") / "departments.yaml"


@dataclass(frozen=True)
class DepartmentKind:
    """A kind of department created in the city and in each of its counties (code ``330106-SCJGJ``)."""

    suffix: str
    kind: str  # a Department.Kind value
    city_name: str  # {city} placeholder, e.g. {city}市场监督管理局
    county_name: str  # {city}/{county} placeholders
    short_name: str


@cache
def department_kinds() -> tuple[DepartmentKind, ...]:
    with DATA.open(encoding="utf-8") as handle:
        return tuple(DepartmentKind(**row) for row in yaml.safe_load(handle))


def department_kind(suffix: str) -> DepartmentKind:
    """The kind with this suffix (``KeyError`` names an unknown one)."""
    for kind in department_kinds():
        if kind.suffix == suffix:
            return kind
    raise KeyError(f"no department kind {suffix!r} in {DATA.name}")


DEPARTMENT_KINDS = department_kinds()
