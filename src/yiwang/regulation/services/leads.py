"""Complaints and leads (投诉举报与线索) handed to a department: an open one lets a targeted inspection go beyond
the yearly frequency limit of its class (the draw keeps an entity with an open lead in its stratum)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import ValidationFailed
from yiwang.registries.models import LegalEntity
from yiwang.regulation.models import Lead


@transaction.atomic
def file_lead(
    entity: LegalEntity,
    *,
    department: Department,
    summary: str,
    received_on: date,
    actor: User,
    kind: str = Lead.Kind.LEAD,
) -> Lead:
    """Register a complaint or a lead for ``department`` to follow up (a risk lead confirmed on verification)."""
    require_acts_for(actor, department, division=entity.division_id)
    if kind not in Lead.Kind.values:
        raise ValidationFailed(_("未知的线索类别"), field="kind")
    if not summary.strip():
        raise ValidationFailed(_("请填写内容摘要"), field="summary")
    lead = Lead.objects.create(
        entity=entity, department=department, kind=kind, summary=summary[:500], received_on=received_on
    )
    audit.record("regulation.lead.file", actor=actor, obj=lead, data={"entity": entity.uscc, "kind": kind})
    return lead
