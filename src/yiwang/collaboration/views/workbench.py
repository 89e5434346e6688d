"""Officials' pages of 一网协同: send an instruction, follow its receipts live, answer as a unit, task forces."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from yiwang.accounts.http import AuthedRequest, official_required
from yiwang.accounts.models import Department, RoleAssignment, User
from yiwang.accounts.scopes import user_scopes
from yiwang.collaboration import selectors, services
from yiwang.collaboration.forms import (
    AssignTaskForm,
    InstructionForm,
    MemberForm,
    ProblemForm,
    PublishLeagueForm,
    ReceiptActionForm,
    TaskForceForm,
    TaskStateForm,
)
from yiwang.collaboration.models import Task
from yiwang.core.errors import DomainError


def _departments(request: AuthedRequest):
    if request.user.is_administrator:
        return Department.objects.all()
    return Department.objects.filter(pk__in={s.department_id for s in user_scopes(request.user)})


@official_required
def instructions(request: AuthedRequest) -> HttpResponse:
    form = InstructionForm(
        request.POST or None, departments=_departments(request), units=selectors.root_units_for(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            instruction = services.send_instruction(
                actor=request.user,
                department=data["department"],
                title=data["title"],
                body=data["body"],
                roots=[u.code for u in data["roots"]],
                levels=data["levels"],
                deadline_days=form.deadline_days(),
                requires_report=data["requires_report"],
                idempotency_key=data["idempotency_key"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("指令已下发至 %(n)d 个单位") % {"n": instruction.receipt_count})
            return redirect("collaboration:workbench:instruction", instruction.pk)
    sent = selectors.instructions_for(request.user).select_related("department")[:50]
    return render(request, "collaboration/workbench/instructions.html", {"form": form, "sent": sent})


@official_required
def instruction(request: AuthedRequest, pk: int) -> HttpResponse:
    item = selectors.instructions_for(request.user).filter(pk=pk).first()
    if item is None:
        raise Http404
    progress = services.instruction_progress(item)
    silent = services.silent_receipts(item)[:500]
    receipts = item.receipts.select_related("unit").order_by("unit__path")[:300]
    return render(
        request,
        "collaboration/workbench/instruction.html",
        {"instruction": item, "progress": progress, "silent": silent, "receipts": receipts},
    )


@official_required
def receipts(request: AuthedRequest) -> HttpResponse:
    """The unit's inbox. Opening it changes nothing: 已读, 签收 and 反馈 are each an explicit, audited POST."""
    mine = selectors.receipts_to_answer(request.user)
    form = ReceiptActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        receipt = get_object_or_404(mine, pk=form.cleaned_data["receipt"])
        action = form.cleaned_data["action"]
        try:
            if action == "report":
                services.report_back(request.user, receipt, form.cleaned_data["report"])
            elif action == "read":
                services.mark_read(request.user, receipt)
            else:
                services.acknowledge(request.user, receipt)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, {"read": _("已确认阅读"), "acknowledge": _("已签收")}.get(action, _("已反馈")))
        return redirect("collaboration:workbench:receipts")
    return render(request, "collaboration/workbench/receipts.html", {"receipts": list(mine[:100])})


@official_required
def task_forces(request: AuthedRequest) -> HttpResponse:
    forces = selectors.task_forces_for(request.user).select_related("department", "leader")
    return render(request, "collaboration/workbench/task_forces.html", {"task_forces": forces})


@official_required
def task_force_create(request: AuthedRequest) -> HttpResponse:
    """成立专班: the lead department is one the official acts for; the leader is an official of it."""
    departments = _departments(request)
    leaders = User.objects.filter(
        kind=User.Kind.OFFICIAL,
        is_active=True,
        pk__in=RoleAssignment.objects.filter(department__in=departments).values("user_id"),
    ).select_related("department")
    form = TaskForceForm(
        request.POST or None, departments=departments, leaders=leaders, initial={"leader": request.user.pk}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            force = services.create_task_force(
                actor=request.user,
                department=data["department"],
                name=data["name"],
                goal=data["goal"],
                leader=data["leader"],
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc.message))
        else:
            messages.success(request, _("专班已成立"))
            return redirect("collaboration:workbench:task_force", force.pk)
    return render(request, "collaboration/workbench/task_force_create.html", {"form": form})


@official_required
def task_force(request: AuthedRequest, pk: int) -> HttpResponse:
    force = selectors.task_forces_for(request.user).filter(pk=pk).first()
    if force is None:
        raise Http404
    if request.method == "POST":
        _handle_board_post(request, force)
        return redirect("collaboration:workbench:task_force", force.pk)
    return render(
        request,
        "collaboration/workbench/task_force.html",
        {
            "task_force": force,
            "board": services.board(force),
            "states": Task.State,
            "league": services.league_table(force),
            "published": force.league_tables.first(),
            "members": force.members.select_related("department"),
            "meetings": force.meetings.prefetch_related("decisions"),
            "member_form": MemberForm(prefix="member"),
            "task_form": AssignTaskForm(prefix="task", task_force=force),
        },
    )


def _handle_board_post(request: AuthedRequest, force) -> None:
    form: TaskStateForm | ProblemForm | PublishLeagueForm | MemberForm | AssignTaskForm
    try:
        if "member-name" in request.POST:
            form = MemberForm(request.POST, prefix="member")
            if form.is_valid():
                data = form.cleaned_data
                services.add_member(
                    actor=request.user,
                    task_force=force,
                    name=data["name"],
                    department=data["department"],
                    is_expert=data["is_expert"],
                    duty=data["duty"],
                )
                messages.success(request, _("已添加成员"))
        elif "task-title" in request.POST:
            form = AssignTaskForm(request.POST, prefix="task", task_force=force)
            if form.is_valid():
                data = form.cleaned_data
                services.assign_task(
                    actor=request.user,
                    task_force=force,
                    title=data["title"],
                    owner=data["owner"],
                    working_days=data["working_days"],
                )
                messages.success(request, _("已分派任务"))
        elif "problem" in request.POST:
            form = ProblemForm(request.POST)
            if form.is_valid():
                task = get_object_or_404(force.tasks, pk=form.cleaned_data["task"])
                services.escalate_problem(actor=request.user, task=task, problem=form.cleaned_data["problem"])
        elif "state" in request.POST:
            form = TaskStateForm(request.POST)
            if form.is_valid():
                task = get_object_or_404(force.tasks, pk=form.cleaned_data["task"])
                services.set_task_state(actor=request.user, task=task, state=form.cleaned_data["state"])
        else:
            form = PublishLeagueForm(request.POST)
            if form.is_valid():
                services.publish_league_table(actor=request.user, task_force=force)
                messages.success(request, _("晾晒榜单已发布"))
        if not form.is_valid():
            labels = {name: field.label for name, field in form.fields.items()}
            problems = [f"{labels.get(name) or ''}{' '.join(map(str, errors))}" for name, errors in form.errors.items()]
            messages.error(request, "；".join(problems) or _("提交的内容有误"))
    except DomainError as exc:
        messages.error(request, str(exc.message))
