"""Instructions (一键触达): fan-out to whole subtrees, receipts in the audit ledger, reminders and escalation."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for, require_acts_for
from yiwang.collaboration.models import Instruction, OrgUnit, Receipt
from yiwang.core.audit import record
from yiwang.core.bulk import db_value, insert_rows
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.core.notify import notify_many
from yiwang.core.workdays import WorkingDays

__all__ = [
    "ChaseReport",
    "acknowledge",
    "chase_receipts",
    "instruction_progress",
    "mark_read",
    "report_back",
    "send_instruction",
    "silent_receipts",
    "verify_receipts",
]

#: Working days to acknowledge by level when the sender gives none: the lower the level, the less time.
DEFAULT_DEADLINE_DAYS = {1: 5, 2: 4, 3: 3, 4: 2, 5: 1}
ACTIVE = (Receipt.State.PENDING, Receipt.State.READ)


def _levels(levels: Iterable[int]) -> list[int]:
    chosen = sorted({int(level) for level in levels})
    if not chosen or any(level not in OrgUnit.Level.values for level in chosen):
        raise ValidationFailed(_("请选择接收层级（省、市、县、乡镇街道、村社区及网格）"), field="levels")
    return chosen


def _deadlines(deadline_days: Mapping[Any, Any], levels: list[int]) -> dict[int, int]:
    days: dict[int, int] = {}
    for level in levels:
        raw = deadline_days.get(level, deadline_days.get(str(level), DEFAULT_DEADLINE_DAYS[level]))
        try:
            value = int(raw)
        except (TypeError, ValueError):
            value = -1
        if not 0 < value <= 60:
            raise ValidationFailed(_("签收时限须为 1 至 60 个工作日"), field="deadline_days")
        days[level] = value
    return days


def send_instruction(
    *,
    actor: User,
    department: Department,
    title: str,
    body: str,
    roots: Iterable[str],
    levels: Iterable[int],
    deadline_days: Mapping[Any, Any] | None = None,
    requires_report: bool = False,
    idempotency_key: str,
    today: date | None = None,
) -> Instruction:
    """Send an instruction to every unit of the levels ``levels`` in the subtrees of the units ``roots``.

    One transaction: the instruction, one receipt per unit (bulk), one portal notice per unit with a liaison
    and one ledger entry carrying the SM3 digest of the receiving units. The same ``idempotency_key`` again
    returns the first instruction and sends nothing twice.
    """
    existing = Instruction.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if not title.strip() or not body.strip():
        raise ValidationFailed(_("标题和内容必填"), field="title")
    chosen_levels = _levels(levels)
    days = _deadlines(deadline_days or {}, chosen_levels)
    root_units = list(OrgUnit.objects.filter(code__in=list(dict.fromkeys(roots))).order_by("path"))
    if not root_units:
        raise ValidationFailed(_("请在组织树上选择接收单位"), field="roots")
    for unit in root_units:
        require_acts_for(
            actor, department, division=unit.division_id, message=_("只能向本部门辖区内的单位下发指令"), field="roots"
        )
    today = today or timezone.localdate()
    calendar = WorkingDays()
    due = {level: calendar.add_working_days(today, n) for level, n in days.items()}
    subtree = Q()
    for unit in root_units:
        subtree |= Q(path__startswith=unit.path)
    targets = list(
        OrgUnit.objects.filter(subtree, level__in=chosen_levels)
        .order_by("path")
        .values_list("pk", "code", "level", "liaison_id")
    )
    if not targets:
        raise ValidationFailed(_("所选范围内没有该层级的单位"), field="levels")
    digest = sm3_hex("\n".join(code for _pk, code, _level, _liaison in targets).encode())
    now = timezone.now()
    with transaction.atomic():
        instruction = Instruction.objects.create(
            title=title.strip(),
            body=body.strip(),
            sender=actor,
            department=department,
            roots=[u.code for u in root_units],
            levels=chosen_levels,
            deadline_days={str(k): v for k, v in days.items()},
            requires_report=requires_report,
            sent_at=now,
            receipt_count=len(targets),
            recipients_digest=digest,
            idempotency_key=idempotency_key,
        )
        due_values = {level: db_value(Receipt, "due_on", day) for level, day in due.items()}
        insert_rows(
            Receipt,
            ["instruction", "unit", "level", "due_on", "state", "report", "reminders"],
            (
                (instruction.pk, pk, level, due_values[level], Receipt.State.PENDING.value, "", 0)
                for pk, _code, level, _liaison in targets
            ),
        )
        notify_many(
            ((liaison, f"instruction:{instruction.pk}:{pk}") for pk, _code, _level, liaison in targets if liaison),
            gettext("新指令：%(title)s") % {"title": instruction.title},
            instruction.body,
            url=f"/workbench/collaboration/receipts/?instruction={instruction.pk}",
            obj=instruction,
        )
        record(
            "collaboration.instruction.send",
            actor=actor,
            obj=instruction,
            data={"units": len(targets), "roots": instruction.roots, "levels": chosen_levels, "digest": digest},
        )
    return instruction


def _may_answer(actor: User, receipt: Receipt) -> bool:
    """The unit's liaison; for a unit without one, an official whose scope covers the unit's division."""
    unit = receipt.unit
    if unit.liaison_id is not None:
        return unit.liaison_id == actor.pk
    return acts_for(actor, None, division=unit.division_id)


def _require_answer(actor: User, receipt: Receipt) -> None:
    if not getattr(actor, "is_authenticated", False) or not _may_answer(actor, receipt):
        raise PermissionDenied(_("只有接收单位的联络人可以签收或反馈"), field="receipt")


def _locked(receipt: Receipt) -> Receipt:
    return Receipt.objects.select_for_update().select_related("unit", "instruction").get(pk=receipt.pk)


def mark_read(actor: User, receipt: Receipt) -> Receipt:
    """The unit's liaison confirms having read the instruction (已读): an explicit act (a POST, never a page view),
    audited with the time; idempotent. Acknowledging (签收) implies it."""
    with transaction.atomic():
        receipt = _locked(receipt)
        _require_answer(actor, receipt)
        if receipt.state == Receipt.State.PENDING:
            receipt.read_at = timezone.now()
            receipt.state = Receipt.State.READ
            receipt.save(update_fields=["read_at", "state"])
            record("collaboration.receipt.read", actor=actor, obj=receipt, data=_evidence(receipt, receipt.read_at))
    return receipt


def _evidence(receipt: Receipt, at: datetime | None, **extra: Any) -> dict[str, Any]:
    return {
        "instruction": receipt.instruction_id,
        "unit": receipt.unit.code,
        "at": at.isoformat() if at else None,
        **extra,
    }


def acknowledge(actor: User, receipt: Receipt) -> Receipt:
    """The unit acknowledges (签收): stored on the receipt and as a ledger entry whose sequence it keeps."""
    with transaction.atomic():
        receipt = _locked(receipt)
        _require_answer(actor, receipt)
        if receipt.state in (Receipt.State.ACKNOWLEDGED, Receipt.State.REPORTED):
            return receipt
        now = timezone.now()
        receipt.read_at = receipt.read_at or now
        receipt.acknowledged_at, receipt.acknowledged_by, receipt.state = now, actor, Receipt.State.ACKNOWLEDGED
        entry = record("collaboration.receipt.acknowledge", actor=actor, obj=receipt, data=_evidence(receipt, now))
        receipt.ack_entry_seq = entry.seq
        receipt.save(update_fields=["read_at", "acknowledged_at", "acknowledged_by", "state", "ack_entry_seq"])
    return receipt


def report_back(actor: User, receipt: Receipt, text: str) -> Receipt:
    """The unit reports how the instruction was carried out (反馈落实情况); acknowledges it if not yet done."""
    if not text.strip():
        raise ValidationFailed(_("请填写落实情况"), field="report")
    receipt = acknowledge(actor, receipt)
    with transaction.atomic():
        receipt = _locked(receipt)
        if receipt.state == Receipt.State.REPORTED:
            raise Conflict(_("该单位已反馈，不能重复反馈"), field="report")
        now = timezone.now()
        entry = record(
            "collaboration.receipt.report", actor=actor, obj=receipt, data=_evidence(receipt, now, report=text.strip())
        )
        receipt.report, receipt.reported_at, receipt.state = text.strip(), now, Receipt.State.REPORTED
        receipt.report_entry_seq = entry.seq
        receipt.save(update_fields=["report", "reported_at", "state", "report_entry_seq"])
    return receipt


def verify_receipts(instruction: Instruction) -> list[int]:
    """Ids of the acknowledged receipts that their ledger entry does not bear out (time, unit, object or action).

    Together with :func:`yiwang.core.audit.verify_chain` (the entries themselves are intact), an empty list means
    no acknowledgement was forged or altered after the fact.
    """
    rows = list(
        Receipt.objects.filter(instruction=instruction, acknowledged_at__isnull=False).values_list(
            "pk", "unit__code", "acknowledged_at", "ack_entry_seq"
        )
    )
    entries = {
        e.seq: e
        for e in AuditEntry.objects.filter(seq__in=[seq for *_rest, seq in rows if seq is not None]).only(
            "seq", "action", "object_id", "data"
        )
    }
    bad = []
    for pk, unit_code, at, seq in rows:
        entry = entries.get(seq) if seq is not None else None
        if (
            entry is None
            or entry.action != "collaboration.receipt.acknowledge"
            or entry.object_id != str(pk)
            or entry.data.get("unit") != unit_code
            or entry.data.get("instruction") != instruction.pk
            or not _same_moment(entry.data.get("at"), at)
        ):
            bad.append(pk)
    return bad


def _same_moment(text: Any, at: datetime | None) -> bool:
    try:
        return datetime.fromisoformat(str(text)) == at
    except ValueError:
        return False


@dataclass
class ChaseReport:
    """What one :func:`chase_receipts` run did."""

    reminded: int = 0
    escalated: int = 0
    instructions: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"reminded": self.reminded, "escalated": self.escalated, "instructions": self.instructions}


def chase_receipts(*, today: date | None = None) -> ChaseReport:
    """The scheduled chase (催办): past its deadline, an unacknowledged unit is reminded by SMS; still silent on a
    later working day (its deadline is before the last working day before today), it is escalated to the unit
    above (its liaison by SMS) and to the sender.

    Each receipt is reminded once and escalated once; each run writes one ledger entry per instruction touched.
    """
    today = today or timezone.localdate()
    now = timezone.now()
    report = ChaseReport()
    calendar = WorkingDays()
    reminder_day = today - timedelta(days=1)  # the last working day before today: a reminder had a day to work
    while not calendar.is_working_day(reminder_day):
        reminder_day -= timedelta(days=1)
    overdue = Receipt.objects.filter(
        state__in=ACTIVE, due_on__lt=today, instruction__state=Instruction.State.SENT
    ).select_related("instruction")
    for instruction_id in sorted(set(overdue.values_list("instruction_id", flat=True))):
        with transaction.atomic():
            instruction = Instruction.objects.select_for_update().get(pk=instruction_id)
            mine = overdue.filter(instruction_id=instruction_id)
            to_remind = list(mine.filter(reminders=0).values_list("pk", "unit__liaison_id"))
            to_escalate = list(
                mine.filter(reminders__gt=0, escalated_at__isnull=True, due_on__lt=reminder_day).values_list(
                    "pk", "unit__parent__liaison_id", "unit__name"
                )
            )
            _remind(instruction, to_remind, now)
            _escalate(instruction, to_escalate, now)
            if to_remind or to_escalate:
                record(
                    "collaboration.instruction.chase",
                    obj=instruction,
                    actor_label="system",
                    data={"reminded": len(to_remind), "escalated": len(to_escalate), "on": today},
                )
                report.instructions.append(instruction_id)
            report.reminded += len(to_remind)
            report.escalated += len(to_escalate)
    return report


def _remind(instruction: Instruction, rows: Sequence[tuple[int, int | None]], now: datetime) -> None:
    if not rows:
        return
    Receipt.objects.filter(pk__in=[pk for pk, _liaison in rows]).update(reminders=1, reminded_at=now)
    notify_many(
        ((liaison, f"instruction:{instruction.pk}:remind:{pk}") for pk, liaison in rows if liaison),
        gettext("催办：请签收指令「%(title)s」") % {"title": instruction.title},
        gettext("指令已超过签收期限，请尽快签收并落实。"),
        url=f"/workbench/collaboration/receipts/?instruction={instruction.pk}",
        channels=("portal", "sms"),
        obj=instruction,
    )


def _escalate(instruction: Instruction, rows: Sequence[tuple[int, int | None, str]], now: datetime) -> None:
    if not rows:
        return
    Receipt.objects.filter(pk__in=[pk for pk, *_rest in rows]).update(escalated_at=now)
    by_parent: Counter[int] = Counter(parent for _pk, parent, _name in rows if parent)
    notify_many(
        ((parent, f"instruction:{instruction.pk}:escalate:{parent}") for parent in by_parent),
        gettext("督促下级签收：%(title)s") % {"title": instruction.title},
        gettext("所辖单位催办后仍未签收指令，请督促落实。"),
        url=f"/workbench/collaboration/instructions/{instruction.pk}/",
        channels=("portal", "sms"),
        obj=instruction,
    )
    names = "、".join(name for _pk, _parent, name in rows[:20])
    notify_many(
        [(instruction.sender_id, f"instruction:{instruction.pk}:escalated:{now:%Y%m%d%H%M%S%f}")],
        gettext("%(count)d 个单位催办后仍未签收") % {"count": len(rows)},
        names,
        url=f"/workbench/collaboration/instructions/{instruction.pk}/",
        obj=instruction,
    )


def instruction_progress(instruction: Instruction) -> dict[str, Any]:
    """Live counts (read, acknowledged, reported back, reminded, escalated), in total and per level."""
    rows = Receipt.objects.filter(instruction=instruction).values_list("level", "state", "reminders", "escalated_at")
    totals: Counter[str] = Counter()
    levels: dict[int, Counter[str]] = {}
    for level, state, reminders, escalated_at in rows:
        for counter in (totals, levels.setdefault(level, Counter())):
            counter["total"] += 1
            counter[state] += 1
            counter["read"] += state != Receipt.State.PENDING
            counter["acknowledged_or_reported"] += state in (Receipt.State.ACKNOWLEDGED, Receipt.State.REPORTED)
            counter["reminded"] += reminders > 0
            counter["escalated"] += escalated_at is not None
    return {"totals": dict(totals), "levels": {k: dict(v) for k, v in sorted(levels.items())}}


def silent_receipts(instruction: Instruction, *, today: date | None = None) -> QuerySet[Receipt]:
    """The silent units (沉默单位): past the deadline and not acknowledged, oldest deadline first."""
    today = today or timezone.localdate()
    return (
        Receipt.objects.filter(instruction=instruction, state__in=ACTIVE, due_on__lt=today)
        .select_related("unit", "unit__parent")
        .order_by("due_on", "unit__path")
    )
