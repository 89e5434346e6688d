"""The rectification loop: a red item gets an order, the evidence is reviewed, and it returns to green."""

from __future__ import annotations

import datetime as dt

import pytest

from yiwang.core.errors import Conflict, PermissionDenied
from yiwang.core.models import Notification
from yiwang.supervision.models import CurrentColour, RectificationOrder
from yiwang.supervision.services import (
    accept_rectification,
    escalate_overdue_orders,
    issue_rectification,
    recompute_colours,
    reject_rectification,
    submit_rectification,
)
from yiwang.supervision.tests.factories import item, report


def _red(desk):
    project = item(desk.responsible, desk.lead)
    report(project, "2026-03", plan=30, actual=5, investment=10)
    recompute_colours(as_of=dt.date(2026, 3, 31))
    return project


def test_a_red_item_is_rectified_and_returns_to_green_when_the_evidence_is_accepted(desk):
    project = _red(desk)
    with pytest.raises(PermissionDenied):
        issue_rectification(actor=desk.responsible_official, item=project, working_days=10, evidence_required="x")
    order = issue_rectification(
        actor=desk.lead_official,
        item=project,
        working_days=10,
        evidence_required="施工日志、形象进度照片",
        today=dt.date(2026, 4, 1),
    )
    assert order.due_on == dt.date(2026, 4, 16)  # 10 working days, 清明 (4-4..4-6) skipped
    assert Notification.objects.filter(recipient=desk.responsible_official, channel="sms").exists()

    submit_rectification(actor=desk.responsible_official, order=order, evidence="已增加两个作业面，见附件照片 12 张")
    reject_rectification(actor=desk.lead_official, order=order, note="缺施工日志")
    submit_rectification(actor=desk.responsible_official, order=order, evidence="补充施工日志")
    report(project, "2026-04", plan=40, actual=38, investment=39)
    accept_rectification(actor=desk.lead_official, order=order, as_of=dt.date(2026, 4, 30))

    order.refresh_from_db()
    assert order.state == RectificationOrder.State.ACCEPTED
    assert CurrentColour.objects.get(item=project).colour == "green"


def test_a_green_item_gets_no_order_and_an_item_has_one_open_order(desk):
    project = _red(desk)
    issue_rectification(actor=desk.lead_official, item=project, working_days=5, evidence_required="x")
    with pytest.raises(Conflict):
        issue_rectification(actor=desk.lead_official, item=project, working_days=5, evidence_required="x")


def test_overdue_orders_and_repeated_reds_escalate(desk):
    project = _red(desk)
    order = issue_rectification(
        actor=desk.lead_official, item=project, working_days=2, evidence_required="x", today=dt.date(2026, 4, 1)
    )
    assert escalate_overdue_orders(today=dt.date(2026, 4, 2)) == 0
    assert escalate_overdue_orders(today=dt.date(2026, 4, 8)) == 1
    order.refresh_from_db()
    assert order.escalation == 1
    submit_rectification(actor=desk.responsible_official, order=order, evidence="done")
    accept_rectification(actor=desk.lead_official, order=order, as_of=dt.date(2026, 3, 31))  # still red
    again = issue_rectification(actor=desk.lead_official, item=project, working_days=5, evidence_required="x")
    assert again.escalation == 1  # the second order of the year starts at the lead unit
