"""The credit registry (信用信息库): red/black list entries, administrative penalties and credit-risk classes.

A credit record is written by the department that made the decision (its own act is the authoritative source);
the credit-risk class A/B/C/D is the element ``credit.risk_class`` and only its authoritative source (market
regulation) rates. Records are append-only: a correction is a new record, the history stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for
from yiwang.core import audit
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import ValidationFailed
from yiwang.registries.elements import element_for
from yiwang.registries.models import CreditRating, CreditRecord, LegalEntity
from yiwang.registries.services import REGISTRY_WRITE_ROLES, NotAuthoritative


def _acting_department(actor: User, department: Department, entity: LegalEntity) -> None:
    """The actor holds a writing role in ``department`` whose scope covers the entity's division (not merely
    ``User.department``: the role assignment decides, as for every registry write)."""
    if not acts_for(actor, department, division=entity.division_id, roles=REGISTRY_WRITE_ROLES):
        raise NotAuthoritative(_("只能以本部门名义记录信用信息"), field="department")


@transaction.atomic
def record_credit(
    entity: LegalEntity,
    *,
    kind: str,
    title: str,
    decided_on: date,
    department: Department,
    actor: User,
    decision_no: str = "",
    legal_basis: str = "",
    valid_until: date | None = None,
) -> CreditRecord:
    """Record a red/black list entry or an administrative penalty decided by ``department``."""
    _acting_department(actor, department, entity)
    if kind not in CreditRecord.Kind.values:
        raise ValidationFailed(_("未知的信用记录类别"), field="kind")
    if not title.strip():
        raise ValidationFailed(_("请填写信用记录名称"), field="title")
    if valid_until is not None and valid_until < decided_on:
        raise ValidationFailed(_("有效期不能早于认定日期"), field="valid_until")
    if kind == CreditRecord.Kind.PENALTY and not decision_no.strip():
        raise ValidationFailed(_("行政处罚须填写决定文书号"), field="decision_no")
    record = CreditRecord.objects.create(
        entity=entity,
        kind=kind,
        title=title,
        decision_no=decision_no,
        department=department,
        decided_on=decided_on,
        valid_until=valid_until,
        legal_basis=legal_basis,
    )
    audit.record(
        "registry.credit.record",
        actor=actor,
        obj=record,
        data={"entity": entity.uscc, "kind": kind, "department": department.code},
    )
    return record


@transaction.atomic
def rate_entity(
    entity: LegalEntity,
    risk_class: str,
    *,
    rated_on: date,
    department: Department,
    actor: User,
    model_version: str = "",
) -> CreditRating:
    """Set the credit-risk class (信用风险分类) as of ``rated_on``; the latest rating holds."""
    _acting_department(actor, department, entity)
    element = element_for("credit", "risk_class")
    if element is not None and element.source_kind != department.kind:
        raise NotAuthoritative(
            format_lazy(_("{department}不是信用风险分类的权威来源部门，不能评定"), department=department.name),
            field="risk_class",
        )
    if risk_class not in CreditRating.RiskClass.values:
        raise ValidationFailed(_("信用风险分类应为 A、B、C 或 D"), field="risk_class")
    rating = CreditRating.objects.create(
        entity=entity, risk_class=risk_class, rated_on=rated_on, department=department, model_version=model_version
    )
    audit.record(
        "registry.credit.rate",
        actor=actor,
        obj=rating,
        data={"entity": entity.uscc, "risk_class": risk_class, "rated_on": rated_on.isoformat()},
    )
    return rating


def current_rating(entity: LegalEntity, *, on: date | None = None) -> CreditRating | None:
    """The rating in force on ``on`` (default: the latest)."""
    qs = CreditRating.objects.filter(entity=entity)
    if on is not None:
        qs = qs.filter(rated_on__lte=on)
    return qs.order_by("-rated_on", "-pk").first()


def current_risk_class_expression(entity_ref: str = "pk") -> Subquery:
    """A subquery of the latest risk class per entity (``annotate(risk_class=current_risk_class_expression())``).

    The bulk form of :func:`current_rating`, for snapshots over many entities; same order, so both agree.
    """
    latest = CreditRating.objects.filter(entity=OuterRef(entity_ref)).order_by("-rated_on", "-pk")
    return Subquery(latest.values("risk_class")[:1])


@transaction.atomic
def rate_entities(
    ratings: Sequence[tuple[int, str]],
    *,
    rated_on: date,
    department: Department,
    actor: User,
    model_version: str,
) -> int:
    """Bulk form of :func:`rate_entity` for a classification run: ``(entity pk, class)`` pairs as of ``rated_on``.

    The same checks (the authoritative source, the actor's scope over every division rated, valid classes), one
    ledger entry for the batch carrying the SM3 digest of the sorted pairs, so the batch can be verified.
    """
    element = element_for("credit", "risk_class")
    if element is not None and element.source_kind != department.kind:
        raise NotAuthoritative(
            format_lazy(_("{department}不是信用风险分类的权威来源部门，不能评定"), department=department.name),
            field="risk_class",
        )
    if any(klass not in CreditRating.RiskClass.values for _pk, klass in ratings):
        raise ValidationFailed(_("信用风险分类应为 A、B、C 或 D"), field="risk_class")
    pks = [pk for pk, _klass in ratings]
    for division in LegalEntity.objects.filter(pk__in=pks).values_list("division_id", flat=True).distinct():
        if not acts_for(actor, department, division=division):
            raise NotAuthoritative(_("只能以本部门名义记录信用信息"), field="department")
    CreditRating.objects.bulk_create(
        [
            CreditRating(
                entity_id=pk, risk_class=klass, rated_on=rated_on, department=department, model_version=model_version
            )
            for pk, klass in ratings
        ],
        batch_size=2000,
    )
    digest = sm3_hex("\n".join(f"{pk}:{klass}" for pk, klass in sorted(ratings)).encode())
    audit.record(
        "registry.credit.rate_batch",
        actor=actor,
        object_type="registries.creditrating",
        object_id=rated_on.isoformat(),
        object_repr=model_version,
        data={"count": len(ratings), "model_version": model_version, "sm3": digest},
    )
    return len(ratings)
