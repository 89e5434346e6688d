"""Business operations of 免申即享: author policies, run matching, push offers, confirm within budget, pay.

Each operation is one transaction, checks who may do it, appends to the audit ledger and raises a
``DomainError`` with the field concerned. The flow follows Huangpu's three steps: data comparison (matching run)
→ one-click confirmation of intent (意愿确认, here the bank account) → payment (payment file, then paid).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.core import audit
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yiwang.policies.facts import ENTERPRISE_SCHEMA, entity_facts, entity_snapshot
from yiwang.policies.models import (
    MatchResult,
    MatchRun,
    Objection,
    Offer,
    Payout,
    PayoutBatch,
    Policy,
    PolicyVersion,
)
from yiwang.policies.rulesets import (
    RulesInvalid,
    calculator_for,
    case_failures,
    definition_of,
    new_matcher,
    parse_rules,
    published_version_ids,
    published_versions,
)
from yiwang.registries.masking import mask_name
from yiwang.registries.models import LegalEntity
from yiwang.rules import Matcher, what_if

#: Offers are pushed automatically only for policies with at most this many eligible entities; a broader policy
#: keeps its eligible set in the run's bitmap and is pushed on purpose with :func:`push_offers` (a push of tens of
#: thousands of notices is a decision, not a side effect of a run).
OFFER_CAP = 2000
CENT = Decimal("0.01")
_BANK_ACCOUNT = re.compile(r"^\d{8,32}$")


# --- who may do what ------------------------------------------------------------------------------------------


def _require_official(actor: User | None, department: Department | None = None) -> User:
    """An administrator, or an official (of ``department`` when given)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if actor.is_administrator:
        return actor
    if not actor.is_official or (department is not None and actor.department_id != department.pk):
        raise PermissionDenied(_("只有政策主管部门的工作人员可以办理此事项"))
    return actor


def _require_agent_of(actor: User | None, uscc: str) -> User:
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied(_("请先登录"))
    if actor.kind != User.Kind.AGENT or actor.enterprise_uscc != uscc:
        raise PermissionDenied(_("只有该企业的经办人可以确认或放弃本企业的政策兑现"))
    return actor


# --- authoring ------------------------------------------------------------------------------------------------


def _version(policy: Policy, rules: str, actor: User | None) -> PolicyVersion:
    parse_rules(policy.code, policy.title, rules)
    failures = case_failures(policy.code, policy.title, rules)
    if failures:  # a version whose own test cases fail is not saved
        raise RulesInvalid(failures)
    last = policy.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = PolicyVersion.objects.create(policy=policy, number=last + 1, rules=rules, created_by=actor)
    policy.current_version = version
    policy.save(update_fields=["current_version"])
    return version


@transaction.atomic
def create_policy(
    *,
    code: str,
    title: str,
    department: Department,
    rules: str,
    actor: User | None,
    budget_total: Decimal = Decimal(0),
    legal_references: str = "",
    route: str = Policy.Route.PROACTIVE,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
) -> Policy:
    """A draft policy with its first rule version; the rules are checked before anything is written."""
    if actor is not None:
        _require_official(actor, department)
    code = code.strip()
    if not code or not title.strip():
        raise ValidationFailed(_("政策编码和名称不能为空"), field="code" if not code else "title")
    if Policy.objects.filter(code=code).exists():
        raise Conflict(_("政策编码 %(code)s 已存在") % {"code": code}, field="code")
    if budget_total < 0:
        raise ValidationFailed(_("资金预算不能为负数"), field="budget_total")
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationFailed(_("截止日期不能早于生效日期"), field="valid_until")
    parse_rules(code, title, rules)
    policy = Policy.objects.create(
        code=code,
        title=title.strip(),
        department=department,
        legal_references=legal_references,
        route=route,
        valid_from=valid_from,
        valid_until=valid_until,
        budget_total=budget_total,
    )
    version = _version(policy, rules, actor)
    audit.record("policy.create", actor=actor, obj=policy, data={"version": version.number, "budget": budget_total})
    return policy


@transaction.atomic
def new_version(policy: Policy, rules: str, *, actor: User | None) -> PolicyVersion:
    """A new rule version that becomes current (earlier versions stay as the evidence of past runs)."""
    _require_official(actor, policy.department)
    version = _version(policy, rules, actor)
    audit.record("policy.version.create", actor=actor, obj=policy, data={"version": version.number})
    return version


@transaction.atomic
def publish_policy(policy: Policy, *, actor: User | None) -> Policy:
    if actor is not None:
        _require_official(actor, policy.department)
    if policy.current_version_id is None:
        raise Conflict(_("政策尚无规则版本，不能发布"), field="rules")
    policy.status = Policy.Status.PUBLISHED
    policy.save(update_fields=["status"])
    audit.record("policy.publish", actor=actor, obj=policy)
    return policy


@transaction.atomic
def retire_policy(policy: Policy, *, actor: User | None) -> int:
    """Stop a policy (停止兑现): open offers expire; confirmed ones are still paid. Returns offers expired."""
    _require_official(actor, policy.department)
    Policy.objects.select_for_update().get(pk=policy.pk)
    policy.status = Policy.Status.RETIRED
    policy.save(update_fields=["status"])
    expired = Offer.objects.filter(policy=policy, status=Offer.Status.OFFERED).update(status=Offer.Status.EXPIRED)
    audit.record("policy.retire", actor=actor, obj=policy, data={"offers_expired": expired})
    return expired


# --- matching -------------------------------------------------------------------------------------------------


def _money(value: float) -> Decimal:
    return Decimal(str(round(float(value), 2))).quantize(CENT)


def _is_open(policy: Policy, as_of: dt.date) -> bool:
    return (
        policy.status == Policy.Status.PUBLISHED
        and policy.route == Policy.Route.PROACTIVE
        and (policy.valid_from is None or policy.valid_from <= as_of)
        and (policy.valid_until is None or as_of <= policy.valid_until)
    )


def run_matching(
    policies: Iterable[Policy] | None = None,
    *,
    actor: User | None,
    as_of: dt.date | None = None,
    offer_cap: int = OFFER_CAP,
) -> MatchRun:
    """Match policies (default: all published) against a snapshot of the registry; store the evidence.

    The run keeps the snapshot hash, the USCC order and per policy the eligible set as a packed bitmap, so the
    eligible list is re-derived exactly later. Offers are pushed for open proactive policies with at most
    ``offer_cap`` eligible entities.
    """
    if actor is not None:
        _require_official(actor)
    day = as_of or timezone.localdate()
    started = timezone.now()
    clock = time.perf_counter()
    versions = published_versions(policies)
    snapshot = entity_snapshot()
    matcher = new_matcher(versions, day)
    matcher.load(snapshot.table)
    counts = matcher.run().as_dict()
    with transaction.atomic():
        run = MatchRun.objects.create(
            started_at=started,
            finished_at=started,
            as_of=day,
            snapshot_hash=snapshot.snapshot_hash,
            entity_count=len(snapshot.usccs),
            uscc_order=MatchRun.pack_usccs(snapshot.usccs),
            counts=counts,
            created_by=actor if actor is not None and actor.is_authenticated else None,
        )
        total = Decimal(0)
        results = []
        offers = 0
        for version in versions:
            code = version.policy.code
            words = matcher.policy_words(code)
            rows = _rows(words)
            amounts = matcher.amounts(definition_of(version), rows)
            amount_total = _money(amounts.sum())
            total += amount_total
            push = _is_open(version.policy, day) and len(rows) <= offer_cap
            results.append(
                MatchResult(
                    run=run,
                    version=version,
                    eligible_count=len(rows),
                    amount_total=amount_total,
                    bitmap=MatchResult.pack(words),
                    pushed=push,
                )
            )
            if push:
                offers += _create_offers(run, version, matcher, snapshot.usccs, rows, amounts)
        MatchResult.objects.bulk_create(results)
        run.amounts_total = total
        run.offers_created = offers
        run.finished_at = timezone.now()
        run.seconds = time.perf_counter() - clock
        run.save(update_fields=["amounts_total", "offers_created", "finished_at", "seconds"])
        audit.record(
            "policy.match.run",
            actor=actor,
            obj=run,
            data={
                "snapshot_hash": run.snapshot_hash,
                "entities": run.entity_count,
                "policies": len(versions),
                "offers": offers,
            },
        )
    return run


def _rows(words: np.ndarray) -> np.ndarray:
    bits = np.unpackbits(np.ascontiguousarray(words, dtype=np.uint64).view(np.uint8), bitorder="little")
    return np.flatnonzero(bits).astype(np.int64)


def _create_offers(
    run: MatchRun,
    version: PolicyVersion,
    matcher: Matcher,
    usccs: np.ndarray,
    rows: np.ndarray,
    amounts: np.ndarray,
) -> int:
    """Push notices to the eligible entities that have no open or confirmed offer of this policy yet."""
    policy = version.policy
    keep = amounts > 0
    rows, amounts = rows[keep], amounts[keep]
    if not len(rows):
        return 0
    wanted = [u.decode("ascii") for u in usccs[rows]]
    taken = set(
        Offer.objects.filter(
            policy=policy, status__in=[Offer.Status.OFFERED, Offer.Status.CONFIRMED], uscc__in=wanted
        ).values_list("uscc", flat=True)
    )
    todo = [(u, r, a) for u, r, a in zip(wanted, rows.tolist(), amounts.tolist(), strict=True) if u not in taken]
    names = dict(LegalEntity.objects.filter(uscc__in=[u for u, _r, _a in todo]).values_list("uscc", "name"))
    offers = [
        Offer(
            run=run,
            policy=policy,
            version=version,
            uscc=uscc,
            entity_name=names.get(uscc, ""),
            amount=_money(amount),
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
    _require_official(actor, version.policy.department)
    if result.pushed:
        raise Conflict(_("该批次的政策已推送"), field="result")
    snapshot = entity_snapshot()
    if snapshot.snapshot_hash != result.run.snapshot_hash:
        raise Conflict(_("登记数据已变化，请重新比对后再推送"), field="run")
    matcher = new_matcher([version], result.run.as_of)
    matcher.load(snapshot.table)
    rows = result.rows()
    created = _create_offers(
        result.run, version, matcher, snapshot.usccs, rows, matcher.amounts(definition_of(version), rows)
    )
    result.pushed = True
    result.save(update_fields=["pushed"])
    audit.record("policy.offer.push", actor=actor, obj=version.policy, data={"run": result.run_id, "offers": created})
    return created


# --- confirmation and payment ---------------------------------------------------------------------------------


def mask_bank_account(account: str) -> str:
    return f"{account[:4]}{'*' * (len(account) - 8)}{account[-4:]}" if len(account) > 8 else "*" * len(account)


def confirm_offer(offer: Offer, *, actor: User | None, bank_account: str) -> Payout:
    """意愿确认: the enterprise's agent accepts the benefit and names the account; a payout is created within the
    budget. The policy row is locked (``SELECT … FOR UPDATE``) and the remaining budget rechecked, so concurrent
    confirmations can never commit more than the budget; an offer that does not fit is refused, nothing changes.
    """
    _require_agent_of(actor, offer.uscc)
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
    _require_agent_of(actor, offer.uscc)
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


PAYMENT_FILE_COLUMNS = ["序号", "统一社会信用代码", "收款单位", "收款账号", "金额（元）", "政策编码", "推送编号"]


@transaction.atomic
def export_batch(policy: Policy, *, actor: User | None) -> tuple[PayoutBatch, str]:
    """The pending payouts of a policy as a payment file (CSV, UTF-8); they become ``exported``."""
    _require_official(actor, policy.department)
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
    _require_official(actor, batch.policy.department)
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


# --- public notice and objections -----------------------------------------------------------------------------


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
    _require_official(actor, objection.policy.department)
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


# --- calculator and sandbox -----------------------------------------------------------------------------------


def calculator(entity: LegalEntity, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """政策计算器: the published policies one entity qualifies for (with amounts) and near misses (what is missing)."""
    version_ids = published_version_ids()
    if not version_ids:
        return {"eligible": [], "unknown": [], "near_misses": []}
    return calculator_for(version_ids, as_of or timezone.localdate()).calculate(entity_facts(entity)).as_dict()


def sandbox(policy: Policy, draft_yaml: str, *, actor: User | None = None, sample: int = 20) -> dict[str, Any]:
    """政策沙盘: how a draft of the rules changes coverage and cost against the current version, on today's data."""
    if actor is not None:
        _require_official(actor, policy.department)
    draft = parse_rules(policy.code, policy.title, draft_yaml, path="draft")
    versions = [policy.current_version] if policy.current_version is not None else []
    snapshot = entity_snapshot()
    matcher = new_matcher(versions, timezone.localdate())
    matcher.load(snapshot.table)
    result = what_if(matcher, draft)
    out = result.as_dict()
    out["entity_count"] = len(snapshot.usccs)
    out["snapshot_hash"] = snapshot.snapshot_hash
    out["gained_usccs"] = [u.decode("ascii") for u in snapshot.usccs[result.gained_rows[:sample]]]
    out["lost_usccs"] = [u.decode("ascii") for u in snapshot.usccs[result.lost_rows[:sample]]]
    out["budget_total"] = str(policy.budget_total)
    return out


def schema_facts() -> list[dict[str, str]]:
    """The facts rules may use, for authors: name, type, label, unit and source data element."""
    return [
        {"name": f.name, "type": f.type.value, "label": f.label, "unit": f.unit, "source": f.source}
        for f in ENTERPRISE_SCHEMA
    ]
