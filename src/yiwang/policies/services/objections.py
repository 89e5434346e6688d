"""Public notice (公示) of beneficiaries and objections (异议) to it."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import Conflict, NotFound, ValidationFailed
from yiwang.policies.models import (
    Objection,
    Offer,
    Policy,
)
from yiwang.registries.masking import mask_name
from yiwang.registries.models import LegalEntity


def public_notice(policy: Policy) -> list[dict[str, Any]]:
    """公示: beneficiaries of a published policy; the enterprise name stays, the legal representative is masked."""
    if policy.status == Policy.Status.DRAFT:
        raise NotFound(_("未找到该政策"), field="code")
    offers = list(
        Offer.objects.filter(policy=policy, status__in=[Offer.Status.OFFERED, Offer.Status.CONFIRMED])
        .order_by("uscc", "pk")
        .values("uscc", "entity_name", "amount", "status")
    )
    representatives = dict(
        LegalEntity.objects.filter(uscc__in=[o["uscc"] for o in offers]).values_list(
            "uscc", "legal_representative__name"
        )
    )
    return [
        {
            "entity_name": o["entity_name"],
            "uscc": o["uscc"],
            "legal_representative": mask_name(representatives.get(o["uscc"], "")),
            "amount": o["amount"],
            "status": str(Offer.Status(o["status"]).label),
        }
        for o in offers
    ]


@transaction.atomic
def file_objection(
    policy: Policy, *, reason: str, uscc: str = "", subject: str = "", actor: User | None = None
) -> Objection:
    if policy.status == Policy.Status.DRAFT:
        raise NotFound(_("未找到该政策"), field="code")
    if not reason.strip():
        raise ValidationFailed(_("请填写异议理由"), field="reason")
    if not (uscc.strip() or subject.strip()):
        raise ValidationFailed(_("请填写所涉企业的统一社会信用代码或名称"), field="uscc")
    objection = Objection.objects.create(
        policy=policy,
        uscc=uscc.strip().upper()[:18],
        subject=subject.strip()[:200],
        reason=reason.strip(),
        filed_by=actor if actor is not None and actor.is_authenticated else None,
    )
    audit.record(
        "policy.objection.file", actor=actor, obj=objection, data={"policy": policy.code, "uscc": objection.uscc}
    )
    return objection


@transaction.atomic
def resolve_objection(objection: Objection, *, actor: User | None, upheld: bool, resolution: str) -> Objection:
    require_acts_for(actor, objection.policy.department)
    locked = Objection.objects.select_for_update().get(pk=objection.pk)
    if locked.status != Objection.Status.OPEN:
        raise Conflict(_("该异议已处理"), field="objection")
    if not resolution.strip():
        raise ValidationFailed(_("请填写处理意见"), field="resolution")
    locked.status = Objection.Status.UPHELD if upheld else Objection.Status.REJECTED
    locked.resolution = resolution.strip()
    locked.resolved_by = actor
    locked.resolved_at = timezone.now()
    locked.save(update_fields=["status", "resolution", "resolved_by", "resolved_at"])
    audit.record("policy.objection.resolve", actor=actor, obj=locked, data={"upheld": upheld})
    return locked
