"""Task forces: meeting decisions become tasks on the board; the league table ranks departments by the data."""

from __future__ import annotations

from datetime import date

import pytest

from yiwang.accounts.models import Department
from yiwang.collaboration.models import LeagueTable, Task
from yiwang.collaboration.services import (
    add_member,
    assign_task,
    board,
    create_task_force,
    escalate_problem,
    league_table,
    publish_league_table,
    record_meeting,
    set_task_state,
)
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed

MONDAY = date(2026, 3, 2)


@pytest.fixture
def force(org, calendar, make_official):
    leader = make_official("leader", org.xihu_samr)
    tax = Department.objects.create(code="330106-SWJ", name="西湖区税务局", division=org.xihu)
    task_force = create_task_force(
        actor=leader, department=org.xihu_samr, name="营商环境专班", goal="开办企业一日办结", leader=leader
    )
    samr_member = task_force.members.get()
    tax_member = add_member(actor=leader, task_force=task_force, name="税务专员", department=tax)
    expert = add_member(actor=leader, task_force=task_force, name="高教授", is_expert=True, duty="咨询")
    return task_force, leader, samr_member, tax_member, expert


def test_a_meetings_decisions_become_tasks_with_working_day_deadlines(force):
    task_force, leader, samr, tax, _expert = force
    meeting = record_meeting(
        actor=leader,
        task_force=task_force,
        held_on=MONDAY,
        agenda="一、开办流程梳理",
        minutes="会议决定：",
        decisions=[("合并登记表单", samr, 5), ("发票申领并联", tax, 3)],
        today=MONDAY,
    )

    tasks = list(meeting.decisions.order_by("title"))
    assert [(t.title, t.department.name, t.due_on) for t in tasks] == [
        ("发票申领并联", "西湖区税务局", date(2026, 3, 5)),
        ("合并登记表单", "西湖区市场监督管理局", date(2026, 3, 9)),
    ]
    assert len(board(task_force, today=MONDAY)["todo"]) == 2


def test_a_department_member_needs_a_department_and_outsiders_cannot_run_the_force(force, make_official, org):
    task_force, leader, *_rest = force
    with pytest.raises(ValidationFailed):
        add_member(actor=leader, task_force=task_force, name="无部门")
    outsider = make_official("outsider", org.shangcheng_samr)
    with pytest.raises(PermissionDenied):
        add_member(actor=outsider, task_force=task_force, name="x", is_expert=True)


def test_a_problem_goes_to_the_leader_and_the_board_shows_it(force):
    task_force, leader, samr, _tax, _expert = force
    task = assign_task(actor=leader, task_force=task_force, title="数据共享", owner=samr, working_days=2, today=MONDAY)
    escalate_problem(actor=leader, task=task, problem="税务数据接口未开放")
    assert [c["task"].pk for c in board(task_force, today=MONDAY)["blocked"]] == [task.pk]
    set_task_state(actor=leader, task=task, state=Task.State.DONE, today=MONDAY)
    with pytest.raises(Conflict):
        set_task_state(actor=leader, task=task, state=Task.State.DOING)


def test_the_league_table_ranks_departments_by_tasks_done_on_time(force):
    task_force, leader, samr, tax, _expert = force
    late = assign_task(actor=leader, task_force=task_force, title="a", owner=samr, working_days=1, today=MONDAY)
    on_time = assign_task(actor=leader, task_force=task_force, title="b", owner=tax, working_days=5, today=MONDAY)
    assign_task(actor=leader, task_force=task_force, title="c", owner=samr, working_days=1, today=MONDAY)
    set_task_state(actor=leader, task=late, state=Task.State.DONE, today=date(2026, 3, 6))
    set_task_state(actor=leader, task=on_time, state=Task.State.DONE, today=date(2026, 3, 4))

    rows = league_table(task_force, as_of=date(2026, 3, 10))
    assert [(r["rank"], r["department"], r["rate"], r["overdue"]) for r in rows] == [
        (1, "西湖区税务局", 100.0, 0),
        (2, "西湖区市场监督管理局", 0.0, 1),
    ]
    published = publish_league_table(actor=leader, task_force=task_force, as_of=date(2026, 3, 10))
    assert LeagueTable.objects.get().rows == published.rows
    with pytest.raises(Conflict):
        publish_league_table(actor=leader, task_force=task_force, as_of=date(2026, 3, 10))


def test_an_official_sets_up_a_task_force_on_its_page_and_assigns_a_task(client, org, make_official, calendar):
    from django.urls import reverse

    from yiwang.collaboration.models import Task, TaskForce
    from yiwang.collaboration.tests.factories import PASSWORD

    lead = make_official("tf-lead", org.xihu_samr)
    client.login(username=lead.username, password=PASSWORD)
    page = client.get(reverse("collaboration:workbench:task_force_create"))
    assert page.status_code == 200 and org.xihu_samr.name in page.content.decode()
    empty = client.post(
        reverse("collaboration:workbench:task_force_create"),
        {"name": "", "goal": "x", "department": org.xihu_samr.pk, "leader": lead.pk},
    )
    assert empty.status_code == 200 and not TaskForce.objects.exists()
    other = client.post(
        reverse("collaboration:workbench:task_force_create"),
        {"name": "越权专班", "goal": "x", "department": org.shangcheng_samr.pk, "leader": lead.pk},
    )
    assert other.status_code == 200 and not TaskForce.objects.exists()  # not a department the official acts for
    response = client.post(
        reverse("collaboration:workbench:task_force_create"),
        {
            "name": "食品安全攻坚专班",
            "goal": "年内完成校园食堂全覆盖检查",
            "department": org.xihu_samr.pk,
            "leader": lead.pk,
        },
    )
    force = TaskForce.objects.get()
    assert response.status_code == 302 and force.leader == lead and force.members.count() == 1
    board = reverse("collaboration:workbench:task_force", args=[force.pk])
    client.post(board, {"member-name": "王专家", "member-is_expert": "on", "member-duty": "食品检测"})
    expert = force.members.get(is_expert=True)
    client.post(board, {"task-title": "制定检查清单", "task-owner": expert.pk, "task-working_days": 5})
    task = Task.objects.get()
    assert task.owner == expert and task.task_force == force
