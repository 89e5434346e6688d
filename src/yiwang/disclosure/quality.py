"""Quality of the Q&A on a labelled question set: nDCG@5 of the retrieval and the accuracy of the answer.

A question is answered correctly when it gets an answer whose first citation is relevant, or, for a question
marked ``unknown``, when it gets "I don't know" (and so a person). nDCG@5 uses binary relevance over the ranked
passages; the ideal ranking puts every relevant passage of the index first (at most five).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Quality", "measure"]


@dataclass(frozen=True)
class Quality:
    questions: int
    ndcg_at_5: float
    accuracy: float
    known_accuracy: float
    unknown_accuracy: float
    misses: list[str] = field(default_factory=list)


def _relevant(ref: str, prefixes: Sequence[str]) -> bool:
    return any(p in ref for p in prefixes)


def measure(
    labelled: Sequence[dict[str, Any]], answer: Callable[[str], dict[str, Any]], all_refs: Sequence[str]
) -> Quality:
    """Run ``answer`` on every labelled question; ``all_refs`` are the index's passage refs (for the ideal DCG)."""
    gains, known, unknown, misses = [], [], [], []
    for row in labelled:
        result = answer(row["q"])
        if row.get("unknown"):
            ok = result["kind"] == "unknown"
            unknown.append(ok)
        else:
            prefixes = row["relevant"]
            ranked = [h["ref"] for h in result.get("hits", [])][:5]
            dcg = sum(1 / math.log2(i + 2) for i, ref in enumerate(ranked) if _relevant(ref, prefixes))
            ideal_n = min(5, sum(1 for ref in all_refs if _relevant(ref, prefixes)))
            ideal = sum(1 / math.log2(i + 2) for i in range(ideal_n))
            gains.append(dcg / ideal if ideal else 0.0)
            cited = result.get("citations") or []
            ok = result["kind"] == "answer" and bool(cited) and _relevant(cited[0]["ref"], prefixes)
            known.append(ok)
        if not ok:
            misses.append(row["q"])
    every = known + unknown
    return Quality(
        questions=len(every),
        ndcg_at_5=sum(gains) / len(gains) if gains else 0.0,
        accuracy=sum(every) / len(every) if every else 0.0,
        known_accuracy=sum(known) / len(known) if known else 0.0,
        unknown_accuracy=sum(unknown) / len(unknown) if unknown else 0.0,
        misses=misses,
    )
