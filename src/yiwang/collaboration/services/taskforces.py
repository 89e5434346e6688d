"""Work groups and task forces (工作专班): members, tasks with working-day deadlines, meetings whose decisions
become tasks, problems escalated for 攻关, the board (挂图作战) and the league table (定期晾晒)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for, require_acts_for
from yiwang.collaboration.models import LeagueTable, Meeting, Member, Task, TaskForce
from yiwang.core.audit import record
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.notify import notify_many
from yiwang.core.workdays import WorkingDays

__all__ = [
    "add_member",
    "assign_task",
    "board",
    "create_task_force",
    "escalate_problem",
    "league_table",
    "publish_league_table",
    "record_meeting",
    "set_task_state",
]


def _require_runs(actor: User, task_force: TaskForce) -> None:
    """The leader, or an official acting for the lead department, runs the task force."""
    if actor.pk != task_force.leader_id and not acts_for(actor, task_force.department):
        raise PermissionDenied(_("只有专班牵头领导或牵头部门工作人员可以操作"), field="task_force")


def create_task_force(*, actor: User, department: Department, name: str, goal: str, leader: User) -> TaskForce:
    require_acts_for(actor, department, message=_("只能为本部门成立专班"), field="department")
    if not name.strip() or not goal.strip():
        raise ValidationFailed(_("专班名称和工作目标必填"), field="name")
    with transaction.atomic():
        task_force = TaskForce.objects.create(
            name=name.strip(), goal=goal.strip(), leader=leader, department=department
        )
        Member.objects.create(
            task_force=task_force, name=str(leader), user=leader, department=department, duty=gettext("组长")
        )
        record("collaboration.task_force.create", actor=actor, obj=task_force, data={"leader": leader.pk})
    return task_force


def add_member(
    *,
    actor: User,
    task_force: TaskForce,
    name: str,
    user: User | None = None,
    department: Department | None = None,
    is_expert: bool = False,
    duty: str = "",
) -> Member:
    _require_runs(actor, task_force)
    if not name.strip():
        raise ValidationFailed(_("请填写成员姓名"), field="name")
    if department is None and not is_expert:
        raise ValidationFailed(_("部门成员须注明所在部门；外部专家请勾选“外部专家”"), field="department")
    with transaction.atomic():
        member = Member.objects.create(
            task_force=task_force, name=name.strip(), user=user, department=department, is_expert=is_expert, duty=duty
        )
        record("collaboration.task_force.member_add", actor=actor, obj=member, data={"task_force": task_force.pk})
    return member


def assign_task(
    *,
    actor: User,
    task_force: TaskForce,
    title: str,
    owner: Member,
    working_days: int,
    department: Department | None = None,
    meeting: Meeting | None = None,
    today: date | None = None,
) -> Task:
    """A task with an owner and a deadline counted in working days from ``today``."""
    _require_runs(actor, task_force)
    if owner.task_force_id != task_force.pk:
        raise ValidationFailed(_("责任人须为本专班成员"), field="owner")
    if not title.strip():
        raise ValidationFailed(_("请填写任务内容"), field="title")
    if not 0 < working_days <= 250:
        raise ValidationFailed(_("时限须为 1 至 250 个工作日"), field="working_days")
    department = department or owner.department or task_force.department
    due_on = WorkingDays().add_working_days(today or timezone.localdate(), working_days)
    with transaction.atomic():
        task = Task.objects.create(
            task_force=task_force,
            title=title.strip(),
            owner=owner,
            department=department,
            working_days=working_days,
            due_on=due_on,
            meeting=meeting,
        )
        record("collaboration.task.assign", actor=actor, obj=task, data={"due_on": due_on, "owner": owner.pk})
        if owner.user_id:
            notify_many(
                [(owner.user_id, f"task:{task.pk}:assigned")],
                gettext("专班任务：%(title)s") % {"title": task.title},
                gettext("完成期限：%(due)s") % {"due": due_on.isoformat()},
                url=f"/workbench/collaboration/task-forces/{task_force.pk}/",
                obj=task,
            )
    return task


def record_meeting(
    *,
    actor: User,
    task_force: TaskForce,
    held_on: date,
    agenda: str,
    minutes: str,
    decisions: Iterable[tuple[str, Member, int]] = (),
    today: date | None = None,
) -> Meeting:
    """A meeting with its agenda and minutes; each decision ``(title, owner, working days)`` becomes a task."""
    _require_runs(actor, task_force)
    if not agenda.strip():
        raise ValidationFailed(_("请填写会议议程"), field="agenda")
    with transaction.atomic():
        meeting = Meeting.objects.create(task_force=task_force, held_on=held_on, agenda=agenda, minutes=minutes)
        record("collaboration.meeting.record", actor=actor, obj=meeting, data={"task_force": task_force.pk})
        for title, owner, days in decisions:
            assign_task(
                actor=actor,
                task_force=task_force,
                title=title,
                owner=owner,
                working_days=days,
                meeting=meeting,
                today=today,
            )
    return meeting


_NEXT = {
    Task.State.TODO: {Task.State.DOING, Task.State.DONE, Task.State.BLOCKED},
    Task.State.DOING: {Task.State.DONE, Task.State.BLOCKED},
    Task.State.BLOCKED: {Task.State.DOING, Task.State.DONE},
    Task.State.DONE: set(),
}


def _require_owner_or_runner(actor: User, task: Task) -> None:
    if task.owner.user_id == actor.pk:
        return
    _require_runs(actor, task.task_force)


def set_task_state(*, actor: User, task: Task, state: str, today: date | None = None) -> Task:
    """Move a task on the board: 未开始 → 推进中 → 已完成 (攻关中 through :func:`escalate_problem`)."""
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("owner", "task_force").get(pk=task.pk)
        _require_owner_or_runner(actor, task)
        if state not in _NEXT[Task.State(task.state)] or state == Task.State.BLOCKED:
            raise Conflict(_("任务当前状态不能改为该状态"), field="state")
        before = task.state
        task.state = state
        if state == Task.State.DONE:
            task.completed_on = today or timezone.localdate()
        task.save(update_fields=["state", "completed_on"])
        record("collaboration.task.state", actor=actor, obj=task, data={"from": before, "to": state})
    return task


def escalate_problem(*, actor: User, task: Task, problem: str) -> Task:
    """A problem the owner cannot solve goes to the leader for 攻关 (the task is marked 攻关中)."""
    if not problem.strip():
        raise ValidationFailed(_("请描述需要攻关的问题"), field="problem")
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("owner", "task_force").get(pk=task.pk)
        _require_owner_or_runner(actor, task)
        if task.state == Task.State.DONE:
            raise Conflict(_("已完成的任务不能提请攻关"), field="problem")
        task.state, task.problem = Task.State.BLOCKED, problem.strip()
        task.save(update_fields=["state", "problem"])
        record("collaboration.task.escalate", actor=actor, obj=task, data={"problem": task.problem})
        notify_many(
            [(task.task_force.leader_id, f"task:{task.pk}:escalated:{timezone.now():%Y%m%d%H%M%S%f}")],
            gettext("提请攻关：%(title)s") % {"title": task.title},
            task.problem,
            url=f"/workbench/collaboration/task-forces/{task.task_force_id}/",
            obj=task,
        )
    return task


def board(task_force: TaskForce, *, today: date | None = None) -> dict[str, list[dict[str, Any]]]:
    """The board (挂图作战): every task by state, with its owner, department, deadline and whether it is late."""
    today = today or timezone.localdate()
    columns: dict[str, list[dict[str, Any]]] = {state: [] for state in Task.State.values}
    for task in task_force.tasks.select_related("owner", "department").order_by("due_on", "pk"):
        late = task.completed_on > task.due_on if task.completed_on else today > task.due_on
        columns[task.state].append({"task": task, "late": late})
    return columns


def league_table(task_force: TaskForce, *, as_of: date | None = None) -> list[dict[str, Any]]:
    """Departments ranked by tasks done on time, then by fewest overdue open tasks (晾晒)."""
    as_of = as_of or timezone.localdate()
    stats: dict[int, dict[str, Any]] = defaultdict(lambda: {"total": 0, "done": 0, "on_time": 0, "overdue": 0})
    names: dict[int, str] = {}
    for task in task_force.tasks.select_related("department"):
        row = stats[task.department_id]
        names[task.department_id] = task.department.name
        row["total"] += 1
        if task.state == Task.State.DONE and task.completed_on is not None and task.completed_on <= as_of:
            row["done"] += 1
            row["on_time"] += task.completed_on <= task.due_on
        elif task.due_on < as_of:
            row["overdue"] += 1
    rows = [
        {
            "department_id": pk,
            "department": names[pk],
            **row,
            "rate": round(100 * row["on_time"] / row["total"], 1) if row["total"] else 0.0,
        }
        for pk, row in stats.items()
    ]
    rows.sort(key=lambda r: (-r["rate"], r["overdue"], r["department"]))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def publish_league_table(*, actor: User, task_force: TaskForce, as_of: date | None = None) -> LeagueTable:
    """Generate the league table as of a day and publish it to every member with a login; once per day."""
    _require_runs(actor, task_force)
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        if LeagueTable.objects.filter(task_force=task_force, as_of=as_of).exists():
            raise Conflict(_("该日的晾晒榜单已发布"), field="as_of")
        table = LeagueTable.objects.create(
            task_force=task_force, as_of=as_of, rows=league_table(task_force, as_of=as_of), published_at=timezone.now()
        )
        record("collaboration.league_table.publish", actor=actor, obj=table, data={"rows": len(table.rows)})
        members = task_force.members.exclude(user=None).values_list("user_id", flat=True)
        notify_many(
            ((user_id, f"league:{table.pk}") for user_id in set(members)),
            gettext("%(name)s 晾晒榜单（%(day)s）") % {"name": task_force.name, "day": as_of.isoformat()},
            "\n".join(f"{r['rank']}. {r['department']} {r['rate']}%" for r in table.rows),
            url=f"/workbench/collaboration/task-forces/{task_force.pk}/",
            obj=table,
        )
    return table
