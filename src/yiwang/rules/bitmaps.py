"""Packed predicate bitmaps and the per-policy AND over them: the fast core of 免申即享 matching.

Each distinct atom is evaluated once over the snapshot into packed bits (uint64 words, 64 entities a word):
its *true set* (present and holds) and, when some policy negates it, its *false set* (present and fails).
A compound term (an ``or`` inside a policy) is one more shared set. A policy is then an AND of sets. Policies
are visited in sorted order of their set sequences, so that a shared prefix (district ∧ 小微 ∧ credit …) is
ANDed once (a trie walked depth first); a very rare first set is walked as a row list, and every AND touches
only the words where all its sets can be non-zero (shared predicate bitmaps, ANDed in order of selectivity,
as ``README.md`` of this package describes). Measured here, row lists only pay for very rare sets: a bitmap
AND handles 64 entities per instruction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

import numpy as np

from .columnar import FactTable
from .predicates import AtomRegistry, Formula, atom_hits

SetKey = tuple[Any, ...]  # ("T", atom) | ("F", atom) | ("C", formula)
SPARSE_FACTOR = 8  # a first set with fewer than n_words / 8 rows is walked as a row list


@dataclass
class WalkPlan:
    """Policies as ordered set-id sequences, visited in sorted order; ``common[j]`` is the length of the
    prefix the j-th visited sequence shares with the one before (its AND is reused)."""

    seqs: list[tuple[int, ...]]
    order: list[int]
    common: list[int]
    depth: int


def pack(bits: np.ndarray, n_words: int) -> np.ndarray:
    """Bool array → uint64 words, bit i of the table in word i // 64 (little bit order)."""
    out = np.zeros(n_words * 8, np.uint8)
    packed = np.packbits(bits, bitorder="little")
    out[: len(packed)] = packed
    return out.view(np.uint64)


def popcount(words: np.ndarray) -> int:
    return int(np.bitwise_count(words).sum(dtype=np.int64))


def word_range(words: np.ndarray) -> tuple[int, int]:
    """[first, last + 1) of the non-zero words; (0, 0) for an empty set."""
    nz = np.flatnonzero(words)
    return (int(nz[0]), int(nz[-1]) + 1) if len(nz) else (0, 0)


def rows_of(words: np.ndarray) -> np.ndarray:
    """Indices of the set bits, ascending; cost proportional to the non-zero words."""
    nz = np.flatnonzero(words)
    if not len(nz):
        return np.zeros(0, np.int64)
    bits = np.unpackbits(words[nz].view(np.uint8), bitorder="little").reshape(-1, 64)
    r, c = np.nonzero(bits)
    return nz[r].astype(np.int64) * 64 + c


def bits_at(words: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Bool per row: whether its bit is set in ``words``."""
    return ((words.view(np.uint8)[rows >> 3] >> (rows & 7).astype(np.uint8)) & 1).astype(bool)


class BitmapStore:
    """The sets of one snapshot, by key; ``valid`` (optional) excludes padding rows from every set."""

    def __init__(
        self, registry: AtomRegistry, table: FactTable, valid: np.ndarray | None = None, threads: int = 2
    ) -> None:
        self.registry, self.table, self.valid, self.threads = registry, table, valid, threads
        self.n_rows = table.n_rows
        self.n_words = (table.n_rows + 63) // 64
        self.ids: dict[SetKey, int] = {}
        self.keys: list[SetKey] = []
        self.words: list[np.ndarray] = []
        self.counts: list[int] = []
        self.ranges: list[tuple[int, int]] = []  # [first, last + 1) non-zero word of each set
        self._rows: dict[int, np.ndarray] = {}
        self._masks: dict[int, tuple[np.ndarray | None, np.ndarray]] = {}
        self._tail_words: np.ndarray | None = None

    def _add(self, key: SetKey, words: np.ndarray) -> int:
        self.ids[key] = len(self.keys)
        self.keys.append(key)
        self.words.append(words)
        self.counts.append(popcount(words))
        self.ranges.append(word_range(words))
        return self.ids[key]

    def _mask_words(self, present: np.ndarray | None) -> np.ndarray | None:
        """Packed presence mask of a column combined with ``valid`` (cached per mask array)."""
        if present is None and self.valid is None:
            return None
        key = id(present)
        cached = self._masks.get(key)
        if cached is None or cached[0] is not present:
            mask = self.valid if present is None else present if self.valid is None else present & self.valid
            assert mask is not None
            cached = self._masks[key] = (present, pack(mask, self.n_words))
        return cached[1]

    def _atom_sets(self, atom: int, want_false: bool) -> list[tuple[SetKey, np.ndarray]]:
        """True set = present ∧ holds; false set = present ∧ ¬holds (``present`` atoms are never unknown)."""
        key = self.registry.keys[atom]
        col = self.table.column(key[0])
        hits = pack(atom_hits(key, col), self.n_words)
        known = self._mask_words(None if key[1] == "present" else col.present)
        tail = self._tail()
        true = hits if known is None else hits & known
        out = [(("T", atom), true)]
        if want_false:
            false = ~hits & (known if known is not None else tail)
            out.append((("F", atom), false))
        return out

    def _tail(self) -> np.ndarray:
        """All-ones words over the real rows (zero past ``n_rows``), so that negation stays in the table."""
        if self._tail_words is None:
            self._tail_words = pack(np.ones(self.n_rows, bool), self.n_words)
        return self._tail_words

    def ensure_literals(self, literals: Iterable[tuple[int, bool]]) -> None:
        """Evaluate every needed atom once (in threads: numpy releases the GIL in its loops)."""
        wanted: dict[int, bool] = {}
        for atom, neg in literals:
            if ("T", atom) not in self.ids or (neg and ("F", atom) not in self.ids):
                wanted[atom] = wanted.get(atom, False) or neg or ("F", atom) in self.ids
        if not wanted:
            return
        with ThreadPoolExecutor(max(1, self.threads)) as pool:
            results = list(pool.map(lambda item: self._atom_sets(*item), wanted.items()))
        for sets in results:
            for key, words in sets:
                if key not in self.ids:
                    self._add(key, words)

    def literal(self, atom: int, negated: bool) -> int:
        set_id = self.ids.get(("F" if negated else "T", atom))
        if set_id is None:
            self.ensure_literals([(atom, negated)])
            set_id = self.ids[("F" if negated else "T", atom)]
        return set_id

    def formula_set(self, formula: Formula) -> int:
        """The set id of any formula: a literal's own set, or a compound computed once and memoised."""
        if formula[0] == "lit":
            return self.literal(formula[1], formula[2])
        key = ("C", formula)
        if key in self.ids:
            return self.ids[key]
        parts = [self.words[self.formula_set(f)] for f in formula[1]]
        out = parts[0].copy()
        op = np.bitwise_and if formula[0] == "and" else np.bitwise_or
        for words in parts[1:]:
            op(out, words, out=out)
        return self._add(key, out)

    def replicate(self, other: BitmapStore) -> None:
        """Evaluate ``other``'s sets on our table, in the same order, so that set ids are the same."""
        for key in other.keys:
            if key in self.ids:
                continue
            if key[0] == "C":
                self.formula_set(key[1])
            else:  # exactly this set, so that ids keep the other store's order
                self._add(key, dict(self._atom_sets(key[1], key[0] == "F"))[key])
        assert self.keys == other.keys

    def rows(self, set_id: int) -> np.ndarray:
        cached = self._rows.get(set_id)
        if cached is None:
            cached = self._rows[set_id] = rows_of(self.words[set_id])
        return cached

    def conjunction(self, seq: Sequence[int]) -> np.ndarray:
        """The words of an AND of sets (a fresh array)."""
        out = self.words[seq[0]].copy()
        for s in seq[1:]:
            np.bitwise_and(out, self.words[s], out=out)
        return out

    def plan(self, term_lists: Sequence[Sequence[Formula]]) -> WalkPlan:
        """Order each policy's sets and all policies for the walk.

        Within a policy: a very rare set first (walked as a row list: the rarest-first start of the
        reference), then sets clustered on a narrow word range (the district in a USCC-ordered snapshot),
        then the sets most policies share, so that sorted policies share long prefixes and each prefix
        AND is computed once.
        """
        raw = [{self.formula_set(t) for t in terms} for terms in term_lists]
        usage = Counter(s for ids in raw for s in ids)
        half = self.n_words / 2

        def key(s: int) -> tuple[int, int, int, int, int]:
            lo, hi = self.ranges[s]
            sparse = self.counts[s] * SPARSE_FACTOR < self.n_words
            return (0 if sparse else 1, 0 if hi - lo < half else 1, -usage[s], self.counts[s], s)

        keys = {s: key(s) for s in usage}
        seqs = [tuple(sorted(ids, key=keys.__getitem__)) for ids in raw]
        order = sorted(range(len(seqs)), key=seqs.__getitem__)
        common = [0] * len(order)
        prev: tuple[int, ...] = ()
        for j, i in enumerate(order):
            seq, c = seqs[i], 0
            for a, b in zip(prev, seq, strict=False):
                if a != b:
                    break
                c += 1
            common[j], prev = c, seq
        for seq in seqs:
            if seq and self.counts[seq[0]] * SPARSE_FACTOR < self.n_words:
                self.rows(seq[0])
        return WalkPlan(seqs, order, common, max((len(q) for q in seqs), default=0))

    def count(self, plan: WalkPlan, segments: Sequence[int] | None = None) -> np.ndarray:
        """Matches per policy of the plan; with word ``segments`` [0, a, b, …] the counts per segment.

        Depth first over the sorted sequences; ``stack[d]`` is the AND of a policy's first d + 1 sets,
        kept as a row list (sparse) or as words valid on the range [lo, hi) (zero outside it).
        """
        bounds = list(segments) if segments else [0, self.n_words]
        out = np.zeros((len(plan.seqs), len(bounds) - 1), np.int64)
        parts = _split(plan, self.threads)
        if len(parts) == 1:
            self._count_part(plan, 0, len(plan.order), bounds, out)
        else:  # numpy releases the GIL inside each AND: the two walks overlap
            with ThreadPoolExecutor(len(parts)) as pool:
                list(pool.map(lambda p: self._count_part(plan, p[0], p[1], bounds, out), parts))
        return out

    def _count_part(self, plan: WalkPlan, start: int, stop: int, bounds: list[int], out: np.ndarray) -> None:
        """Walk the visiting positions [start, stop) of the plan, writing counts into ``out``."""
        buffers = [np.empty(self.n_words, np.uint64) for _ in range(plan.depth)]
        counts_buf = np.empty(self.n_words, np.uint8)
        row_bounds = np.array(bounds) * 64
        empty = np.zeros(0, np.int64)
        words, ranges, rows = self.words, self.ranges, self._rows
        bitwise_and, bitwise_count = np.bitwise_and, np.bitwise_count
        stack: list[tuple[bool, np.ndarray, int, int]] = []  # (is_rows, data, lo, hi)
        for j in range(start, stop):
            i = plan.order[j]
            seq = plan.seqs[i]
            del stack[plan.common[j] if j > start else 0 :]
            common = len(stack)
            for d in range(common, len(seq)):
                s = seq[d]
                lo, hi = ranges[s]
                if d == 0:
                    sparse = s in rows
                    stack.append((sparse, rows[s] if sparse else words[s], lo, hi))
                    continue
                is_rows, data, plo, phi = stack[d - 1]
                if is_rows:
                    stack.append((True, data[bits_at(words[s], data)] if len(data) else data, 0, 0))
                    continue
                lo = plo if plo > lo else lo
                hi = phi if phi < hi else hi
                if lo >= hi:
                    stack.append((True, empty, 0, 0))
                    continue
                buf = buffers[d]
                bitwise_and(data[lo:hi], words[s][lo:hi], out=buf[lo:hi])
                stack.append((False, buf, lo, hi))
            is_rows, data, lo, hi = stack[-1]
            if is_rows:
                out[i] = np.diff(np.searchsorted(data, row_bounds))
            elif len(bounds) == 2:
                out[i, 0] = int(bitwise_count(data[lo:hi], out=counts_buf[lo:hi]).sum(dtype=np.int64))
            else:
                for k in range(len(bounds) - 1):
                    a, b = max(bounds[k], lo), min(bounds[k + 1], hi)
                    out[i, k] = popcount(data[a:b]) if a < b else 0

    def scatter_from(self, small: BitmapStore, rows: np.ndarray, offset: int) -> None:
        """Copy the bits of ``small``'s rows ``offset …`` (a multiple of 64) into our ``rows``, for every set
        we both hold. Rows sharing a byte are written in separate passes, so each pass is one vectorised
        read-modify-write; word ranges only widen (a wider range is still correct)."""
        self._masks.clear()  # presence masks of the table may have changed in place
        byte_idx = rows >> 3
        bit = (1 << (rows & 7)).astype(np.uint8)
        order = np.argsort(byte_idx, kind="stable")
        sorted_bytes = byte_idx[order]
        starts = np.r_[True, sorted_bytes[1:] != sorted_bytes[:-1]]
        rank = np.arange(len(rows)) - np.maximum.accumulate(np.where(starts, np.arange(len(rows)), 0))
        passes = [order[rank == r] for r in range(int(rank.max()) + 1)] if len(rows) else []
        first_word = offset // 64
        for key, set_id in self.ids.items():
            other = small.ids.get(key)
            if other is None:
                continue
            bits = np.unpackbits(small.words[other][first_word:].view(np.uint8), bitorder="little")
            new_bits = bits[: len(rows)].view(bool)
            mine = self.words[set_id].view(np.uint8)
            delta = 0
            for p in passes:
                b, bt, nb = byte_idx[p], bit[p], new_bits[p]
                current = mine[b]
                delta += int(nb.sum()) - int(np.count_nonzero(current & bt))
                mine[b] = (current & ~bt) | (bt * nb)
            self.counts[set_id] += delta
            set_rows = rows[new_bits]
            if len(set_rows):
                lo, hi = self.ranges[set_id]
                first, last = int(set_rows.min()) >> 6, (int(set_rows.max()) >> 6) + 1
                self.ranges[set_id] = (min(lo, first), max(hi, last)) if lo < hi else (first, last)
            self._rows.pop(set_id, None)


def _split(plan: WalkPlan, n: int) -> list[tuple[int, int]]:
    """Cut the visiting order into ``n`` parts of similar work, only where the first set changes."""
    total = len(plan.order)
    if n <= 1 or total < 2 * n:
        return [(0, total)]
    cuts = [0]
    for k in range(1, n):
        j = max(cuts[-1] + 1, total * k // n)
        while j < total and plan.common[j] > 0:
            j += 1
        if j < total:
            cuts.append(j)
    cuts.append(total)
    return list(pairwise(cuts))
