"""The demo's 一网统管 risk: shareholders of the city's firms, a planted ring of shell firms at one address under one
person, high-capital shells without tax or staff, missed annual reports, a change of representative and address
together, two monthly classification runs and the first verified leads.

Loaded from ``demo/data/risk/city.yaml`` through the operators' services (registries, risk registration,
classification, alerts). Idempotent: a city with a classification run is left as it is.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from yiwang.accounts.models import Department, RoleAssignment, User
from yiwang.accounts.roles import ensure_default_roles
from yiwang.demo.seeding import DemoLogin, _login
from yiwang.registries.models import LegalEntity, Person
from yiwang.registries.services import update_record
from yiwang.risk.models import Alert, ClassificationRun, EntityRole
from yiwang.risk.services import alerts, classification, registration
from yiwang.risk.services.snapshot import report_years

DATA = Path(__file__).parent / "data" / "risk" / "city.yaml"


def _official(spec: dict[str, Any], department: Department) -> DemoLogin:
    login = _login(
        spec["username"],
        User.Kind.OFFICIAL,
        spec["name"],
        f"工作人员（{department.name}，{spec['what']}）",
        department=department,
    )
    user = User.objects.get(username=spec["username"])
    by_code = ensure_default_roles()
    for role in spec["roles"]:
        RoleAssignment.objects.get_or_create(
            user=user, role=by_code[role], department=department, division_id=department.division_id
        )
    return login


def _firms() -> list[LegalEntity]:
    return list(LegalEntity.objects.order_by("pk"))


def _plant(
    config: dict[str, Any], city_code: str, departments: dict[str, Department], users: dict[str, User], on: date
) -> list[LegalEntity]:
    """The ring, the shells and their registry history, written by each element's authoritative department."""
    firms = _firms()
    spec = config["ring"]
    owner = Person.objects.order_by("pk")[spec["owner_index"]]
    ring = [firms[i] for i in spec["positions"]]
    town = ring[0].division
    for k, firm in enumerate(ring):
        update_record(
            firm,
            {
                "legal_representative": owner.pk,
                "address": spec["addresses"][k % len(spec["addresses"])].format(town=town.name),
                "division": town.code,
            },
            department=departments["SCJGJ"],
            actor=users["SCJGJ"],
            reason="变更登记：法定代表人、住所（演示数据）",
            valid_from=on - timedelta(days=spec["days_ago"]),
        )
    registration.record_roles(
        [
            registration.RoleSpec(
                f,
                EntityRole.Role.SHAREHOLDER,
                on - timedelta(days=spec["days_ago"]),
                person=owner,
                share_ratio=Decimal(100),
            )
            for f in ring
        ],
        department=departments["SCJGJ"],
        actor=users["SCJGJ"],
    )
    for shell in config["shells"]:
        firm = firms[shell["position"]]
        update_record(
            firm,
            {"registered_capital": Decimal(shell["registered_capital"])},
            department=departments["SCJGJ"],
            actor=users["SCJGJ"],
            reason="变更登记：注册资本（演示数据）",
        )
        update_record(
            firm, {"tax_paid": Decimal(0)}, department=departments["SWJ"], actor=users["SWJ"], reason="年度纳税申报"
        )
        update_record(
            firm,
            {"social_insurance_headcount": 0},
            department=departments["RSJ"],
            actor=users["RSJ"],
            reason="社会保险参保人数报送",
        )
    return ring


def _shareholders(config: dict[str, Any], regulator: Department, actor: User, skip: set[int]) -> None:
    rng = random.Random("demo-risk-shareholders")
    persons = list(Person.objects.order_by("pk").values_list("pk", flat=True))
    specs = []
    for firm in LegalEntity.objects.exclude(pk__in=skip).select_related("legal_representative").order_by("pk"):
        if rng.random() < config["second_shareholder_share"] and len(persons) > 1:
            other = Person.objects.get(pk=rng.choice(persons))
            if other.pk != firm.legal_representative_id:
                specs.append(
                    registration.RoleSpec(
                        firm,
                        EntityRole.Role.SHAREHOLDER,
                        firm.founding_date,
                        person=firm.legal_representative,
                        share_ratio=Decimal(60),
                    )
                )
                specs.append(
                    registration.RoleSpec(
                        firm, EntityRole.Role.SHAREHOLDER, firm.founding_date, person=other, share_ratio=Decimal(40)
                    )
                )
                specs.append(registration.RoleSpec(firm, EntityRole.Role.SUPERVISOR, firm.founding_date, person=other))
                continue
        specs.append(
            registration.RoleSpec(
                firm,
                EntityRole.Role.SHAREHOLDER,
                firm.founding_date,
                person=firm.legal_representative,
                share_ratio=Decimal(100),
            )
        )
    registration.record_roles(specs, department=regulator, actor=actor)


def _reports(config: dict[str, Any], months: list[date], regulator: Department, actor: User, plant: bool) -> None:
    firms = _firms()
    missed = {firms[i].pk for i in config["missed_reports"]} if plant else set()
    years = sorted({y for m in months for y in report_years(classification.month_end(m))})
    filings = [
        (f, y, date(y + 1, 4, 20))
        for f in firms
        for y in years
        if f.pk not in missed and f.founding_date <= date(y, 12, 31)
    ]
    registration.record_annual_reports(filings, department=regulator, actor=actor)


@transaction.atomic
def ensure_demo_risk(*, city_code: str) -> list[DemoLogin]:
    """Seed the demo's risk data; returns the logins it made (an analyst, verifiers, a firm's agent)."""
    config = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    firms = _firms()
    plant = len(firms) >= config["min_firms"]
    ring_county = firms[config["ring"]["positions"][0]].division_id[:6] if plant else city_code
    logins: list[DemoLogin] = []
    users: dict[str, User] = {}
    departments: dict[str, Department] = {}
    for spec in config["officials"]:
        where = ring_county if spec.get("county") else city_code
        department = Department.objects.get(code=f"{where}-{spec['suffix']}")
        logins.append(_official(spec, department))
        key = spec["suffix"] if not spec.get("county") else "county"
        users.setdefault(key, User.objects.get(username=spec["username"]))
        departments.setdefault(key, department)
    regulator, analyst, verifier = departments["SCJGJ"], users["SCJGJ"], users["county"]
    months = [m if isinstance(m, date) else date.fromisoformat(str(m)) for m in config["runs"]]
    agent_firm = firms[config["ring"]["positions"][0]] if plant else (firms[0] if firms else None)
    if ClassificationRun.objects.exists():  # seeded before: the agent keeps its firm (positions move if firms do)
        kept = User.objects.filter(username=config["agent"]["username"]).values_list("enterprise_uscc", flat=True)
        firm = LegalEntity.objects.filter(uscc__in=[u for u in kept if u]).first()
        logins.append(_agent(config, firm or agent_firm))
        return logins
    ring = _plant(config, city_code, departments, users, classification.month_end(months[-1])) if plant else []
    _shareholders(config, regulator, analyst, skip={f.pk for f in ring})
    _reports(config, months, regulator, analyst, plant)
    classification.run_classification(months[0], department=regulator, actor=analyst)
    by_firm = {a.entity_id: a for a in Alert.objects.filter(indicator="ADDRESS_CLUSTER")}
    for spec in config["verify"]:
        alert = by_firm.get(ring[spec["position"]].pk) if ring else None
        if alert is None:
            continue
        alerts.assign_alert(alert, verifier, actor=verifier)
        alerts.close_alert(
            alert, outcome=spec["outcome"], disposal=spec["disposal"], result=spec["result"], actor=verifier
        )
    for month in months[1:]:
        classification.run_classification(month, department=regulator, actor=analyst)
    logins.append(_agent(config, agent_firm))
    return logins


def _agent(config: dict[str, Any], firm: LegalEntity | None) -> DemoLogin:
    spec = config["agent"]
    return _login(
        spec["username"],
        User.Kind.AGENT,
        spec["name"],
        f"企业经办人（{firm.name if firm else ''}，查看信用风险分类并提出异议）",
        enterprise_uscc=firm.uscc if firm else "",
    )
