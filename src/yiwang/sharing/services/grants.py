"""Sharing grants (共享申请与授权): request → approve or refuse within the working-day limit → credential → revoke."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for, require_acts_for
from yiwang.core import audit
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.notify import notify
from yiwang.core.workdays import WorkingDays
from yiwang.sharing.models import Grade, Grant, Resource, SharingType

#: Working days the provider has to answer, by the resource's grade (GB/T 43697): the higher the grade, the
#: longer the review (一般 2 / 重要 5 / 核心 10 个工作日).
ANSWER_DAYS = {Grade.GENERAL: 2, Grade.IMPORTANT: 5, Grade.CORE: 10}
CREDENTIAL_PREFIX = "yws_"
MIN_TEXT = 4


def _credential_hash(raw: str) -> str:
    return sm3_hex(raw.encode())


def answer_days(resource: Resource) -> int:
    return ANSWER_DAYS[Grade(resource.grade)]


@transaction.atomic
def request_grant(
    actor: Any,
    resource: Resource,
    *,
    consumer: Department,
    purpose: str,
    legal_basis: str,
    fields: list[str],
    valid_from: date,
    valid_until: date,
    row_scope: str = "",
    daily_volume: int = 1000,
    rate_per_minute: int = 60,
) -> Grant:
    """A department asks for fields of a resource for a stated purpose, legal basis, row scope, period and volume."""
    user = require_acts_for(actor, consumer, field="consumer")
    if resource.sharing_type == SharingType.NOT_SHARED:
        raise Conflict(_("该资源为不予共享类，不能申请"), field="resource")
    purpose, legal_basis = purpose.strip(), legal_basis.strip()
    if len(purpose) < MIN_TEXT:
        raise ValidationFailed(_("请写明具体用途（至少 4 个字）"), field="purpose")
    if not legal_basis:
        raise ValidationFailed(_("请填写申请的法律依据"), field="legal_basis")
    known = set(resource.items.values_list("code", flat=True))
    wanted = list(dict.fromkeys(fields))
    if not wanted:
        raise ValidationFailed(_("请至少选择一个信息项"), field="fields")
    unknown = [f for f in wanted if f not in known]
    if unknown:
        raise ValidationFailed(_("资源中没有这些信息项：%(fields)s") % {"fields": "、".join(unknown)}, field="fields")
    if valid_until < valid_from:
        raise ValidationFailed(_("使用期限的结束日期不能早于开始日期"), field="valid_until")
    if daily_volume < 1 or rate_per_minute < 1:
        raise ValidationFailed(_("调用量上限须为正整数"), field="daily_volume")
    if row_scope and not row_scope.isdigit():
        raise ValidationFailed(_("数据范围须为行政区划代码前缀（数字）"), field="row_scope")
    today = timezone.localdate()
    grant = Grant.objects.create(
        resource=resource,
        consumer=consumer,
        requested_by=user,
        purpose=purpose,
        legal_basis=legal_basis,
        fields=wanted,
        row_scope=row_scope,
        valid_from=valid_from,
        valid_until=valid_until,
        daily_volume=daily_volume,
        rate_per_minute=rate_per_minute,
        due_on=WorkingDays().add_working_days(today, answer_days(resource)),
    )
    audit.record(
        "sharing.grant.request",
        actor=user,
        on_behalf_of=consumer.name,
        obj=grant,
        reason=purpose,
        data={"resource": resource.code, "fields": wanted, "due_on": grant.due_on},
    )
    for official in _officials_of(resource.provider):
        notify(
            official,
            str(_("新的数据共享申请：%(name)s") % {"name": resource.name}),
            str(_("%(consumer)s 申请使用，请于 %(due)s 前答复。") % {"consumer": consumer.name, "due": grant.due_on}),
            dedupe_key=f"sharing.grant.request:{grant.pk}",
            obj=grant,
        )
    return grant


def _officials_of(department: Department) -> list[User]:
    return list(User.objects.filter(department=department, kind=User.Kind.OFFICIAL, is_active=True))


def _require_provider(actor: Any, grant: Grant) -> User:
    return require_acts_for(
        actor, grant.resource.provider, message=_("只有资源提供部门可以审核共享申请"), field="grant"
    )


def _require_requested(grant: Grant) -> None:
    if grant.status != Grant.Status.REQUESTED:
        raise Conflict(_("该申请已处理，不能重复审核"), field="grant")


def is_overdue(grant: Grant, today: date | None = None) -> bool:
    """Whether a request is still unanswered after its working-day limit."""
    return grant.status == Grant.Status.REQUESTED and (today or timezone.localdate()) > grant.due_on


@transaction.atomic
def approve_grant(actor: Any, grant: Grant, *, reason: str = "") -> tuple[Grant, str]:
    """Approve and issue the credential; returns the grant and the raw credential (shown once, stored hashed)."""
    grant = Grant.objects.select_for_update().select_related("resource__provider").get(pk=grant.pk)
    user = _require_provider(actor, grant)
    _require_requested(grant)
    prefix = secrets.token_hex(4)
    raw = f"{CREDENTIAL_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    grant.status = Grant.Status.APPROVED
    grant.decided_at = timezone.now()
    grant.decided_by = user
    grant.decision_reason = reason.strip()
    grant.credential_prefix = prefix
    grant.credential_hash = _credential_hash(raw)
    grant.save()
    audit.record(
        "sharing.grant.approve",
        actor=user,
        on_behalf_of=grant.resource.provider.name,
        obj=grant,
        reason=grant.decision_reason,
        data={"fields": grant.fields, "overdue": grant.decided_at.date() > grant.due_on},
    )
    notify(
        grant.requested_by,
        str(_("数据共享申请已通过：%(name)s") % {"name": grant.resource.name}),
        str(_("授权期限 %(a)s 至 %(b)s。") % {"a": grant.valid_from, "b": grant.valid_until}),
        dedupe_key=f"sharing.grant.approve:{grant.pk}",
        obj=grant,
    )
    return grant, raw


@transaction.atomic
def refuse_grant(actor: Any, grant: Grant, *, reason: str) -> Grant:
    """Refuse with the reasons (不予共享须说明理由)."""
    grant = Grant.objects.select_for_update().select_related("resource__provider").get(pk=grant.pk)
    user = _require_provider(actor, grant)
    _require_requested(grant)
    reason = reason.strip()
    if len(reason) < MIN_TEXT:
        raise ValidationFailed(_("不予共享须说明理由（至少 4 个字）"), field="reason")
    grant.status = Grant.Status.REFUSED
    grant.decided_at = timezone.now()
    grant.decided_by = user
    grant.decision_reason = reason
    grant.save()
    audit.record(
        "sharing.grant.refuse", actor=user, on_behalf_of=grant.resource.provider.name, obj=grant, reason=reason
    )
    notify(
        grant.requested_by,
        str(_("数据共享申请未通过：%(name)s") % {"name": grant.resource.name}),
        reason,
        dedupe_key=f"sharing.grant.refuse:{grant.pk}",
        obj=grant,
    )
    return grant


@transaction.atomic
def revoke_grant(actor: Any, grant: Grant, *, reason: str) -> Grant:
    """Revoke at once: the next read with the credential is refused. The provider or the consumer may revoke."""
    grant = Grant.objects.select_for_update().select_related("resource__provider", "consumer").get(pk=grant.pk)
    if not (acts_for(actor, grant.resource.provider) or acts_for(actor, grant.consumer)):
        raise PermissionDenied(_("只有资源提供部门或申请部门可以撤销授权"), field="grant")
    if grant.status != Grant.Status.APPROVED:
        raise Conflict(_("只有已授权的申请可以撤销"), field="grant")
    reason = reason.strip()
    if len(reason) < MIN_TEXT:
        raise ValidationFailed(_("撤销授权须说明理由（至少 4 个字）"), field="reason")
    grant.status = Grant.Status.REVOKED
    grant.revoked_at = timezone.now()
    grant.decision_reason = reason
    grant.save()
    audit.record("sharing.grant.revoke", actor=actor, obj=grant, reason=reason)
    return grant


def grant_for_credential(raw: str) -> Grant | None:
    """The grant behind a raw credential whatever its state (enforcement decides), or None if unknown."""
    if not raw.startswith(CREDENTIAL_PREFIX):
        return None
    return Grant.objects.select_related("resource", "consumer").filter(credential_hash=_credential_hash(raw)).first()


@transaction.atomic
def reissue_credential(actor: Any, grant: Grant) -> str:
    """The consumer collects a fresh credential (shown once); the previous one stops working at once."""
    grant = Grant.objects.select_for_update().select_related("consumer").get(pk=grant.pk)
    user = require_acts_for(actor, grant.consumer, message=_("只有申请部门可以领取凭证"), field="grant")
    if grant.status != Grant.Status.APPROVED:
        raise Conflict(_("只有已授权的申请可以领取凭证"), field="grant")
    prefix = secrets.token_hex(4)
    raw = f"{CREDENTIAL_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    grant.credential_prefix = prefix
    grant.credential_hash = _credential_hash(raw)
    grant.save(update_fields=["credential_prefix", "credential_hash"])
    audit.record("sharing.grant.credential", actor=user, obj=grant, data={"prefix": prefix})
    return raw
