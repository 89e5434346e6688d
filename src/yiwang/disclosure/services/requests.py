"""依申请公开: disclosure requests, answered within 20 working days, extendable once by 20 (条例第三十三条)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for, require_authenticated
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.core.notify import notify
from yiwang.core.workdays import add_working_days
from yiwang.disclosure.models import DisclosureRequest

__all__ = ["EXTENSION_LIMIT", "REPLY_LIMIT", "extend_request", "reply_request", "request_report", "submit_request"]

#: 《政府信息公开条例》第三十三条第二款: 自收到申请之日起20个工作日内予以答复; 延长答复期限最长不得超过20个工作日.
REPLY_LIMIT = 20
EXTENSION_LIMIT = 20
REPLY_BASIS = "《中华人民共和国政府信息公开条例》第三十三条"


def _next_number(department: Department, on: dt.date) -> str:
    n = DisclosureRequest.objects.filter(department=department, received_on__year=on.year).count() + 1
    return f"YSQ-{department.code}-{on.year}-{n:04d}"


def submit_request(
    *,
    requester: User,
    department: Department,
    requester_name: str,
    contact: str,
    description: str,
    idempotency_key: str,
    form_of_delivery: str = "online",
    on: dt.date | None = None,
) -> DisclosureRequest:
    """File a request; the reply is due 20 working days after the day of receipt. A repeated key returns the first."""
    require_authenticated(requester)
    existing = DisclosureRequest.objects.filter(requester=requester, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    if not requester_name.strip():
        raise ValidationFailed(_("请填写申请人姓名或名称"), field="requester_name")
    if not contact.strip():
        raise ValidationFailed(_("请填写联系方式"), field="contact")
    if len(description.strip()) < 6:
        raise ValidationFailed(_("请写明所需信息的名称、文号或特征性描述（至少6个字）"), field="description")
    received = on or timezone.localdate()
    try:
        with transaction.atomic():
            request = DisclosureRequest.objects.create(
                number=_next_number(department, received),
                department=department,
                requester=requester,
                requester_name=requester_name.strip(),
                contact=contact.strip(),
                description=description.strip(),
                form_of_delivery=form_of_delivery,
                idempotency_key=idempotency_key,
                received_on=received,
                due_on=add_working_days(received, REPLY_LIMIT),
            )
            audit.record(
                "disclosure.request.submit",
                actor=requester,
                obj=request,
                data={"department": department.code, "due_on": request.due_on, "basis": REPLY_BASIS},
            )
    except IntegrityError:
        return DisclosureRequest.objects.get(requester=requester, idempotency_key=idempotency_key)
    return request


def _tell(request: DisclosureRequest, subject: Any, body: str, event: str) -> None:
    notify(
        request.requester,
        str(subject),
        body,
        url=reverse("disclosure:request", args=[request.number]),
        dedupe_key=f"disclosure.request.{event}:{request.pk}",
        obj=request,
    )


@transaction.atomic
def extend_request(request: DisclosureRequest, *, actor: User, reason: str) -> DisclosureRequest:
    """Extend the reply deadline once, by 20 working days, with the reason told to the requester."""
    request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    require_acts_for(actor, request.department, message=_("只有受理机关的工作人员可以延期答复"))
    if request.status != DisclosureRequest.Status.RECEIVED:
        raise Conflict(_("答复期限只能延长一次，且须在答复前"), field="status")
    if not reason.strip():
        raise ValidationFailed(_("请写明延期理由"), field="reason")
    if request.due_on < timezone.localdate():
        raise Conflict(_("答复期限已过，不能再延期"), field="status")
    request.due_on = add_working_days(request.due_on, EXTENSION_LIMIT)
    request.status = DisclosureRequest.Status.EXTENDED
    request.extension_reason = reason.strip()
    request.save(update_fields=["due_on", "status", "extension_reason"])
    audit.record("disclosure.request.extend", actor=actor, obj=request, reason=reason, data={"due_on": request.due_on})
    _tell(request, _("您的政府信息公开申请已延期答复"), f"{request.extension_reason}（{request.due_on}）", "extend")
    return request


#: What an outcome other than full disclosure must cite (条例第三十六条).
_OUTCOME_NEEDS_BASIS = {
    DisclosureRequest.Outcome.PARTIAL,
    DisclosureRequest.Outcome.REFUSED,
    DisclosureRequest.Outcome.NOT_EXIST,
    DisclosureRequest.Outcome.NOT_OURS,
}


@transaction.atomic
def reply_request(
    request: DisclosureRequest, *, actor: User, outcome: str, reply: str, legal_basis: str = ""
) -> DisclosureRequest:
    """Answer (条例第三十六条): an outcome other than disclosure states its legal basis."""
    request = DisclosureRequest.objects.select_for_update().get(pk=request.pk)
    require_acts_for(actor, request.department, message=_("只有受理机关的工作人员可以答复"))
    if request.status == DisclosureRequest.Status.REPLIED:
        raise Conflict(_("该申请已答复"), field="status")
    if outcome not in DisclosureRequest.Outcome.values:
        raise ValidationFailed(_("答复结果无效"), field="outcome")
    if not reply.strip():
        raise ValidationFailed(_("请填写答复内容"), field="reply")
    if outcome in _OUTCOME_NEEDS_BASIS and not legal_basis.strip():
        raise ValidationFailed(_("不予公开、部分公开或无法提供的答复须写明依据"), field="legal_basis")
    request.status = DisclosureRequest.Status.REPLIED
    request.outcome, request.reply, request.legal_basis = outcome, reply.strip(), legal_basis.strip()
    request.replied_on, request.replied_by = timezone.localdate(), actor
    request.save(update_fields=["status", "outcome", "reply", "legal_basis", "replied_on", "replied_by"])
    audit.record(
        "disclosure.request.reply",
        actor=actor,
        obj=request,
        data={"outcome": outcome, "late": request.replied_late, "replied_on": request.replied_on},
    )
    _tell(request, _("您的政府信息公开申请已答复"), request.reply, "reply")
    return request


def request_report(requests: Any, *, today: dt.date | None = None) -> dict[str, int]:
    """Counts for the annual report (年度报告): received, replied on time, late, open and overdue."""
    today = today or timezone.localdate()
    rows = list(requests)
    replied = [r for r in rows if r.replied_on]
    return {
        "received": len(rows),
        "replied": len(replied),
        "late": sum(1 for r in replied if r.replied_late),
        "open": len(rows) - len(replied),
        "overdue": sum(1 for r in rows if not r.replied_on and r.due_on < today),
    }
