"""Scoped reads of 督查督办: an official sees the items of which a department they act for is responsible or lead."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.db.models import Q, QuerySet

from yiwang.accounts.models import User
from yiwang.accounts.scopes import user_scopes
from yiwang.supervision.models import Item

COLOURS = ("green", "yellow", "red")


def items_for(user: User) -> QuerySet[Item]:
    if user.is_administrator:
        return Item.objects.all()
    condition = Q(pk__in=[])
    for scope in user_scopes(user):
        condition |= Q(responsible_id=scope.department_id, division__code__startswith=scope.division_prefix)
        condition |= Q(lead_id=scope.department_id)
    return Item.objects.filter(condition)


def _ranked(groups: dict[Any, dict[str, Any]]) -> list[dict[str, Any]]:
    """Groups ranked by the share of green, then by the fewest red (一张表的排名)."""
    rows = []
    for key, row in groups.items():
        total = sum(row[c] for c in COLOURS)
        rows.append(
            {"key": key, **row, "total": total, "green_rate": round(100 * row["green"] / total, 1) if total else 0}
        )
    rows.sort(key=lambda r: (-r["green_rate"], r["red"], str(r["name"])))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def one_table(items: QuerySet[Item]) -> dict[str, Any]:
    """一张表: colour counts by responsible department, by county and by category, each ranked, plus totals."""
    by: dict[str, dict[Any, dict[str, Any]]] = {"department": {}, "region": {}, "category": {}}
    totals: dict[str, int] = defaultdict(int)
    labels = dict(Item.Category.choices)
    rows = items.values_list(
        "responsible_id",
        "responsible__name",
        "division__code",
        "division__name",
        "division__parent__code",
        "division__parent__name",
        "division__level",
        "category",
        "current_colour__colour",
    )
    for dept_id, dept, code, name, parent_code, parent_name, level, category, colour in rows:
        colour = colour or "green"
        if level == 4 and parent_code:  # a township's item counts for its county
            code, name = parent_code, parent_name
        for kind, key, label in (
            ("department", dept_id, dept),
            ("region", code, name),
            ("category", category, labels.get(category, category)),
        ):
            group = by[kind].setdefault(key, {"name": label, "green": 0, "yellow": 0, "red": 0})
            group[colour] += 1
        totals[colour] += 1
    return {kind: _ranked(groups) for kind, groups in by.items()} | {"totals": {c: totals[c] for c in COLOURS}}
