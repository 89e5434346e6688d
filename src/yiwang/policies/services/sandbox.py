"""政策沙盘: what a draft of the rules would change in coverage and cost, on today's data (nothing saved)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.policies.facts import entity_snapshot
from yiwang.policies.models import (
    Policy,
)
from yiwang.policies.rulesets import (
    new_matcher,
    parse_rules,
)
from yiwang.rules import what_if


def sandbox(policy: Policy, draft_yaml: str, *, actor: User | None = None, sample: int = 20) -> dict[str, Any]:
    """政策沙盘: how a draft of the rules changes coverage and cost against the current version, on today's data."""
    if actor is not None:
        require_acts_for(actor, policy.department)
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
