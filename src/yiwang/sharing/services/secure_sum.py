"""Joint sums without exchanging figures (隐私计算·秘密分享求和): additive secret sharing modulo a large prime.

Each participating department splits its figure ``x`` into ``n`` shares, one per party, drawn uniformly at random
modulo the prime ``P`` so that they add up to ``x``; it keeps one share and sends one to each other party. Each
party adds up the shares it received into its partial sum, and only the partial sums are published: their sum
modulo ``P`` is the true total. Any ``n - 1`` shares of a figure are uniformly random and independent of it, so no
party (nor any coalition short of all the others) learns another's figure.

Figures are amounts with two decimal places (yuan, 人数, 万元 …) carried as integers of hundredths; a negative
figure is its residue modulo ``P`` and decodes back as negative. ``P`` is the Mersenne prime 2^127 − 1, so a
total up to about 8.5 × 10^35 hundredths is exact.

A session (:class:`~yiwang.sharing.models.SecureSum`) keeps no figure: a department's share vector is written as
one row per recipient; when every party has contributed, each party's partial sum is computed from the shares it
received, the shares are erased and the total is published. A department's own system may split locally and post
only its shares (the API accepts them), so that its figure never reaches the platform at all; the page splits in
the request and forgets the figure at once.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for, require_acts_for
from yiwang.accounts.scopes import user_scopes
from yiwang.core import audit
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.sharing.models import SecureSum, SecureSumParty, SecureSumShare

PRIME = 2**127 - 1
#: Figures carry two decimal places: they are shared as integers of hundredths.
PLACES = 2
_SCALE = 10**PLACES
MAX_PARTIES = 20
MIN_TEXT = 4


def encode(value: Decimal) -> int:
    """The figure as a residue modulo ``P`` (hundredths; a negative figure wraps around)."""
    try:
        scaled = Decimal(value) * _SCALE
        exact = scaled.is_finite() and scaled == scaled.to_integral_value()
    except InvalidOperation:
        exact = False
    if not exact:
        raise ValidationFailed(_("数值最多保留两位小数"), field="value")
    if abs(int(scaled)) * 2 >= PRIME:
        raise ValidationFailed(_("数值超出可计算范围"), field="value")
    return int(scaled) % PRIME


def decode(residue: int) -> Decimal:
    """The figure of a residue: above ``P / 2`` it is negative."""
    residue %= PRIME
    signed = residue - PRIME if residue * 2 > PRIME else residue
    return (Decimal(signed) / _SCALE).quantize(Decimal(1).scaleb(-PLACES))


def split(residue: int, n: int) -> list[int]:
    """``n`` shares, uniformly random modulo ``P``, that add up to ``residue`` modulo ``P``."""
    if n < 2:
        raise ValidationFailed(_("秘密分享至少需要两个参与方"), field="parties")
    shares = [secrets.randbelow(PRIME) for _ in range(n - 1)]
    shares.append((residue - sum(shares)) % PRIME)
    return shares


class SumParty:
    """One department in the protocol: it holds its own figure and sees only the shares sent to it."""

    def __init__(self, name: str, value: Decimal) -> None:
        self.name = name
        self._residue = encode(value)
        self._received: list[int] = []

    def deal(self, parties: Sequence[str]) -> dict[str, int]:
        """The share for each party (its own included), to be sent to each over its own channel."""
        return dict(zip(parties, split(self._residue, len(parties)), strict=True))

    def receive(self, share: int) -> None:
        if not 0 <= share < PRIME:
            raise ValidationFailed(_("份额须在 0 与模数之间"), field="shares")
        self._received.append(share)

    def partial(self) -> int:
        """The partial sum to publish: the sum of the shares received, uniformly random on its own."""
        return sum(self._received) % PRIME


def combine(partials: Iterable[int]) -> Decimal:
    """The total from the published partial sums."""
    return decode(sum(partials) % PRIME)


def secure_sum(values: Mapping[str, Decimal]) -> Decimal:
    """The sum of the parties' figures by the protocol above: only shares and partial sums pass between parties."""
    names = list(values)
    parties = {name: SumParty(name, values[name]) for name in names}
    for dealer in parties.values():
        for recipient, share in dealer.deal(names).items():
            parties[recipient].receive(share)
    return combine(party.partial() for party in parties.values())


# --- sessions between departments on the platform -------------------------------------------------------------


def sessions_for(user: User) -> QuerySet[SecureSum]:
    """The sessions of the departments the official acts for (an administrator sees all)."""
    qs = SecureSum.objects.select_related("initiator").prefetch_related("parties__department").order_by("-created_at")
    if user.is_administrator:
        return qs
    departments = {scope.department_id for scope in user_scopes(user)}
    return qs.filter(parties__department_id__in=departments).distinct()


def own_parties(user: Any, session: SecureSum) -> list[SecureSumParty]:
    """The session's parties the user may contribute for."""
    return [p for p in session.parties.all() if acts_for(user, p.department)]


@transaction.atomic
def open_secure_sum(
    actor: Any, *, initiator: Department, parties: Sequence[Department], description: str, unit: str = ""
) -> SecureSum:
    """The initiating department opens a joint sum among itself and the other departments named."""
    user = require_acts_for(actor, initiator, field="initiator")
    description = description.strip()
    if len(description) < MIN_TEXT:
        raise ValidationFailed(_("请说明统计口径（至少 4 个字）"), field="description")
    members = list({d.pk: d for d in [initiator, *parties]}.values())
    if len(members) < 2:
        raise ValidationFailed(_("联合求和至少需要另一个参与部门"), field="parties")
    if len(members) > MAX_PARTIES:
        raise ValidationFailed(_("参与部门不能超过 %(n)d 个") % {"n": MAX_PARTIES}, field="parties")
    session = SecureSum.objects.create(initiator=initiator, description=description, unit=unit.strip(), created_by=user)
    SecureSumParty.objects.bulk_create(
        [SecureSumParty(session=session, department=d, position=i) for i, d in enumerate(members)]
    )
    audit.record("sharing.secure_sum.open", actor=user, obj=session, data={"parties": [d.code for d in members]})
    return session


def _locked_party(session: SecureSum, department: Department) -> tuple[SecureSum, SecureSumParty]:
    locked = SecureSum.objects.select_for_update().get(pk=session.pk)
    if locked.status != SecureSum.Status.COLLECTING:
        raise Conflict(_("该联合求和已出结果，不再接收数据"), field="session")
    party = SecureSumParty.objects.select_for_update().filter(session=locked, department=department).first()
    if party is None:
        raise PermissionDenied(_("本部门不是该联合求和的参与方"), field="department")
    if party.contributed_at is not None:
        raise Conflict(_("本部门已提交，不能重复提交"), field="department", code="already_contributed")
    return locked, party


@transaction.atomic
def contribute_shares(
    actor: Any, session: SecureSum, *, department: Department, shares: Mapping[str, int]
) -> SecureSum:
    """Record a department's share vector (one share per party, by department code; the figure never arrives)."""
    user = require_acts_for(actor, department, field="department")
    locked, party = _locked_party(session, department)
    members = {p.department.code: p for p in locked.parties.select_related("department")}
    if set(shares) != set(members):
        raise ValidationFailed(_("须为每个参与部门各提供一个份额"), field="shares")
    for code, share in shares.items():
        if not isinstance(share, int) or isinstance(share, bool) or not 0 <= share < PRIME:
            raise ValidationFailed(_("份额须为 0 至模数之间的整数：%(code)s") % {"code": code}, field="shares")
    SecureSumShare.objects.bulk_create(
        [SecureSumShare(sender=party, recipient=members[code], share=str(share)) for code, share in shares.items()]
    )
    party.contributed_at, party.contributed_by = timezone.now(), user
    party.save(update_fields=["contributed_at", "contributed_by"])
    audit.record("sharing.secure_sum.contribute", actor=user, obj=locked, data={"department": department.code})
    if all(p.contributed_at is not None for p in locked.parties.all()):
        _publish(locked)
    return locked


def contribute_value(actor: Any, session: SecureSum, *, department: Department, value: Decimal) -> SecureSum:
    """Split the department's figure into shares at once and record only the shares."""
    codes = list(session.parties.order_by("position").values_list("department__code", flat=True))
    party = SumParty(department.code, value)
    return contribute_shares(actor, session, department=department, shares=party.deal(codes))


def _publish(session: SecureSum) -> None:
    """Each party's partial sum from the shares it received; the shares are erased; the total is published."""
    partials = []
    for party in session.parties.all():
        received = [int(s) for s in SecureSumShare.objects.filter(recipient=party).values_list("share", flat=True)]
        party.partial = str(sum(received) % PRIME)
        party.save(update_fields=["partial"])
        partials.append(int(party.partial))
    SecureSumShare.objects.filter(recipient__session=session).delete()
    session.result = combine(partials)
    session.status = SecureSum.Status.PUBLISHED
    session.published_at = timezone.now()
    session.save(update_fields=["result", "status", "published_at"])
    audit.record("sharing.secure_sum.publish", obj=session, data={"result": session.result})
