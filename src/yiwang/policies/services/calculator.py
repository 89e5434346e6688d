"""政策计算器: one entity against every published policy, with amounts and near misses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from yiwang.policies.facts import entity_facts, is_matched
from yiwang.policies.rulesets import (
    calculator_for,
    published_version_ids,
)
from yiwang.registries.models import LegalEntity


def calculator(entity: LegalEntity, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """政策计算器: the published policies one entity qualifies for (with amounts) and near misses (what is missing).

    Same rules as a matching run: an entity that runs do not match (revoked, cancelled) qualifies for nothing.
    """
    version_ids = published_version_ids()
    if not version_ids or not is_matched(entity):
        return {"eligible": [], "unknown": [], "near_misses": []}
    return calculator_for(version_ids, as_of or timezone.localdate()).calculate(entity_facts(entity)).as_dict()
