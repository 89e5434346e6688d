"""一网协同 over the API: send an instruction and follow its receipts; a unit's liaison reads, acknowledges and
reports back; a task force's board and league table. Officials only; every write goes through the services."""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import Department
from yiwang.collaboration import selectors, services
from yiwang.collaboration.models import Instruction, Receipt, Task, TaskForce
from yiwang.core.errors import NotFound, PermissionDenied

router = Router(tags=["collaboration"])


def _official(request: AuthedRequest) -> None:
    user = request.user
    if not (user.is_official or user.is_administrator):
        raise PermissionDenied(_("一网协同接口仅供工作人员使用"), field="user")


class CollabInstructionIn(Schema):
    title: str
    body: str
    department: str  # the sending department's code
    roots: list[str]  # unit codes on the organisation tree; each includes its whole subtree
    levels: list[int]
    deadline_days: dict[str, int] = {}
    requires_report: bool = False
    idempotency_key: str


class CollabProgressOut(Schema):
    total: int
    read: int
    acknowledged: int
    reported: int
    reminded: int
    escalated: int


class CollabInstructionOut(Schema):
    id: int
    title: str
    body: str
    department: str
    sent_at: datetime
    state: str
    roots: list[str]
    levels: list[int]
    receipt_count: int
    recipients_digest: str
    progress: CollabProgressOut


class CollabReceiptOut(Schema):
    id: int
    instruction_id: int
    instruction_title: str
    unit_code: str
    unit_name: str
    level: int
    state: str
    due_on: date
    read_at: datetime | None
    acknowledged_at: datetime | None
    reported_at: datetime | None
    report: str
    reminders: int
    escalated_at: datetime | None


class CollabReportIn(Schema):
    text: str


class CollabTaskOut(Schema):
    id: int
    title: str
    owner: str
    department: str
    state: str
    due_on: date
    late: bool
    problem: str


class CollabLeagueRowOut(Schema):
    rank: int
    department: str
    total: int
    done: int
    on_time: int
    overdue: int
    rate: float


class CollabTaskForceOut(Schema):
    id: int
    name: str
    goal: str
    department: str
    leader: str
    tasks: list[CollabTaskOut]
    league: list[CollabLeagueRowOut]


class CollabTaskStateIn(Schema):
    state: str


def _progress(instruction: Instruction) -> CollabProgressOut:
    totals = services.instruction_progress(instruction)["totals"]
    return CollabProgressOut(
        total=totals.get("total", 0),
        read=totals.get("read", 0),
        acknowledged=totals.get("acknowledged_or_reported", 0),
        reported=totals.get("reported", 0),
        reminded=totals.get("reminded", 0),
        escalated=totals.get("escalated", 0),
    )


def _instruction_out(instruction: Instruction) -> CollabInstructionOut:
    return CollabInstructionOut(
        id=instruction.pk,
        title=instruction.title,
        body=instruction.body,
        department=instruction.department.code,
        sent_at=instruction.sent_at,
        state=instruction.state,
        roots=list(instruction.roots),
        levels=list(instruction.levels),
        receipt_count=instruction.receipt_count,
        recipients_digest=instruction.recipients_digest,
        progress=_progress(instruction),
    )


def _receipt_out(receipt: Receipt) -> CollabReceiptOut:
    return CollabReceiptOut(
        id=receipt.pk,
        instruction_id=receipt.instruction_id,
        instruction_title=receipt.instruction.title,
        unit_code=receipt.unit.code,
        unit_name=receipt.unit.name,
        level=receipt.level,
        state=receipt.state,
        due_on=receipt.due_on,
        read_at=receipt.read_at,
        acknowledged_at=receipt.acknowledged_at,
        reported_at=receipt.reported_at,
        report=receipt.report,
        reminders=receipt.reminders,
        escalated_at=receipt.escalated_at,
    )


def _instruction(request: AuthedRequest, pk: int) -> Instruction:
    _official(request)
    instruction = selectors.instructions_for(request.user).select_related("department").filter(pk=pk).first()
    if instruction is None:
        raise NotFound(_("未找到该指令"), field="instruction")
    return instruction


def _receipt(request: AuthedRequest, pk: int) -> Receipt:
    _official(request)
    receipt = selectors.receipts_to_answer(request.user).filter(pk=pk).first()
    if receipt is None:
        raise NotFound(_("未找到本单位的该回执"), field="receipt")
    return receipt


@router.get("/instructions", response=list[CollabInstructionOut])
def list_instructions(request: AuthedRequest) -> list[CollabInstructionOut]:
    """The instructions the caller or their departments sent, newest first (at most 100)."""
    _official(request)
    sent = selectors.instructions_for(request.user).select_related("department")[:100]
    return [_instruction_out(i) for i in sent]


@router.post("/instructions", response=CollabInstructionOut)
def post_instruction(request: AuthedRequest, payload: CollabInstructionIn) -> CollabInstructionOut:
    """Send an instruction (一键触达); the same ``idempotency_key`` again returns the first one."""
    _official(request)
    department = Department.objects.filter(code=payload.department).first()
    if department is None:
        raise NotFound(_("未找到发送部门"), field="department")
    instruction = services.send_instruction(
        actor=request.user,
        department=department,
        title=payload.title,
        body=payload.body,
        roots=payload.roots,
        levels=payload.levels,
        deadline_days=payload.deadline_days,
        requires_report=payload.requires_report,
        idempotency_key=payload.idempotency_key,
    )
    return _instruction_out(instruction)


@router.get("/instructions/{pk}", response=CollabInstructionOut)
def get_instruction(request: AuthedRequest, pk: int) -> CollabInstructionOut:
    return _instruction_out(_instruction(request, pk))


@router.get("/instructions/{pk}/silent", response=list[CollabReceiptOut])
def get_silent_units(request: AuthedRequest, pk: int) -> list[CollabReceiptOut]:
    """The silent units (沉默单位): past the deadline and not acknowledged, oldest deadline first (at most 1,000)."""
    instruction = _instruction(request, pk)
    return [_receipt_out(r) for r in services.silent_receipts(instruction).select_related("instruction")[:1000]]


@router.get("/receipts", response=list[CollabReceiptOut])
def list_receipts(request: AuthedRequest) -> list[CollabReceiptOut]:
    """The receipts of the units whose liaison the caller is. Listing them does not mark them read."""
    _official(request)
    return [_receipt_out(r) for r in selectors.receipts_to_answer(request.user)[:100]]


@router.post("/receipts/{pk}/read", response=CollabReceiptOut)
def post_read(request: AuthedRequest, pk: int) -> CollabReceiptOut:
    """The unit has read the instruction (已读): an explicit, audited acknowledgement of reading."""
    return _receipt_out(services.mark_read(request.user, _receipt(request, pk)))


@router.post("/receipts/{pk}/acknowledge", response=CollabReceiptOut)
def post_acknowledge(request: AuthedRequest, pk: int) -> CollabReceiptOut:
    """The unit acknowledges (签收); a ledger entry bears it out. Idempotent."""
    return _receipt_out(services.acknowledge(request.user, _receipt(request, pk)))


@router.post("/receipts/{pk}/report", response=CollabReceiptOut)
def post_report(request: AuthedRequest, pk: int, payload: CollabReportIn) -> CollabReceiptOut:
    """The unit reports how it carried the instruction out (反馈落实情况)."""
    return _receipt_out(services.report_back(request.user, _receipt(request, pk), payload.text))


def _task_force(request: AuthedRequest, pk: int) -> TaskForce:
    _official(request)
    force = selectors.task_forces_for(request.user).select_related("department", "leader").filter(pk=pk).first()
    if force is None:
        raise NotFound(_("未找到该专班"), field="task_force")
    return force


def _task_force_out(force: TaskForce) -> CollabTaskForceOut:
    tasks = [
        CollabTaskOut(
            id=cell["task"].pk,
            title=cell["task"].title,
            owner=cell["task"].owner.name,
            department=cell["task"].department.name,
            state=cell["task"].state,
            due_on=cell["task"].due_on,
            late=cell["late"],
            problem=cell["task"].problem,
        )
        for cells in services.board(force).values()
        for cell in cells
    ]
    league = [
        CollabLeagueRowOut(**{k: row[k] for k in ("rank", "department", "total", "done", "on_time", "overdue", "rate")})
        for row in services.league_table(force)
    ]
    return CollabTaskForceOut(
        id=force.pk,
        name=force.name,
        goal=force.goal,
        department=force.department.name,
        leader=str(force.leader),
        tasks=tasks,
        league=league,
    )


@router.get("/task-forces", response=list[CollabTaskForceOut])
def list_task_forces(request: AuthedRequest) -> list[CollabTaskForceOut]:
    """The task forces the caller leads, belongs to or whose lead department they act for, with their boards."""
    _official(request)
    forces = selectors.task_forces_for(request.user).select_related("department", "leader")[:50]
    return [_task_force_out(f) for f in forces]


@router.get("/task-forces/{pk}", response=CollabTaskForceOut)
def get_task_force(request: AuthedRequest, pk: int) -> CollabTaskForceOut:
    """A task force's board (挂图作战) and its league table (定期晾晒) as of today."""
    return _task_force_out(_task_force(request, pk))


@router.post("/task-forces/{pk}/tasks/{task_pk}/state", response=CollabTaskForceOut)
def post_task_state(request: AuthedRequest, pk: int, task_pk: int, payload: CollabTaskStateIn) -> CollabTaskForceOut:
    """Move a task on the board (推进中, 已完成); its owner or the task force's lead may."""
    force = _task_force(request, pk)
    task = Task.objects.filter(task_force=force, pk=task_pk).first()
    if task is None:
        raise NotFound(_("未找到该任务"), field="task")
    services.set_task_state(actor=request.user, task=task, state=payload.state)
    return _task_force_out(force)
