"""The rectification loop (督整改): a red item gets an order with a deadline and the evidence required; the
responsible unit submits evidence; a supervisor accepts (the item's colour is recomputed) or sends it back;
an overdue order and a repeated red escalate (责任单位 → 牵头单位 → 上级政府)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, RoleAssignment, User
from yiwang.accounts.permissions import acts_for, require_acts_for
from yiwang.core.audit import record
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.core.notify import notify
from yiwang.core.workdays import WorkingDays
from yiwang.supervision.models import CurrentColour, Item, RectificationOrder
from yiwang.supervision.services.colouring import recompute_colours

__all__ = [
    "accept_rectification",
    "escalate_overdue_orders",
    "issue_rectification",
    "reject_rectification",
    "submit_rectification",
]

MAX_ESCALATION = 2


def _officials_of(department: Department) -> list[User]:
    now = timezone.now()
    ids = RoleAssignment.objects.filter(department=department, valid_from__lte=now).values_list("user_id", flat=True)
    return list(User.objects.filter(pk__in=ids, is_active=True))


def _tell(department: Department, order: RectificationOrder, subject: str, body: str, event: str) -> None:
    for user in _officials_of(department):
        notify(
            user,
            subject,
            body,
            url=f"/workbench/supervision/items/{order.item_id}/",
            channels=("portal", "sms"),
            dedupe_key=f"rectification:{order.pk}:{event}",
            obj=order,
        )


def issue_rectification(
    *, actor: User, item: Item, working_days: int, evidence_required: str, today: dt.date | None = None
) -> RectificationOrder:
    """An order for a red item. A repeat within the year starts one level higher (repeated reds escalate)."""
    require_acts_for(actor, item.lead, message=_("只有牵头单位可以下达整改单"), field="item")
    current = CurrentColour.objects.filter(item=item).select_related("record").first()
    if current is None or current.colour != "red":
        raise Conflict(_("只有红码事项需要下达整改单"), field="item")
    if not evidence_required.strip():
        raise ValidationFailed(_("请写明须提交的整改佐证"), field="evidence_required")
    if not 0 < working_days <= 60:
        raise ValidationFailed(_("整改期限须为 1 至 60 个工作日"), field="working_days")
    today = today or timezone.localdate()
    with transaction.atomic():
        if RectificationOrder.objects.filter(item=item, state__in=["open", "submitted", "rejected"]).exists():
            raise Conflict(_("该事项已有未销号的整改单"), field="item")
        previous = RectificationOrder.objects.filter(item=item, issued_at__gte=timezone.now() - dt.timedelta(days=365))
        order = RectificationOrder.objects.create(
            item=item,
            record=current.record,
            issued_at=timezone.now(),
            due_on=WorkingDays().add_working_days(today, working_days),
            evidence_required=evidence_required.strip(),
            escalation=min(MAX_ESCALATION, previous.count()),
        )
        record(
            "supervision.rectification.issue",
            actor=actor,
            obj=order,
            data={"due_on": order.due_on, "escalation": order.escalation},
        )
        _tell(
            item.responsible,
            order,
            gettext("整改通知：%(name)s") % {"name": item.name},
            gettext("红码事项须在 %(due)s 前整改并提交佐证。") % {"due": order.due_on.isoformat()},
            "issued",
        )
    return order


def submit_rectification(*, actor: User, order: RectificationOrder, evidence: str) -> RectificationOrder:
    """The responsible unit submits its evidence (整改佐证) for review."""
    if not evidence.strip():
        raise ValidationFailed(_("请提交整改佐证"), field="evidence")
    with transaction.atomic():
        order = RectificationOrder.objects.select_for_update().select_related("item").get(pk=order.pk)
        require_acts_for(actor, order.item.responsible, message=_("只有责任单位可以提交整改佐证"), field="evidence")
        if order.state not in (RectificationOrder.State.OPEN, RectificationOrder.State.REJECTED):
            raise Conflict(_("该整改单当前不能提交佐证"), field="evidence")
        order.evidence, order.submitted_at = evidence.strip(), timezone.now()
        order.state = RectificationOrder.State.SUBMITTED
        order.save(update_fields=["evidence", "submitted_at", "state"])
        record("supervision.rectification.submit", actor=actor, obj=order, data={"evidence": order.evidence})
    return order


def _review(actor: User, order: RectificationOrder) -> RectificationOrder:
    order = RectificationOrder.objects.select_for_update().select_related("item", "item__lead").get(pk=order.pk)
    require_acts_for(actor, order.item.lead, message=_("只有牵头单位可以审核整改"), field="review_note")
    if order.state != RectificationOrder.State.SUBMITTED:
        raise Conflict(_("该整改单没有待审核的佐证"), field="review_note")
    return order


def accept_rectification(
    *, actor: User, order: RectificationOrder, note: str = "", as_of: dt.date | None = None
) -> RectificationOrder:
    """The evidence is accepted: the order is closed (销号) and the item's colour recomputed from its data."""
    with transaction.atomic():
        order = _review(actor, order)
        order.state, order.reviewed_by, order.review_note = RectificationOrder.State.ACCEPTED, actor, note.strip()
        order.closed_at = timezone.now()
        order.save(update_fields=["state", "reviewed_by", "review_note", "closed_at"])
        record("supervision.rectification.accept", actor=actor, obj=order, data={"note": order.review_note})
        recompute_colours(as_of=as_of, item_ids=[order.item_id])
    return order


def reject_rectification(*, actor: User, order: RectificationOrder, note: str) -> RectificationOrder:
    if not note.strip():
        raise ValidationFailed(_("退回须说明理由"), field="review_note")
    with transaction.atomic():
        order = _review(actor, order)
        order.state, order.reviewed_by, order.review_note = RectificationOrder.State.REJECTED, actor, note.strip()
        order.save(update_fields=["state", "reviewed_by", "review_note"])
        record("supervision.rectification.reject", actor=actor, obj=order, data={"note": order.review_note})
        _tell(
            order.item.responsible,
            order,
            gettext("整改佐证被退回：%(name)s") % {"name": order.item.name},
            order.review_note,
            f"rejected:{order.submitted_at:%Y%m%d%H%M%S}",
        )
    return order


def escalate_overdue_orders(*, today: dt.date | None = None) -> int:
    """Orders past their deadline without accepted evidence go one level up (at most :data:`MAX_ESCALATION`)."""
    today = today or timezone.localdate()
    escalated = 0
    overdue = RectificationOrder.objects.filter(
        state__in=[RectificationOrder.State.OPEN, RectificationOrder.State.REJECTED],
        due_on__lt=today,
        escalation__lt=MAX_ESCALATION,
    ).select_related("item", "item__lead", "item__responsible")
    for order in overdue:
        with transaction.atomic():
            order.escalation += 1
            order.save(update_fields=["escalation"])
            record(
                "supervision.rectification.escalate",
                obj=order,
                actor_label="system",
                data={"level": order.escalation, "on": today},
            )
            target = order.item.lead if order.escalation == 1 else (order.item.lead.parent or order.item.lead)
            _tell(
                target,
                order,
                gettext("整改逾期督办：%(name)s") % {"name": order.item.name},
                gettext("整改单已超过期限仍未销号。"),
                f"escalated:{order.escalation}",
            )
        escalated += 1
    return escalated


def may_review(actor: User, item: Item) -> bool:
    return acts_for(actor, item.lead)
