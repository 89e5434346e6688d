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
is covered; then, below two officers, any unrelated officer of the first department, from a start of its own that is
drawn for every visit (version 2: each visit takes a fixed number of random starts, so all are drawn at once).
``tools/verify_draw.py`` re-implements this with the standard library only; the two must agree.
"""

from __future__ import annotations

import gc
import hashlib
import json
import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

ALGORITHM = "yiwang-draw/2"
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
    """SM3(seed ‖ counter) as a stream of 64-bit integers; ``below(m)`` is unbiased (rejection sampling).

    Each digest gives four big-endian 64-bit words in order; digests are made in batches, which changes nothing
    of the stream's values or order.
    """

    _BATCH = 64

    def __init__(self, seed_hex: str) -> None:
        self._seed = bytes.fromhex(seed_hex)
        self._counter = 0
        self._buffer: tuple[int, ...] = ()
        self._pos = 0

    def _refill(self) -> None:
        seed, first = self._seed, self._counter
        digests = b"".join(
            hashlib.new("sm3", seed + c.to_bytes(8, "big")).digest() for c in range(first, first + self._BATCH)
        )
        self._counter = first + self._BATCH
        self._buffer = struct.unpack(f">{4 * self._BATCH}Q", digests)
        self._pos = 0

    def below(self, m: int) -> int:
        limit = _TWO64 - _TWO64 % m
        while True:
            if self._pos == len(self._buffer):
                self._refill()
            u = self._buffer[self._pos]
            self._pos += 1
            if u < limit:
                return u % m

    def belows(self, moduli: Sequence[int]) -> list[int]:
        """``[self.below(m) for m in moduli]``, computed in bulk when no word is rejected (almost always)."""
        if not moduli:
            return []
        state = (self._counter, self._buffer, self._pos)
        words = self._words(len(moduli))
        m = np.asarray(moduli, dtype=np.uint64)
        remainder = (np.uint64(0) - m) % m  # 2**64 mod m, in uint64 arithmetic
        rejected = (remainder != 0) & (words >= np.uint64(0) - remainder)
        if not rejected.any():
            return (words % m).tolist()
        self._counter, self._buffer, self._pos = state
        return [self.below(int(x)) for x in moduli]

    def _words(self, n: int) -> np.ndarray:
        """The next ``n`` words of the stream as uint64 (consumed)."""
        head = np.asarray(self._buffer[self._pos : self._pos + n], dtype=np.uint64)
        self._pos += len(head)
        missing = n - len(head)
        if not missing:
            return head
        digests = -(-missing // 4)
        seed, first = self._seed, self._counter
        raw = b"".join(hashlib.new("sm3", seed + c.to_bytes(8, "big")).digest() for c in range(first, first + digests))
        self._counter = first + digests
        tail = np.frombuffer(raw, dtype=">u8").astype(np.uint64)
        self._buffer, self._pos = tuple(tail[missing:].tolist()), 0
        return np.concatenate([head, tail[:missing]])


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
    for k, r in enumerate(stream.belows(range(m, m - n, -1))):
        j = k + r
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
        self.covers: dict[tuple[int, tuple[str, ...], int], tuple[tuple[int, ...], frozenset[str]]] = {}

    def related_to(self, target: int) -> set[int]:
        by_key = self.by_key
        related: set[int] = set()
        for key in self.data.target_keys[target].split(","):
            if key in by_key:
                related.update(by_key[key])
        return related

    def free(self, o: int, chosen: list[int], related: set[int]) -> bool:
        return o not in related and o not in chosen and not (self.cap and self.load[o] >= self.cap)


def _greedy(
    officers: _Officers, pool: list[int], needed: set[str], start: int, related: set[int]
) -> tuple[tuple[int, ...], frozenset[str]]:
    """From ``start`` round the pool, each officer who covers a still-needed item and is free is taken."""
    picks: list[int] = []
    items = officers.data.officer_items
    cap, load = officers.cap, officers.load
    size = len(pool)
    for k in range(size):
        if not needed:
            break
        o = pool[(start + k) % size]
        covers = items[o] & needed
        if covers and o not in related and not (cap and load[o] >= cap):
            picks.append(o)
            needed -= covers
    return tuple(picks), frozenset(needed)


def _cover(
    officers: _Officers, pool: list[int], items: tuple[str, ...], start: int, related: set[int]
) -> tuple[tuple[int, ...], frozenset[str]]:
    if not officers.cap:
        # Without a load cap the greedy cover from ``start`` depends only on the pool, the items and the start
        # (departments' pools are disjoint, so officers chosen for another department never meet here): computed
        # once and reused. If an officer related to this object is among its picks, it is computed for this object.
        key = (id(pool), items, start)
        cached = officers.covers.get(key)
        if cached is None:
            cached = officers.covers[key] = _greedy(officers, pool, set(items), start, set())
        if not related or related.isdisjoint(cached[0]):
            return cached
    return _greedy(officers, pool, set(items), start, related)


def _top_up(officers: _Officers, pool: list[int], chosen: list[int], related: set[int], start: int) -> None:
    size = len(pool)
    for k in range(size):
        if len(chosen) >= MIN_OFFICERS:
            return
        o = pool[(start + k) % size]
        if officers.free(o, chosen, related):
            chosen.append(o)
            officers.load[o] += 1


_Layout = tuple[tuple[tuple[str, tuple[str, ...], list[int], list[int] | None], ...], list[int] | None]


def _staff(data: DrawInput, drawn: dict[int, list[int]], stream: RandomStream) -> list[dict[str, Any]]:
    tasks: Sequence[dict[str, Any]] = data.plan["tasks"]
    officers = _Officers(data, int(data.plan.get("max_visits_per_officer", 0)))
    targets = sorted(drawn)
    # A visit's parts depend only on which tasks drew the object: laid out once per combination. Each visit takes
    # one random start per department with officers, and one for the top-up from its first department's roster
    # (taken whether or not it is needed), so every start is known before matching and drawn in one batch.
    layouts: dict[tuple[int, ...], _Layout] = {}
    plan_of: list[_Layout] = []
    moduli: list[int] = []
    for target in targets:
        task_ids = tuple(drawn[target])
        layout = layouts.get(task_ids)
        if layout is None:
            by_department: dict[str, list[int]] = {}
            for t in task_ids:
                by_department.setdefault(tasks[t]["department"], []).append(t)
            parts = tuple(
                (
                    d,
                    tuple(sorted({item["code"] for t in by_department[d] for item in tasks[t]["items"]})),
                    by_department[d],
                    officers.pools.get(d),
                )
                for d in sorted(by_department)
            )
            layout = layouts[task_ids] = (parts, parts[0][3])
        plan_of.append(layout)
        moduli.extend(len(part[3]) for part in layout[0] if part[3])
        if layout[1]:
            moduli.append(len(layout[1]))
    starts = iter(stream.belows(moduli))
    codes = data.officer_codes
    visits = []
    for target, (parts, first_pool) in zip(targets, plan_of, strict=True):
        related = officers.related_to(target)
        chosen: list[int] = []
        problems: list[str] = []
        for department, items, _tasks, pool in parts:
            if pool:
                picks, missing = _cover(officers, pool, items, next(starts), related)
                chosen.extend(picks)
                for o in picks:
                    officers.load[o] += 1
            else:
                missing = frozenset(items)
            if missing:
                problems.extend(f"{department}:{code}" for code in sorted(missing))
        if first_pool:
            start = next(starts)
            if len(chosen) < MIN_OFFICERS:
                _top_up(officers, first_pool, chosen, related, start)
        if len(chosen) < MIN_OFFICERS:
            problems.append("officers<2")
        visits.append(
            {
                "target": data.target_codes[target],
                "parts": [{"department": d, "items": list(i), "tasks": list(t)} for d, i, t, _p in parts],
                "officers": [codes[o] for o in chosen],
                "unstaffed": problems,
            }
        )
    return visits


def run_draw(data: DrawInput, seed: str) -> DrawResult:
    """Draw the objects, merge them into visits and match officers, deterministically from ``seed``."""
    stream = RandomStream(seed)
    # The draw creates a few hundred thousand small containers and frees none: the cyclic collector would scan
    # the rosters again and again for nothing (measured: more than half the time at 1M firms).
    collecting = gc.isenabled()
    gc.disable()
    try:
        drawn, counts = _draw_objects(data, stream)
        return DrawResult(visits=_staff(data, drawn, stream), counts=counts)
    finally:
        if collecting:
            gc.enable()


def iter_pairs(result: DrawResult) -> Iterator[tuple[str, str]]:
    """(object code, officer certificate) of every match, for recusal checks."""
    for visit in result.visits:
        for officer in visit["officers"]:
            yield visit["target"], officer
