"""Matching runs (数据比对): published policies against a snapshot of the legal-entity registry, with the
evidence kept (snapshot hash, USCC order, eligible bitmaps) and offers pushed for narrow open policies.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from decimal import Decimal

import numpy as np
from django.db import transaction
from django.utils import timezone

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.policies.facts import entity_snapshot
from yiwang.policies.models import (
    MatchResult,
    MatchRun,
    Policy,
)
from yiwang.policies.rulesets import (
    definition_of,
    new_matcher,
    published_versions,
)
from yiwang.policies.services.offers import create_offers
from yiwang.rules import yuan_of_fen

#: Offers are pushed automatically only for policies with at most this many eligible entities; a broader policy
#: keeps its eligible set in the run's bitmap and is pushed on purpose with ``offers.push_offers`` (a push of
#: tens of thousands of notices is a decision, not a side effect of a run).
OFFER_CAP = 2000


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
    versions = published_versions(policies)
    if actor is not None:  # each policy's department; all published policies: a role in some department
        departments = Department.objects.filter(pk__in={v.policy.department_id for v in versions})
        for department in departments if policies is not None else [None]:
            require_acts_for(actor, department)
    day = as_of or timezone.localdate()
    started = timezone.now()
    clock = time.perf_counter()
    snapshot = entity_snapshot()
    matcher = new_matcher(versions, day)
    matcher.load(snapshot.table)
    counts = matcher.run().as_dict()
    with transaction.atomic():
        # runs of one policy are serialised (the policy rows locked, in pk order): a second run waits, then sees
        # the first one's offers and pushes none twice (the partial unique index on offers is the backstop)
        list(Policy.objects.select_for_update().filter(pk__in={v.policy_id for v in versions}).order_by("pk"))
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
            fen = matcher.amounts_fen(definition_of(version), rows)
            amount_total = yuan_of_fen(fen.sum())
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
                offers += create_offers(run, version, matcher, snapshot.usccs, rows, fen)
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
