"""Demo policies (演示政策) of the demo city, from ``data/policies/*.yaml``: at least 200 enterprise policies,
created once through the authoring services an operator uses (:func:`yiwang.policies.services.create_policy`,
``publish_policy``); deterministic and idempotent.

``city.yaml`` holds the city-level policies, ``district.yaml`` those every county of the city gets, bound to the
county by a first condition on ``district``. Departments are named by the suffix of ``data/departments.yaml``
(:func:`yiwang.demo.departments.department_kind`). When the plan is shorter than the count asked for, the next
editions follow (previous years' policies, still valid this year).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from yiwang.accounts.models import Department, Division
from yiwang.demo.departments import department_kind
from yiwang.policies import services
from yiwang.policies.models import Policy

__all__ = ["CITY_CODE", "YEAR", "demo_rules", "ensure_demo_policies", "templates"]

DATA = Path(__file__).with_name("data") / "policies"
CITY_CODE = "330100"
YEAR = 2026


@dataclass(frozen=True)
class Template:
    """One kind of demo policy of ``city.yaml`` or ``district.yaml``, as written there."""

    key: str
    title: str
    department: str  # suffix of a department kind
    document: str
    budget: int
    route: str
    conditions: tuple[dict[str, Any], ...]
    amount: dict[str, Any]
    cases: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class TemplateFile:
    document: str  # pattern with {name} (and {district})
    district_clause: str
    templates: tuple[Template, ...]


@cache
def templates(level: str) -> TemplateFile:
    """The templates of ``city`` or ``district`` level."""
    with (DATA / f"{level}.yaml").open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    rows = tuple(
        Template(**{**row, "conditions": tuple(row["conditions"]), "cases": tuple(row.get("cases", ()))})
        for row in data["policies"]
    )
    return TemplateFile(data["document"], data.get("district_clause", ""), rows)


def _clause(node: dict[str, Any], document: str) -> dict[str, Any]:
    """A condition as the rules take it: its clause cited with the document's title."""
    if "any" in node:
        return {"any": [_clause(n, document) for n in node["any"]]}
    if "not" in node:
        return {"not": _clause(node["not"], document)}
    leaf = {"id": node["id"], "fact": node["fact"], "op": node["op"], "clause": f"{document}{node['clause']}"}
    if "value" in node:
        leaf["value"] = node["value"]
    return leaf


def demo_rules(template: Template, document: str, district: str | None, district_clause: str = "") -> str:
    """The rules YAML of one demo policy (conditions, amount, its own test cases)."""
    conditions = [_clause(c, document) for c in template.conditions]
    if district is not None:
        leaf = {"id": "district", "fact": "district", "op": "eq", "clause": f"{document}{district_clause}"}
        conditions.insert(0, {**leaf, "value": district})
    rules: dict[str, Any] = {"conditions": {"all": conditions}, "amount": template.amount}
    cases = []
    for case in template.cases:
        facts = dict(case["facts"])
        if case.get("with_district"):
            facts = {"district": district, **facts}
        cases.append({"name": case["name"], "as_of": case["as_of"], "facts": facts, "expect": case["expect"]})
    if cases:
        rules["cases"] = cases
    return yaml.safe_dump(rules, allow_unicode=True, sort_keys=False)


@dataclass(frozen=True)
class _Plan:
    code: str
    title: str
    template: Template
    division: Division
    rules: str
    document: str


def _plans(city: Division, districts: list[Division]) -> list[_Plan]:
    city_file = templates("city")
    plans = []
    for t in city_file.templates:
        document = city_file.document.format(name=t.document)
        title = t.title if t.title.startswith("杭州市") else f"杭州市{t.title}"
        plans.append(_Plan(f"HZ-{t.key}-{YEAR}", title, t, city, demo_rules(t, document, None), document))
    district_file = templates("district")
    for district in districts:
        for t in district_file.templates:
            document = district_file.document.format(district=district.name, name=t.document)
            title = t.title if t.title.startswith(district.name) else f"{district.name}{t.title}"
            rules = demo_rules(t, document, district.code, district_file.district_clause)
            plans.append(_Plan(f"{district.code}-{t.key}-{YEAR}", title, t, district, rules, document))
    return plans


def _department(division: Division, suffix: str) -> Department:
    """The department of this kind in the division (``330106-SCJGJ``), named by the one table when missing."""
    kind = department_kind(suffix)
    county = division.level >= Division.Level.COUNTY
    city = division.parent if county and division.parent is not None else division
    name = kind.county_name if county else kind.city_name
    department, _created = Department.objects.get_or_create(
        code=f"{division.code}-{suffix}",
        defaults={
            "name": name.format(city=city.name, county=division.name),
            "kind": kind.kind,
            "division": division,
        },
    )
    return department


@transaction.atomic
def ensure_demo_policies(count: int = 200, *, city_code: str = CITY_CODE) -> int:
    """Create (once) at least ``count`` published demo policies for the city; returns how many were created.

    The plan is the city-level templates, then the district-level ones for each county of the city; when that is
    fewer than ``count`` the next editions (previous years) follow. Needs the city's divisions (seed them first).
    """
    city = Division.objects.filter(code=city_code).first()
    if city is None:
        raise ValueError(f"division {city_code} is missing: seed the demo city first")
    districts = list(Division.objects.filter(parent=city, level=Division.Level.COUNTY).order_by("code"))
    base = _plans(city, districts)
    plans: list[tuple[str, _Plan, int]] = []
    edition = 0
    while len(plans) < count:
        year = YEAR - edition
        plans += [(plan.code.replace(f"-{YEAR}", f"-{year}"), plan, year) for plan in base]
        edition += 1
    plans = plans[: max(count, len(base))]
    existing = set(Policy.objects.filter(code__in=[code for code, _p, _y in plans]).values_list("code", flat=True))
    created = 0
    for code, plan, year in plans:
        if code in existing:
            continue
        policy = services.create_policy(
            code=code,
            title=plan.title if year == YEAR else f"{plan.title}（{year}年度）",
            department=_department(plan.division, plan.template.department),
            rules=plan.rules,
            actor=None,
            budget_total=Decimal(plan.template.budget),
            legal_references=f"{plan.document}（演示文件，非真实政策文件）",
            route=plan.template.route,
            valid_from=dt.date(year, 1, 1),
            valid_until=dt.date(YEAR, 12, 31),
        )
        services.publish_policy(policy, actor=None)
        created += 1
    return created
