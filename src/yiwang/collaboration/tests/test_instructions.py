"""Instructions: fan-out to a district's villages, receipts in the ledger, reminders and escalation."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from yiwang.collaboration.models import Receipt
from yiwang.collaboration.services import (
    acknowledge,
    chase_receipts,
    instruction_progress,
    report_back,
    send_instruction,
    silent_receipts,
    verify_receipts,
)
from yiwang.core.audit import verify_chain
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry, Notification

MONDAY = date(2026, 3, 2)


def _send(sender, department, roots, levels=(5,), key="k1", **kwargs):
    return send_instruction(
        actor=sender,
        department=department,
        title="防汛检查",
        body="请各村立即排查隐患并签收。",
        roots=roots,
        levels=levels,
        deadline_days={5: 1, 4: 2},
        idempotency_key=key,
        today=MONDAY,
        **kwargs,
    )


def test_an_instruction_to_a_district_reaches_every_village_and_grid_with_the_deadline_of_its_level(org, tree, sender):
    instruction = _send(sender, org.xihu_samr, [tree.district.code], levels=(4, 5))

    receipts = Receipt.objects.filter(instruction=instruction)
    assert receipts.count() == len(tree.townships) + len(tree.villages) + len(tree.grids) == 14
    assert set(receipts.filter(level=5).values_list("due_on", flat=True)) == {date(2026, 3, 3)}
    assert set(receipts.filter(level=4).values_list("due_on", flat=True)) == {date(2026, 3, 4)}
    notices = Notification.objects.filter(object_id=str(instruction.pk), channel="portal")
    assert notices.count() == 8  # 2 townships + 6 villages have a liaison; grids have none
    assert (
        AuditEntry.objects.filter(action="collaboration.instruction.send", object_id=str(instruction.pk)).count() == 1
    )
    assert instruction_progress(instruction)["totals"]["total"] == 14


def test_the_same_submission_twice_sends_once(org, tree, sender):
    first = _send(sender, org.xihu_samr, [tree.district.code])
    again = _send(sender, org.xihu_samr, [tree.district.code])

    assert again.pk == first.pk
    assert Receipt.objects.count() == 12


def test_a_sender_cannot_reach_units_outside_their_department_scope(org, tree, make_official):
    outsider = make_official("outsider", org.shangcheng_samr)
    with pytest.raises(PermissionDenied):
        _send(outsider, org.shangcheng_samr, [tree.district.code])
    assert Receipt.objects.count() == 0


def test_no_level_chosen_is_refused_naming_the_field(org, tree, sender):
    with pytest.raises(ValidationFailed) as caught:
        _send(sender, org.xihu_samr, [tree.district.code], levels=())
    assert caught.value.field == "levels"


def test_only_the_units_liaison_acknowledges_and_the_ledger_bears_it_out(org, tree, sender):
    instruction = _send(sender, org.xihu_samr, [tree.townships[0].code])
    village = tree.villages[0]
    receipt = Receipt.objects.get(instruction=instruction, unit=village)

    with pytest.raises(PermissionDenied):
        acknowledge(tree.villages[1].liaison, receipt)
    acknowledged = acknowledge(village.liaison, receipt)

    assert acknowledged.state == Receipt.State.ACKNOWLEDGED
    entry = AuditEntry.objects.get(seq=acknowledged.ack_entry_seq)
    assert entry.action == "collaboration.receipt.acknowledge" and entry.data["unit"] == village.code
    assert verify_receipts(instruction) == [] and verify_chain().ok
    # Someone with database access backdates the acknowledgement: the ledger contradicts it.
    Receipt.objects.filter(pk=receipt.pk).update(acknowledged_at=acknowledged.acknowledged_at - timedelta(days=2))
    assert verify_receipts(instruction) == [receipt.pk]


def test_a_report_back_acknowledges_and_cannot_be_given_twice(org, tree, sender):
    instruction = _send(sender, org.xihu_samr, [tree.townships[0].code])
    village = tree.villages[0]
    receipt = Receipt.objects.get(instruction=instruction, unit=village)

    reported = report_back(village.liaison, receipt, "已排查 3 处隐患，均已整改。")

    assert reported.state == Receipt.State.REPORTED and reported.ack_entry_seq and reported.report_entry_seq
    with pytest.raises(Exception, match="重复"):
        report_back(village.liaison, receipt, "again")


def test_silent_units_are_reminded_by_sms_then_escalated_to_the_unit_above(org, tree, sender):
    instruction = _send(sender, org.xihu_samr, [tree.townships[0].code])
    first, second, third = tree.villages[:3]
    for village in (first, second):
        acknowledge(village.liaison, Receipt.objects.get(instruction=instruction, unit=village))

    assert chase_receipts(today=date(2026, 3, 3)).reminded == 0  # the deadline day itself: not late yet

    day_after = chase_receipts(today=date(2026, 3, 4))
    # The third village and the three grids (grids are units of their own, acknowledged by nobody here).
    assert day_after.reminded == 4 and day_after.escalated == 0
    sms = Notification.objects.filter(channel="sms", object_id=str(instruction.pk))
    assert list(sms.values_list("recipient_id", flat=True)) == [third.liaison_id]  # the grid has no liaison
    silent = {r.unit_id for r in silent_receipts(instruction, today=date(2026, 3, 4))}
    assert silent == {third.pk, *(grid.pk for grid in tree.grids[:3])}

    same_day = chase_receipts(today=date(2026, 3, 4))
    assert (same_day.reminded, same_day.escalated) == (0, 0)

    next_day = chase_receipts(today=date(2026, 3, 5))
    assert next_day.escalated == 4
    # The village goes up to its township, each grid up to its village.
    escalations = sms.filter(dedupe_key__contains="escalate")
    expected = {tree.townships[0].liaison_id, first.liaison_id, second.liaison_id, third.liaison_id}
    assert set(escalations.values_list("recipient_id", flat=True)) == expected
    assert Notification.objects.filter(recipient=sender, object_id=str(instruction.pk)).exists()
    assert chase_receipts(today=date(2026, 3, 6)).escalated == 0  # once only
    progress = instruction_progress(instruction)["totals"]
    assert (progress["acknowledged"], progress["reminded"], progress["escalated"]) == (2, 4, 4)
