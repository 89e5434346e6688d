"""授权代办: a person authorises a family member or agent to apply for them; both are recorded on the case."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.applications.models import Delegation
from yiwang.catalog.models import ServiceItem
from yiwang.core import audit
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed


@transaction.atomic
def grant_delegation(
    principal: User,
    delegate: User,
    *,
    relationship: str,
    valid_from: date,
    valid_until: date,
    items: list[ServiceItem] | None = None,
) -> Delegation:
    """The principal (a person) authorises the delegate for some items (or all, when ``items`` is empty)."""
    if principal.kind != User.Kind.PERSON or not principal.id_number:
        raise PermissionDenied(_("只有实名认证的个人可以授权他人代办"), field="principal")
    if delegate.pk == principal.pk:
        raise ValidationFailed(_("不能授权给自己"), field="delegate")
    if not relationship.strip():
        raise ValidationFailed(_("请填写与代办人的关系"), field="relationship")
    if valid_until < valid_from:
        raise ValidationFailed(_("截止日期不能早于生效日期"), field="valid_until")
    delegation = Delegation.objects.create(
        principal=principal,
        delegate=delegate,
        relationship=relationship.strip(),
        valid_from=valid_from,
        valid_until=valid_until,
    )
    if items:
        delegation.items.set(items)
    audit.record(
        "delegation.grant",
        actor=principal,
        obj=delegation,
        data={
            "delegate": delegate.username,
            "items": [i.item_code for i in items or []],
            "valid_until": valid_until.isoformat(),
        },
    )
    return delegation


@transaction.atomic
def revoke_delegation(delegation: Delegation, *, actor: User) -> None:
    if actor.pk != delegation.principal_id:
        raise PermissionDenied(_("只有委托人可以撤销授权"), field="actor")
    if delegation.revoked_at is not None:
        raise Conflict(_("该授权已撤销"), field="delegation")
    delegation.revoked_at = timezone.now()
    delegation.save(update_fields=["revoked_at"])
    audit.record("delegation.revoke", actor=actor, obj=delegation)


def active_delegation(principal: User, delegate: User, item: ServiceItem) -> Delegation | None:
    """The delegation in force today that lets ``delegate`` apply for ``item`` on behalf of ``principal``."""
    today = timezone.localdate()
    return (
        Delegation.objects.filter(
            principal=principal,
            delegate=delegate,
            revoked_at__isnull=True,
            valid_from__lte=today,
            valid_until__gte=today,
        )
        .filter(Q(items=None) | Q(items=item))
        .first()
    )


def delegation_covers(principal: User, delegate: User, items: Sequence[ServiceItem]) -> bool:
    """Delegations in force let ``delegate`` apply for every one of ``items`` on behalf of ``principal``."""
    return all(active_delegation(principal, delegate, item) is not None for item in items)


def principals_for(delegate: User, items: Sequence[ServiceItem]) -> list[User]:
    """The persons for whom ``delegate`` may apply for all of ``items`` today (each once)."""
    candidates = {
        d.principal_id: d.principal
        for d in Delegation.objects.filter(delegate=delegate, revoked_at__isnull=True).select_related("principal")
    }
    return [p for p in candidates.values() if delegation_covers(p, delegate, items)]


def chosen_principal(delegate: User, principals: Sequence[User], chosen: str) -> User | None:
    """The principal picked on an apply page (``chosen`` is their id); a delegate with no identity of their own to
    apply with applies for their first principal."""
    principal = next((p for p in principals if str(p.pk) == chosen), None)
    if principal is None and principals and not (delegate.id_number or delegate.enterprise_uscc):
        principal = principals[0]
    return principal
