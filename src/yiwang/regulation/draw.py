"""The verifiable 双随机 draw: pure, deterministic from the seed, vectorised with numpy. Imports nothing of Django.

The published files of a draw are three texts (UTF-8, ``\\n`` line ends):

``plan.json``      canonical JSON (keys sorted, no spaces): the algorithm, the tasks (department, items, item kind,
                   sampling ratios in basis points per credit-risk class, targeted industries), the officers-per-visit
                   rules and the named randomness source;
``targets.tsv``    the roster of inspected objects, sorted by code: ``code  class  excluded  industry  keys``;
``officers.tsv``   the roster of officers, sorted by certificate number: ``certificate  department  items  keys``.

``keys`` are comma-separated recusal keys: truncated SM3 hashes of an address, a person or an entity (回避). An
officer and an object that share a key are related (same address; the officer, or a relative, is the legal
representative; the officer worked for the entity) and are never matched. The hashes reveal no address or name.

commitment = SM3 of ``algorithm \\n SM3(plan) \\n SM3(targets) \\n SM3(officers) \\n``, published before the
randomness exists; seed = SM3 of ``yiwang-draw-seed/1 \\n commitment \\n canonical randomness \\n``; the random stream
is SM3(seed ‖ counter) read as big-endian 64-bit integers. Per task and class (A, B, C, D in order) the eligible
objects (roster order; not excluded by the frequency limit; in a targeted industry) are sampled by a partial
Fisher–Yates shuffle of ⌈m × ratio⌉ picks. An object drawn by several tasks is one visit (综合查一次). Visits in roster
order get officers per department (departments by code): from a random start, round the department's roster, the
first officer not related to the object, below the load cap, qualified for an item still uncovered, until every item
is covered; then, below two officers, any unrelated officer of the first department. ``tools/verify_draw.py``
re-implements this with the standard library only; the two must agree.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ALGORITHM = "yiwang-draw/1"
CLASSES = "ABCD"
MIN_OFFICERS = 2  # 《行政处罚法》第四十二条：执法人员不得少于两人
_TWO64 = 1 << 64

__all__ = [
    "ALGORITHM",
    "CLASSES",
    "DrawInput",
    "DrawResult",
    "RandomStream",
    "canonical_json",
    "canonical_randomness",
    "commitment_of",
    "recusal_key",
    "run_draw",
    "seed_of",
    "sm3_hex",
]


def sm3_hex(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def recusal_key(kind: str, value: str) -> str:
    """The published form of a relation key: 16 hex of SM3("kind:value"), e.g. ``recusal_key("addr", "…路1号")``."""
    return sm3_hex(f"{kind}:{value.strip()}".encode())[:16]


def commitment_of(plan_json: str, targets_tsv: str, officers_tsv: str) -> str:
    """The commitment published before the draw: it binds both rosters, the plan and the algorithm's version."""
    manifest = "\n".join(
        [ALGORITHM, sm3_hex(plan_json.encode()), sm3_hex(targets_tsv.encode()), sm3_hex(officers_tsv.encode()), ""]
    )
    return sm3_hex(manifest.encode())


def canonical_randomness(source: str, value: str) -> str:
    """The randomness as hashed: a beacon round's hex, or lottery numbers in the manner of RFC 3797.

    For a lottery each line is one source; its numbers are sorted ascending, each followed by ``.``, and the source
    ends with ``/`` (``"45 9 18"`` → ``"9.18.45./"``). A beacon value is its lower-case hex followed by ``/``.
    """
    if source == "beacon":
        text = value.strip().lower()
        if not text or any(ch not in "0123456789abcdef" for ch in text):
            raise ValueError("a beacon value is hexadecimal")
        return text + "/"
    if source == "lottery":
        parts = []
        for line in value.strip().splitlines():
            numbers = sorted(int(tok) for tok in line.replace(",", " ").split())
            if numbers:
                parts.append("".join(f"{n}." for n in numbers) + "/")
        if not parts:
            raise ValueError("a lottery result has at least one number")
        return "".join(parts)
    raise ValueError(f"unknown randomness source {source!r}")


def seed_of(commitment: str, randomness: str) -> str:
    return sm3_hex(f"yiwang-draw-seed/1\n{commitment}\n{randomness}\n".encode())


class RandomStream:
    """SM3(seed ‖ counter) as a stream of 64-bit integers; ``below(m)`` is unbiased (rejection sampling)."""

    def __init__(self, seed_hex: str) -> None:
        self._seed = bytes.fromhex(seed_hex)
        self._counter = 0
        self._buffer: list[int] = []

    def _refill(self) -> None:
        digest = hashlib.new("sm3", self._seed + self._counter.to_bytes(8, "big")).digest()
        self._counter += 1
        self._buffer = [int.from_bytes(digest[i : i + 8], "big") for i in (24, 16, 8, 0)]  # popped from the end

    def next64(self) -> int:
        if not self._buffer:
            self._refill()
        return self._buffer.pop()

    def below(self, m: int) -> int:
        limit = _TWO64 - _TWO64 % m
        while True:
            u = self.next64()
            if u < limit:
                return u % m


@dataclass
class DrawInput:
    """A draw's inputs as arrays: the plan's tasks and both rosters in roster order."""

    plan: dict[str, Any]
    target_codes: list[str]
    classes: np.ndarray  # uint8, 0..3 for A..D
    excluded: np.ndarray  # bool
    industry_ids: np.ndarray  # int32 index into industries
    industries: list[str]
    target_keys: list[str]  # comma-separated, parsed only for drawn objects
    officer_codes: list[str]
    officer_departments: list[str]
    officer_items: list[frozenset[str]]
    officer_keys: list[tuple[str, ...]]

    @classmethod
    def from_files(cls, plan_json: str, targets_tsv: str, officers_tsv: str) -> DrawInput:
        plan = json.loads(plan_json)
        if plan.get("algorithm") != ALGORITHM:
            raise ValueError(f"this engine runs {ALGORITHM}, not {plan.get('algorithm')!r}")
        codes: list[str] = []
        class_list: list[int] = []
        excluded_list: list[bool] = []
        industry_index: dict[str, int] = {}
        industry_list: list[int] = []
        keys: list[str] = []
        for line in targets_tsv.splitlines():
            code, klass, excluded, industry, key_field = line.split("\t")
            codes.append(code)
            class_list.append(CLASSES.index(klass))
            excluded_list.append(excluded == "1")
            industry_list.append(industry_index.setdefault(industry, len(industry_index)))
            keys.append(key_field)
        officer_codes, departments, items, officer_keys = [], [], [], []
        for line in officers_tsv.splitlines():
            code, department, item_field, key_field = line.split("\t")
            officer_codes.append(code)
            departments.append(department)
            items.append(frozenset(filter(None, item_field.split(","))))
            officer_keys.append(tuple(filter(None, key_field.split(","))))
        return cls(
            plan=plan,
            target_codes=codes,
            classes=np.array(class_list, dtype=np.uint8),
            excluded=np.array(excluded_list, dtype=bool),
            industry_ids=np.array(industry_list, dtype=np.int32),
            industries=list(industry_index),
            target_keys=keys,
            officer_codes=officer_codes,
            officer_departments=departments,
            officer_items=items,
            officer_keys=officer_keys,
        )


@dataclass
class DrawResult:
    visits: list[dict[str, Any]]
    counts: list[dict[str, list[int]]] = field(default_factory=list)

    def as_document(self, commitment: str, seed: str) -> dict[str, Any]:
        return {
            "algorithm": ALGORITHM,
            "commitment": commitment,
            "seed": seed,
            "counts": self.counts,
            "visits": self.visits,
        }

    def canonical(self, commitment: str, seed: str) -> str:
        return canonical_json(self.as_document(commitment, seed))


def _quota(m: int, ratio_bp: int) -> int:
    return (m * ratio_bp + 9999) // 10000


def _sample(eligible: np.ndarray, n: int, stream: RandomStream) -> list[int]:
    """The first ``n`` of a partial Fisher–Yates shuffle of ``eligible`` (consumes ``n`` draws of ``stream``)."""
    pool = eligible.tolist()
    m = len(pool)
    for k in range(n):
        j = k + stream.below(m - k)
        pool[k], pool[j] = pool[j], pool[k]
    return pool[:n]


def _eligible_mask(data: DrawInput, task: dict[str, Any]) -> np.ndarray:
    mask = ~data.excluded
    prefixes = tuple(task.get("industries") or ())
    if prefixes:
        wanted = np.array([code.startswith(prefixes) for code in data.industries], dtype=bool)
        mask &= wanted[data.industry_ids]
    return mask


def _draw_objects(data: DrawInput, stream: RandomStream) -> tuple[dict[int, list[int]], list[dict[str, list[int]]]]:
    drawn: dict[int, list[int]] = {}
    counts: list[dict[str, list[int]]] = []
    for t, task in enumerate(data.plan["tasks"]):
        mask = _eligible_mask(data, task)
        task_counts: dict[str, list[int]] = {}
        for c, klass in enumerate(CLASSES):
            eligible = np.flatnonzero(mask & (data.classes == c))
            n = _quota(len(eligible), int(task["ratios_bp"].get(klass, 0)))
            for index in _sample(eligible, n, stream):
                drawn.setdefault(index, []).append(t)
            task_counts[klass] = [len(eligible), n]
        counts.append(task_counts)
    return drawn, counts


class _Officers:
    """The officer roster indexed for matching: pools by department, relation keys to officers, loads."""

    def __init__(self, data: DrawInput, cap: int) -> None:
        self.data = data
        self.cap = cap
        self.pools: dict[str, list[int]] = {}
        self.by_key: dict[str, list[int]] = {}
        for o, department in enumerate(data.officer_departments):
            self.pools.setdefault(department, []).append(o)
            for key in data.officer_keys[o]:
                self.by_key.setdefault(key, []).append(o)
        self.load = [0] * len(data.officer_codes)

    def related_to(self, target: int) -> set[int]:
        related: set[int] = set()
        for key in self.data.target_keys[target].split(","):
            related.update(self.by_key.get(key, ()))
        return related

    def free(self, o: int, chosen: list[int], related: set[int]) -> bool:
        return o not in related and o not in chosen and not (self.cap and self.load[o] >= self.cap)


def _cover(
    officers: _Officers, pool: list[int], needed: set[str], chosen: list[int], related: set[int], stream: RandomStream
) -> set[str]:
    start = stream.below(len(pool))
    for k in range(len(pool)):
        o = pool[(start + k) % len(pool)]
        if not needed:
            break
        covers = officers.data.officer_items[o] & needed
        if covers and officers.free(o, chosen, related):
            chosen.append(o)
            officers.load[o] += 1
            needed -= covers
    return needed


def _top_up(officers: _Officers, pool: list[int], chosen: list[int], related: set[int], stream: RandomStream) -> None:
    start = stream.below(len(pool))
    for k in range(len(pool)):
        if len(chosen) >= MIN_OFFICERS:
            return
        o = pool[(start + k) % len(pool)]
        if officers.free(o, chosen, related):
            chosen.append(o)
            officers.load[o] += 1


def _staff(data: DrawInput, drawn: dict[int, list[int]], stream: RandomStream) -> list[dict[str, Any]]:
    tasks: Sequence[dict[str, Any]] = data.plan["tasks"]
    officers = _Officers(data, int(data.plan.get("max_visits_per_officer", 0)))
    visits = []
    for target in sorted(drawn):
        by_department: dict[str, list[int]] = {}
        for t in drawn[target]:
            by_department.setdefault(tasks[t]["department"], []).append(t)
        related = officers.related_to(target)
        chosen: list[int] = []
        parts: list[dict[str, Any]] = []
        problems: list[str] = []
        for department in sorted(by_department):
            items = sorted({item["code"] for t in by_department[department] for item in tasks[t]["items"]})
            parts.append({"department": department, "items": items, "tasks": by_department[department]})
            pool = officers.pools.get(department, [])
            missing = _cover(officers, pool, set(items), chosen, related, stream) if pool else set(items)
            problems.extend(f"{department}:{code}" for code in sorted(missing))
        first_pool = officers.pools.get(min(by_department), [])
        if len(chosen) < MIN_OFFICERS and first_pool:
            _top_up(officers, first_pool, chosen, related, stream)
        if len(chosen) < MIN_OFFICERS:
            problems.append("officers<2")
        visits.append(
            {
                "target": data.target_codes[target],
                "parts": parts,
                "officers": [data.officer_codes[o] for o in chosen],
                "unstaffed": problems,
            }
        )
    return visits


def run_draw(data: DrawInput, seed: str) -> DrawResult:
    """Draw the objects, merge them into visits and match officers, deterministically from ``seed``."""
    stream = RandomStream(seed)
    drawn, counts = _draw_objects(data, stream)
    return DrawResult(visits=_staff(data, drawn, stream), counts=counts)


def iter_pairs(result: DrawResult) -> Iterator[tuple[str, str]]:
    """(object code, officer certificate) of every match, for recusal checks."""
    for visit in result.visits:
        for officer in visit["officers"]:
            yield visit["target"], officer
