"""The operations of 一网协同: the unit tree, instructions with receipts, task forces. One transaction each."""

from yiwang.collaboration.services.instructions import (
    ChaseReport,
    acknowledge,
    chase_receipts,
    instruction_progress,
    mark_read,
    report_back,
    send_instruction,
    silent_receipts,
    verify_receipts,
)
from yiwang.collaboration.services.taskforces import (
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
from yiwang.collaboration.services.units import import_units, sync_division_units

__all__ = [
    "ChaseReport",
    "acknowledge",
    "add_member",
    "assign_task",
    "board",
    "chase_receipts",
    "create_task_force",
    "escalate_problem",
    "import_units",
    "instruction_progress",
    "league_table",
    "mark_read",
    "publish_league_table",
    "record_meeting",
    "report_back",
    "send_instruction",
    "set_task_state",
    "silent_receipts",
    "sync_division_units",
    "verify_receipts",
]
