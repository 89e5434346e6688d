"""A firm sees why it is in its class and may object (异议); the rating department answers, and an accepted
objection re-rates the firm in the credit registry (信用修复), with the reason on the ledger."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.registries.credit import rate_entity
from yiwang.registries.models import CreditRating
from yiwang.risk.models import Objection, RiskScore

ANSWER_ROLES = ("approver",)


@transaction.atomic
def submit_objection(score: RiskScore, reason: str, *, actor: User) -> Objection:
    """The firm's agent objects to its class; one open objection per score (a repeat returns it)."""
    if not actor.is_authenticated or actor.enterprise_uscc != score.entity.uscc:
        raise PermissionDenied(_("只能对本企业的分类提出异议"), field="reason")
    if not reason.strip():
        raise ValidationFailed(_("请写明异议理由"), field="reason")
    if len(reason) > 2000:
        raise ValidationFailed(_("异议理由不能超过2000字"), field="reason")
    existing = Objection.objects.filter(score=score, status=Objection.Status.OPEN).first()
    if existing is not None:
        return existing
    objection = Objection.objects.create(score=score, submitted_by=actor, reason=reason.strip())
    audit.record("risk.objection.submit", actor=actor, obj=objection, data={"entity": score.entity.uscc})
    return objection


@transaction.atomic
def answer_objection(objection: Objection, *, accept: bool, answer: str, actor: User, new_class: str = "") -> Objection:
    """Answer an objection; accepting it with ``new_class`` writes that class to the credit registry."""
    objection = Objection.objects.select_for_update().select_related("score__run", "score__entity").get(pk=objection.pk)
    run = objection.score.run
    require_acts_for(actor, run.department, division=objection.score.entity.division_id, roles=ANSWER_ROLES)
    if objection.status != Objection.Status.OPEN:
        raise Conflict(_("该异议已处理"), field="answer")
    if not answer.strip():
        raise ValidationFailed(_("请填写处理意见"), field="answer")
    if accept:
        if new_class not in CreditRating.RiskClass.values:
            raise ValidationFailed(_("采纳异议须选择复核后的分类"), field="new_class")
        rate_entity(
            objection.score.entity,
            new_class,
            rated_on=timezone.localdate(),
            department=run.department,
            actor=actor,
            model_version=f"{run.model.version} 异议复核",
        )
    objection.status = Objection.Status.ACCEPTED if accept else Objection.Status.REJECTED
    objection.answer = answer.strip()
    objection.save(update_fields=["status", "answer"])
    audit.record(
        "risk.objection.answer",
        actor=actor,
        obj=objection,
        reason=answer,
        data={"accepted": accept, "new_class": new_class if accept else ""},
    )
    return objection
