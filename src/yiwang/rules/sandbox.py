"""政策沙盘: the effect of a draft policy version against the current one, over the loaded snapshot.

Entities gained and lost and the cost delta (amount formula over the matched rows only) let officials see a
change's coverage and budget before publishing it. The draft may use new conditions: their atoms are
evaluated on demand and shared with everything else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np

from .bitmaps import popcount, rows_of
from .matching import Matcher
from .policy import PolicyDef, yuan_of_fen
from .predicates import conjunction_terms, literals_of


@dataclass
class SandboxResult:
    policy_id: str
    current_count: int
    draft_count: int
    gained: int
    lost: int
    current_cost: Decimal
    draft_cost: Decimal
    gained_rows: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))
    lost_rows: np.ndarray = field(repr=False, default_factory=lambda: np.zeros(0, np.int64))

    @property
    def cost_delta(self) -> Decimal:
        return self.draft_cost - self.current_cost

    def as_dict(self) -> dict[str, Any]:
        return {
            "policy_id": self.policy_id,
            "current_count": self.current_count,
            "draft_count": self.draft_count,
            "gained": self.gained,
            "lost": self.lost,
            "current_cost": str(self.current_cost),
            "draft_cost": str(self.draft_cost),
            "cost_delta": str(self.cost_delta),
        }


def _words(matcher: Matcher, policy: PolicyDef) -> np.ndarray:
    store = matcher._store()
    formula = matcher.registry.formula(policy.condition)
    store.ensure_literals(literals_of(formula))
    return store.conjunction([store.formula_set(t) for t in conjunction_terms(formula)])


def what_if(matcher: Matcher, draft: PolicyDef, current_id: str | None = None) -> SandboxResult:
    """Compare ``draft`` with the loaded policy ``current_id`` (default: the draft's id; none = a new policy)."""
    store = matcher._store()
    base_id = current_id or draft.id
    current = matcher.policies[matcher.index[base_id]] if base_id in matcher.index else None
    new = _words(matcher, draft)
    old = _words(matcher, current) if current else np.zeros(store.n_words, np.uint64)
    gained, lost = new & ~old, old & ~new
    new_rows = rows_of(new)
    draft_cost = yuan_of_fen(matcher.amounts_fen(draft, new_rows).sum())
    current_cost = yuan_of_fen(matcher.amounts_fen(current, rows_of(old)).sum()) if current else Decimal("0.00")
    return SandboxResult(
        policy_id=draft.id,
        current_count=popcount(old),
        draft_count=len(new_rows),
        gained=popcount(gained),
        lost=popcount(lost),
        current_cost=current_cost,
        draft_cost=draft_cost,
        gained_rows=rows_of(gained),
        lost_rows=rows_of(lost),
    )
