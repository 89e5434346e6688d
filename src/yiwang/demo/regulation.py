"""The demo's 互联网+监管: item lists of four departments, both rosters, a joint plan and two others, a published
draw that verifies, visits in every state, and an enforcement case through to its decision.

Loaded from ``demo/data/regulation/*.yaml`` through the operators' services (rosters, plans, draws, inspections,
cases). Idempotent: a city whose first plan exists is left as it is.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from yiwang.accounts.models import Department, Division, RoleAssignment, User
from yiwang.accounts.roles import ensure_default_roles
from yiwang.demo.seeding import DemoLogin, _login
from yiwang.registries.models import Person
from yiwang.regulation.models import (
    ChecklistEntry,
    EnforcementCase,
    Inspection,
    InspectionPlan,
    InspectorRelation,
    RegulatoryItem,
)
from yiwang.regulation.services import cases, draws, inspections, plans, rosters

DATA = Path(__file__).parent / "data" / "regulation"


def _load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _official(username: str, department: Department, name: str, roles: tuple[str, ...], what: str) -> DemoLogin:
    login = _login(username, User.Kind.OFFICIAL, name, f"工作人员（{department.name}，{what}）", department=department)
    user = User.objects.get(username=username)
    by_code = ensure_default_roles()
    for role in roles:
        RoleAssignment.objects.get_or_create(
            user=user, role=by_code[role], department=department, division_id=department.division_id
        )
    return login


def _advance_visits(visits: list[Inspection], planners: dict[str, User], config: dict[str, Any]) -> None:
    """One visit in each state: drawn, notified, in progress, submitted, published (pass, absent, violation)."""
    plan_states = ["drawn", "notified", "in_progress", "submitted", "pass", "absent", "violation"]
    for visit, state in zip(visits, plan_states, strict=False):
        lead = planners[inspections.departments_of(visit)[0].code.split("-")[1]]
        if state == "drawn":
            continue
        inspections.notify_inspection(visit, actor=lead)
        if state == "notified":
            continue
        officer = visit.officer_list()[0].user
        assert officer is not None
        items = inspections.items_of(visit)
        outcome = ChecklistEntry.Outcome.ISSUE if state == "violation" else ChecklistEntry.Outcome.OK
        for item in items if state != "in_progress" else items[:1]:
            inspections.record_entry(
                visit, item, outcome, actor=officer, note="现场核查" if outcome == "ok" else config["facts"]
            )
        if state == "in_progress":
            continue
        result = {"absent": Inspection.Result.ABSENT, "violation": Inspection.Result.VIOLATION}.get(state, "pass")
        inspections.submit_inspection(visit, result, "现场检查完毕", actor=officer)
        if state == "submitted":
            continue
        inspections.review_inspection(visit, actor=lead, approve=True)
        if state == "violation":
            _case(visit, lead, config)


def _case(visit: Inspection, actor: User, config: dict[str, Any]) -> None:
    department = inspections.departments_of(visit)[0]
    case = cases.open_case(
        department=department,
        entity=visit.target.entity,
        origin=EnforcementCase.Origin.INSPECTION,
        inspection=visit,
        facts=config["facts"],
        legal_basis=config["legal_basis"],
        actor=actor,
    )
    for _step in range(3):  # 调查取证 → 告知 → 法制审核 → 决定
        case = cases.advance_case(case, actor=actor, note="依法办理")
    cases.advance_case(
        case,
        actor=actor,
        note="经集体讨论决定",
        decision_no=config["decision_no"],
        penalty=config["penalty"],
        fine=Decimal(config["fine"]),
    )


@transaction.atomic
def ensure_demo_regulation(*, city_code: str) -> list[DemoLogin]:
    """Seed the demo's regulation data; returns the logins it made (planners and officers of each department)."""
    items_by_suffix, config = _load("items.yaml"), _load("plans.yaml")
    admin = User.objects.filter(kind=User.Kind.ADMIN).order_by("pk").first()
    city = Division.objects.get(code=city_code)
    year = date.today().year
    departments = {s: Department.objects.get(code=f"{city_code}-{s}") for s in items_by_suffix}
    logins: list[DemoLogin] = []
    planners: dict[str, User] = {}
    for suffix, department in departments.items():
        logins.append(
            _official(
                f"demo-reg-{suffix.lower()}",
                department,
                f"{department.short_name}监管科",
                ("approver",),
                "抽查计划与审核",
            )
        )
        planners[suffix] = User.objects.get(username=f"demo-reg-{suffix.lower()}")
    officer_logins = []
    names = iter(config["officer_names"])
    for suffix, department in departments.items():
        for k in range(config["officers_per_department"]):
            name = next(names, f"执法员{suffix}{k}")
            officer_logins.append(
                _official(f"demo-inspector-{suffix.lower()}-{k + 1}", department, name, ("acceptor",), "执法检查人员")
            )
    logins.extend(officer_logins)
    first_code = f"{year}-{city_code}-{config['plans'][0]['code']}"
    if InspectionPlan.objects.filter(code=first_code).exists():
        return logins

    for suffix, rows in items_by_suffix.items():
        rosters.import_items(
            [
                {
                    "事项编码": f"{city_code}-{row['code']}",
                    "事项名称": row["name"],
                    "实施部门编码": departments[suffix].code,
                    "法律依据": row["legal_basis"],
                    "检查对象类型": row["object_type"],
                    "事项类别": row["kind"],
                    "检查内容": row.get("check_content", ""),
                    "需准备的材料": row.get("documents", ""),
                }
                for row in rows
            ],
            actor=planners[suffix],
        )
    people = list(Person.objects.order_by("pk")[: len(officer_logins)])
    for n, (login, person) in enumerate(zip(officer_logins, people, strict=False)):
        user = User.objects.get(username=login.username)
        home = user.department
        assert home is not None
        suffix = home.code.split("-")[1]
        codes = [f"{city_code}-{row['code']}" for row in items_by_suffix[suffix]]
        # officers qualify for alternating subsets, so that a visit of every item needs two of them
        own = codes if n % 2 == 0 else codes[:1]
        inspector = rosters.import_inspectors(
            [
                {
                    "执法证号": f"ZJ{city_code}{n + 1:04d}",
                    "姓名": login.full_name,
                    "部门编码": home.code,
                    "可检查事项编码": ",".join(own),
                    "业务专长": "",
                    "可参加抽查": "是",
                }
            ],
            actor=planners[suffix],
        )[0]
        rosters.link_inspector(inspector, actor=planners[suffix], user=user, person=person)
        if n == 0:  # a declared relative: the legal representative of the city's first enterprise (回避)
            from yiwang.registries.models import LegalEntity

            firm = LegalEntity.objects.filter(division__code__startswith=city_code[:4]).order_by("pk").first()
            if firm is not None:
                rosters.declare_relation(
                    inspector, InspectorRelation.Kind.FAMILY, actor=planners[suffix], person=firm.legal_representative
                )
    if admin is not None:
        rosters.sync_entity_roster(city, actor=admin)
    for kind, by_class in config["ratios"].items():
        for klass, (ratio_bp, limit) in by_class.items():
            plans.set_ratio(year, city, kind, klass, ratio_bp, actor=admin or planners["SCJGJ"], max_per_year=limit)
    for spec in config["plans"]:
        lead = planners[spec["lead"]]
        plan = plans.create_plan(
            code=f"{year}-{city_code}-{spec['code']}",
            name=spec["name"],
            kind=spec["kind"],
            year=year,
            division=city,
            lead_department=departments[spec["lead"]],
            period_start=date(year, 1, 1),
            period_end=date(year, 12, 31),
            tasks=[
                plans.TaskSpec(departments[s], list(RegulatoryItem.objects.filter(department=departments[s])))
                for s in spec["tasks"]
            ],
            actor=lead,
        )
        draw = draws.commit_draw(
            plan, actor=lead, source=config["draw"]["source"], source_reference=config["draw"]["reference"]
        )
        draws.perform_draw(draw, config["draw"]["numbers"], actor=lead)
    joint = list(
        Inspection.objects.filter(parts__draw__plan__code=first_code, parts__active=True).distinct().order_by("code")
    )
    _advance_visits(joint, planners, config["case"])
    return logins
