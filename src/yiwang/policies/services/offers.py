"""Offers (政策推送) and their confirmation (意愿确认): pushed to an enterprise's agents, confirmed within the
budget with a bank account, or declined.
"""

from __future__ import annotations

import re

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.policies.facts import entity_snapshot
from yiwang.policies.models import (
    MatchResult,
    MatchRun,
    Offer,
    Payout,
    Policy,
    PolicyVersion,
)
from yiwang.policies.rulesets import (
    definition_of,
    new_matcher,
)
from yiwang.policies.services.access import require_agent_of
from yiwang.registries.models import LegalEntity
from yiwang.rules import Matcher, yuan_of_fen

_BANK_ACCOUNT = re.compile(r"^\d{8,32}$")


def create_offers(
    run: MatchRun,
    version: PolicyVersion,
    matcher: Matcher,
    usccs: np.ndarray,
    rows: np.ndarray,
    fen: np.ndarray,
) -> int:
    """Push notices to the eligible entities that have no open or confirmed offer of this policy yet."""
    policy = version.policy
    keep = fen > 0
    rows, fen = rows[keep], fen[keep]
    if not len(rows):
        return 0
    wanted = [u.decode("ascii") for u in usccs[rows]]
    taken = set(
        Offer.objects.filter(
            policy=policy, status__in=[Offer.Status.OFFERED, Offer.Status.CONFIRMED], uscc__in=wanted
        ).values_list("uscc", flat=True)
    )
    todo = [(u, r, a) for u, r, a in zip(wanted, rows.tolist(), fen.tolist(), strict=True) if u not in taken]
    names = dict(LegalEntity.objects.filter(uscc__in=[u for u, _r, _a in todo]).values_list("uscc", "name"))
    offers = [
        Offer(
            run=run,
            policy=policy,
            version=version,
            uscc=uscc,
            entity_name=names.get(uscc, ""),
            amount=yuan_of_fen(amount),
            explanation=matcher.explain(policy.code, row).as_dict(),
        )
        for uscc, row, amount in todo
    ]
    Offer.objects.bulk_create(offers, batch_size=500)
    _notify_agents(offers)
    return len(offers)


def _notify_agents(offers: list[Offer]) -> None:
    """The push (政策推送): each enterprise's agents hear of their offer once, in the portal and by SMS."""
    from yiwang.core.notify import notify

    by_uscc: dict[str, list[User]] = {}
    for agent in User.objects.filter(
        kind=User.Kind.AGENT, is_active=True, enterprise_uscc__in={o.uscc for o in offers}
    ):
        by_uscc.setdefault(agent.enterprise_uscc, []).append(agent)
    for offer in Offer.objects.filter(run=offers[0].run, policy=offers[0].policy) if offers else []:
        for agent in by_uscc.get(offer.uscc, []):
            notify(
                agent,
                str(offer.policy.title),
                str(_("贵企业符合“%(title)s”的兑现条件，可获 %(amount)s 元，无需申请，请一键确认。"))
                % {"title": offer.policy.title, "amount": offer.amount},
                url=reverse("policies:mine"),
                channels=("portal", "sms"),
                dedupe_key=f"offer:{offer.pk}",
                obj=offer,
            )


@transaction.atomic
def push_offers(result: MatchResult, *, actor: User | None) -> int:
    """Push the offers of a broad policy that the run left unpushed (over the cap), from the stored bitmap."""
    version = PolicyVersion.objects.select_related("policy").get(pk=result.version_id)
    require_acts_for(actor, version.policy.department)
    Policy.objects.select_for_update().get(pk=version.policy_id)  # serialised with the policy's runs
    if result.pushed:
        raise Conflict(_("该批次的政策已推送"), field="result")
    snapshot = entity_snapshot()
    if snapshot.snapshot_hash != result.run.snapshot_hash:
        raise Conflict(_("登记数据已变化，请重新比对后再推送"), field="run")
    matcher = new_matcher([version], result.run.as_of)
    matcher.load(snapshot.table)
    rows = result.rows()
    created = create_offers(
        result.run, version, matcher, snapshot.usccs, rows, matcher.amounts_fen(definition_of(version), rows)
    )
    result.pushed = True
    result.save(update_fields=["pushed"])
    audit.record("policy.offer.push", actor=actor, obj=version.policy, data={"run": result.run_id, "offers": created})
    return created


def mask_bank_account(account: str) -> str:
    return f"{account[:4]}{'*' * (len(account) - 8)}{account[-4:]}" if len(account) > 8 else "*" * len(account)


def confirm_offer(offer: Offer, *, actor: User | None, bank_account: str) -> Payout:
    """意愿确认: the enterprise's agent accepts the benefit and names the account; a payout is created within the
    budget. The policy row is locked (``SELECT … FOR UPDATE``) and the remaining budget rechecked, so concurrent
    confirmations can never commit more than the budget; an offer that does not fit is refused, nothing changes.
    """
    require_agent_of(actor, offer.uscc)
    account = re.sub(r"[\s-]", "", bank_account or "")
    if not _BANK_ACCOUNT.match(account):
        raise ValidationFailed(_("收款账号应为 8 至 32 位数字"), field="bank_account")
    with transaction.atomic():
        policy = Policy.objects.select_for_update().get(pk=offer.policy_id)
        locked = Offer.objects.select_for_update().get(pk=offer.pk)
        if locked.status != Offer.Status.OFFERED:
            raise Conflict(_("该政策推送已处理（%(status)s）") % {"status": locked.get_status_display()}, field="offer")
        today = timezone.localdate()
        if policy.status != Policy.Status.PUBLISHED or (policy.valid_until and policy.valid_until < today):
            raise Conflict(_("该政策已停止兑现"), field="offer")
        if locked.amount > policy.budget_remaining:
            raise Conflict(
                _("政策资金余额不足：本次 %(amount)s 元，剩余 %(remaining)s 元")
                % {"amount": locked.amount, "remaining": policy.budget_remaining},
                field="amount",
                code="budget_exhausted",
            )
        policy.budget_committed += locked.amount
        policy.save(update_fields=["budget_committed"])
        locked.status = Offer.Status.CONFIRMED
        locked.decided_at = timezone.now()
        locked.decided_by = actor
        locked.save(update_fields=["status", "decided_at", "decided_by"])
        payout = Payout.objects.create(
            offer=locked,
            policy=policy,
            amount=locked.amount,
            bank_account=account,
            bank_account_masked=mask_bank_account(account),
        )
        audit.record(
            "policy.offer.confirm",
            actor=actor,
            on_behalf_of=locked.uscc,
            obj=payout,
            data={"policy": policy.code, "amount": locked.amount, "account": payout.bank_account_masked},
        )
    offer.refresh_from_db()
    return payout


@transaction.atomic
def decline_offer(offer: Offer, *, actor: User | None, reason: str = "") -> Offer:
    require_agent_of(actor, offer.uscc)
    locked = Offer.objects.select_for_update().get(pk=offer.pk)
    if locked.status != Offer.Status.OFFERED:
        raise Conflict(_("该政策推送已处理（%(status)s）") % {"status": locked.get_status_display()}, field="offer")
    locked.status = Offer.Status.DECLINED
    locked.decided_at = timezone.now()
    locked.decided_by = actor
    locked.decline_reason = reason[:200]
    locked.save(update_fields=["status", "decided_at", "decided_by", "decline_reason"])
    audit.record("policy.offer.decline", actor=actor, on_behalf_of=locked.uscc, obj=locked, reason=reason[:200])
    return locked
