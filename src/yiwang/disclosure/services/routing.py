"""审批精准化分发: a case or complaint goes to the competent department by the applicant's address and the item.

A case names its service item: the item's department kind decides. A free-text complaint is classified to a
department kind by :mod:`yiwang.disclosure.routing`. The kind becomes a department by the address: that kind's
department of the address's county, else of its city, else the highest-level one of that kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from yiwang.accounts.models import Department
from yiwang.catalog.models import ServiceItem
from yiwang.disclosure import routing

__all__ = ["MIN_PROBABILITY", "Routing", "competent_department", "route"]

#: Below this the classifier's kind is not trusted and a person triages the complaint.
MIN_PROBABILITY = 0.35


@dataclass(frozen=True)
class Routing:
    kind: str
    department: Department | None
    probability: float
    by: str  # "item", "model" or "triage"


def competent_department(kind: str, division_code: str = "") -> Department | None:
    """The department of ``kind`` for an address in ``division_code`` (county, then city, then the highest level)."""
    departments = Department.objects.filter(kind=kind).select_related("division")
    if division_code:
        for code in (division_code[:6], division_code[:4] + "00"):
            found = departments.filter(division_id=code).order_by("code").first()
            if found is not None:
                return found
    return departments.order_by("division__level", "code").first()


def route(*, text: str = "", division_code: str = "", item: ServiceItem | None = None) -> Routing:
    """Where a case (``item``) or a complaint (``text``) goes, and why."""
    if item is not None:
        kind = item.department.kind
        return Routing(kind, competent_department(kind, division_code) or item.department, 1.0, "item")
    prediction = routing.model().predict(text)
    if prediction.probability < MIN_PROBABILITY:
        return Routing(prediction.kind, None, prediction.probability, "triage")
    return Routing(
        prediction.kind, competent_department(prediction.kind, division_code), prediction.probability, "model"
    )
