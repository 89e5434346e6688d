"""The demo's 一网协同: 西湖区's villages and communities (with grid groups and liaisons) on the organisation tree,
an instruction sent to every one of them with some units silent, reminded and escalated, a fresh one waiting to
be acknowledged, and a task force with its board, a meeting and a published league table.

Loaded from ``demo/data/collaboration/*.yaml`` through the operators' services (``import_units``,
``send_instruction``, ``acknowledge``, ``report_back``, ``chase_receipts``, the task-force services). Idempotent:
what exists (an instruction's key, a task force's name) is left as it is.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from yiwang.accounts.models import Department, RoleAssignment, User
from yiwang.accounts.roles import ensure_default_roles
from yiwang.collaboration import services
from yiwang.collaboration.models import Instruction, Member, OrgUnit, TaskForce
from yiwang.core.workdays import WorkingDays
from yiwang.demo.seeding import DEMO_PASSWORD, DemoLogin, _login

DATA = Path(__file__).parent / "data" / "collaboration"


def _load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def working_days_ago(today: date, n: int) -> date:
    """The working day ``n`` working days before ``today`` (``today`` itself when ``n`` is 0)."""
    calendar, day = WorkingDays(), today
    while n > 0:
        day -= timedelta(days=1)
        n -= calendar.is_working_day(day)
    return day


def _official(username: str, department: Department, name: str, what: str) -> tuple[DemoLogin, User]:
    login = _login(username, User.Kind.OFFICIAL, name, f"工作人员（{department.name}，{what}）", department=department)
    user = User.objects.get(username=username)
    role = ensure_default_roles()["approver"]
    RoleAssignment.objects.get_or_create(
        user=user, role=role, department=department, division_id=department.division_id
    )
    return login, user


def _liaison(code: str, name: str, *, login: bool) -> User:
    """A unit's liaison: a printed demo login for the few the demo acts as, else an account that only receives
    notices (no usable password)."""
    username = f"demo-unit-{code}"
    if login:
        # the printed liaisons work for the district's civil-affairs bureau (社区工作), scoped to the district
        county = code[:6]
        department = Department.objects.get(code=f"{county}-MZJ")
        _login(username, User.Kind.OFFICIAL, f"{name}联络人", f"联络人（{name}）", department=department)
        user = User.objects.get(username=username)
        role = ensure_default_roles()["acceptor"]
        RoleAssignment.objects.get_or_create(user=user, role=role, department=department, division_id=county)
        return user
    user, created = User.objects.get_or_create(
        username=username, defaults={"kind": User.Kind.OFFICIAL, "full_name": f"{name}联络人", "is_active": True}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _units(config: dict[str, Any], actor: User) -> list[DemoLogin]:
    """The county's townships from the divisions, its villages, communities and grids imported with liaisons."""
    county = config["county"]
    services.sync_division_units(county)
    rows: list[dict[str, Any]] = []
    printed: list[DemoLogin] = []
    for first, (township_code, names) in enumerate(config["townships"].items()):
        township = OrgUnit.objects.get(code=township_code)
        if township.liaison_id is None:
            township.liaison = _liaison(township_code, township.name, login=first == 0)
            township.save(update_fields=["liaison"])
        for n, name in enumerate(names, start=1):
            code = f"{township_code}{n:03d}"
            kind = OrgUnit.Kind.VILLAGE if name.endswith("村") else OrgUnit.Kind.COMMUNITY
            full = f"{township.name}{name}"
            liaison = _liaison(code, full, login=len(printed) < 2)
            rows.append(
                {"code": code, "name": full, "kind": kind, "parent": township_code, "liaison": liaison.username}
            )
            if len(printed) < 2:
                printed.append(
                    DemoLogin(
                        liaison.username,
                        DEMO_PASSWORD,
                        User.Kind.OFFICIAL,
                        liaison.full_name,
                        f"村社区联络人（{full}）",
                    )
                )
    services.import_units(rows, actor=actor)
    grids = []
    for row in rows:
        for g in range(1, config.get("grid_groups_per_unit", 0) + 1):
            code = f"{row['code']}-G{g}"
            name = f"{row['name']}第{g}网格"
            grids.append(
                {
                    "code": code,
                    "name": name,
                    "kind": "grid",
                    "parent": row["code"],
                    "liaison": _liaison(code, name, login=False).username,
                }
            )
    services.import_units(grids, actor=actor)
    first_township = OrgUnit.objects.get(code=next(iter(config["townships"])))
    assert first_township.liaison is not None
    printed.append(
        DemoLogin(
            first_township.liaison.username,
            DEMO_PASSWORD,
            User.Kind.OFFICIAL,
            first_township.liaison.full_name,
            f"乡镇街道联络人（{first_township.name}，收到下级未签收的上报）",
        )
    )
    return printed


def _instructions(config: dict[str, Any], sender: User, department: Department, county: str, keep: set[int]) -> None:
    today = timezone.localdate()
    for spec in config["instructions"]:
        if Instruction.objects.filter(idempotency_key=spec["key"]).exists():
            continue
        instruction = services.send_instruction(
            actor=sender,
            department=department,
            title=spec["title"],
            body=spec["body"].strip(),
            roots=[county],
            levels=spec["levels"],
            deadline_days=spec["deadline_days"],
            requires_report=spec["requires_report"],
            idempotency_key=spec["key"],
            today=working_days_ago(today, spec["sent_working_days_ago"]),
        )
        answering = [
            r
            for r in instruction.receipts.select_related("unit__liaison").order_by("unit__path")
            if r.unit.liaison_id not in keep and r.unit.liaison is not None
        ]
        for n, receipt in enumerate(answering[: spec["acknowledged"]]):
            assert receipt.unit.liaison is not None
            if n < spec["reported"]:
                services.report_back(receipt.unit.liaison, receipt, "已组织排查，隐患点均已落实专人值守。")
            else:
                services.acknowledge(receipt.unit.liaison, receipt)
        for days in spec["chase_working_days_ago"]:
            services.chase_receipts(today=working_days_ago(today, days))


def _task_forces(config: dict[str, Any], city_code: str) -> list[DemoLogin]:
    today = timezone.localdate()
    logins: list[DemoLogin] = []
    for spec in config["task_forces"]:
        department = Department.objects.get(code=f"{city_code}-{spec['department']}")
        leader_login, leader = _official(spec["leader"]["username"], department, spec["leader"]["name"], "专班组长")
        logins.append(leader_login)
        users: dict[str, User] = {}
        for m in spec["members"]:
            if m.get("username"):
                member_department = Department.objects.get(code=f"{city_code}-{m['department']}")
                login, users[m["username"]] = _official(m["username"], member_department, m["name"], "专班成员")
                logins.append(login)
        if TaskForce.objects.filter(name=spec["name"]).exists():
            continue
        force = services.create_task_force(
            actor=leader, department=department, name=spec["name"], goal=spec["goal"], leader=leader
        )
        members: dict[str, Member] = {}
        for m in spec["members"]:
            user = users.get(m.get("username", ""))
            member = services.add_member(
                actor=leader,
                task_force=force,
                name=m["name"],
                user=user,
                department=user.department if user is not None else None,
                is_expert=bool(m.get("expert")),
                duty=m.get("duty", ""),
            )
            members[m.get("username") or m["name"]] = member
        meeting = spec["meeting"]
        held_on = working_days_ago(today, meeting["held_working_days_ago"])
        services.record_meeting(
            actor=leader,
            task_force=force,
            held_on=held_on,
            agenda=meeting["agenda"],
            minutes=meeting["minutes"],
            decisions=[(d["title"], members[d["owner"]], d["working_days"]) for d in meeting["decisions"]],
            today=held_on,
        )
        for t in spec["tasks"]:
            task = services.assign_task(
                actor=leader,
                task_force=force,
                title=t["title"],
                owner=members[t["owner"]],
                working_days=t["working_days"],
                today=working_days_ago(today, t["assigned_working_days_ago"]),
            )
            if "completed_working_days_ago" in t:
                done_on = working_days_ago(today, t["completed_working_days_ago"])
                services.set_task_state(actor=leader, task=task, state="done", today=done_on)
            elif t.get("state") == "doing":
                services.set_task_state(actor=leader, task=task, state="doing")
            elif t.get("problem"):
                services.escalate_problem(actor=leader, task=task, problem=t["problem"])
        services.publish_league_table(
            actor=leader, task_force=force, as_of=working_days_ago(today, spec["league_published_working_days_ago"])
        )
    return logins


@transaction.atomic
def ensure_demo_collaboration(*, city_code: str) -> list[DemoLogin]:
    """Seed the demo's collaboration data; returns the logins to print (sender, two liaisons, a township's,
    the task force's leader and a member)."""
    units, instructions = _load("units.yaml"), _load("instructions.yaml")
    county = units["county"]
    if not county.startswith(city_code[:4]):
        return []  # the data files describe 杭州市's 西湖区
    sender_spec = instructions["sender"]
    department = Department.objects.get(code=f"{county}-{sender_spec['department']}")
    sender_login, sender = _official(sender_spec["username"], department, sender_spec["name"], "一键触达下发指令")
    printed = _units(units, sender)
    keep = set(User.objects.filter(username__in=[p.username for p in printed[:2]]).values_list("pk", flat=True))
    _instructions(instructions, sender, department, county, keep)
    return [sender_login, *printed, *_task_forces(_load("task_forces.yaml"), city_code)]
