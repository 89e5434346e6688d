"""Payouts (兑现/拨付): the payment file of pending payouts, then the batch marked paid."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import Conflict
from yiwang.policies.models import (
    Payout,
    PayoutBatch,
    Policy,
)

PAYMENT_FILE_COLUMNS = ["序号", "统一社会信用代码", "收款单位", "收款账号", "金额（元）", "政策编码", "推送编号"]


@transaction.atomic
def export_batch(policy: Policy, *, actor: User | None) -> tuple[PayoutBatch, str]:
    """The pending payouts of a policy as a payment file (CSV, UTF-8); they become ``exported``."""
    require_acts_for(actor, policy.department)
    Policy.objects.select_for_update().get(pk=policy.pk)
    payouts = list(
        Payout.objects.select_for_update()
        .filter(policy=policy, status=Payout.Status.PENDING)
        .select_related("offer")
        .order_by("pk")
    )
    if not payouts:
        raise Conflict(_("没有待拨付的兑现记录"), field="policy")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(PAYMENT_FILE_COLUMNS)
    for i, p in enumerate(payouts, 1):
        writer.writerow(
            [i, p.offer.uscc, p.offer.entity_name, p.bank_account, f"{p.amount:.2f}", policy.code, p.offer_id]
        )
    text = out.getvalue()
    total = sum((p.amount for p in payouts), Decimal(0))
    batch = PayoutBatch.objects.create(
        policy=policy, created_by=actor, payout_count=len(payouts), total=total, file_hash=sm3_hex(text.encode())
    )
    Payout.objects.filter(pk__in=[p.pk for p in payouts]).update(status=Payout.Status.EXPORTED, batch=batch)
    audit.record(
        "policy.payout.export",
        actor=actor,
        obj=batch,
        data={"policy": policy.code, "count": len(payouts), "total": total, "file_hash": batch.file_hash},
    )
    return batch, text


@transaction.atomic
def mark_batch_paid(batch: PayoutBatch, *, actor: User | None) -> PayoutBatch:
    require_acts_for(actor, batch.policy.department)
    locked = PayoutBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.paid_at is not None:
        raise Conflict(_("该批次已拨付"), field="batch")
    locked.paid_at = timezone.now()
    locked.save(update_fields=["paid_at"])
    locked.payouts.update(status=Payout.Status.PAID)
    audit.record(
        "policy.payout.paid", actor=actor, obj=locked, data={"count": locked.payout_count, "total": locked.total}
    )
    return locked
