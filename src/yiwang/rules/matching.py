"""The matching engine for 免申即享: all policies against a columnar snapshot of many entities.

``Matcher`` compiles every policy once into shared atoms (``predicates``), evaluates each distinct atom once
over the snapshot into packed bitmaps and ANDs them per policy rarest-first (``bitmaps``). It answers: counts
per policy (full run), eligible rows of a policy, an incremental re-match of changed rows, one entity against
all policies with near misses (``calculator``), and a what-if of a draft policy (``sandbox``). A condition on a
missing value never matches (Kleene logic: the policy is then unknown for that entity, not eligible).
Pure numpy: the same object runs per partition inside a Spark executor.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from .bitmaps import BitmapStore, WalkPlan, rows_of
from .calculator import CalculatorResult, KleeneProgram
from .columnar import Column, FactTable, recode
from .explain import Explanation, explain
from .policy import PolicyDef, yuan_of_fen
from .predicates import AtomRegistry, conjunction_terms, literals_of
from .schema import FactSchema


@dataclass
class MatchRun:
    """Eligible-entity counts per policy, in the order of ``policy_ids``."""

    policy_ids: list[str]
    counts: np.ndarray
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return int(self.counts.sum())

    def as_dict(self) -> dict[str, int]:
        return {pid: int(c) for pid, c in zip(self.policy_ids, self.counts, strict=True)}


class Matcher:
    """Compiled policies of one audience; ``load`` a snapshot, then ``run`` / ``update`` / ``calculate``."""

    def __init__(
        self, policies: Sequence[PolicyDef], schema: FactSchema, as_of: dt.date | None = None, threads: int = 2
    ) -> None:
        self.schema, self.as_of, self.threads = schema, as_of or dt.date.today(), threads
        self.registry = AtomRegistry(schema, self.as_of)
        self.policies = list(policies)
        audiences = {p.audience for p in self.policies}
        if len(audiences) > 1:
            raise ValueError(f"one matcher per audience (one fact schema); got {sorted(audiences)}")
        self.index = {p.id: i for i, p in enumerate(self.policies)}
        self.formulas = [self.registry.formula(p.condition) for p in self.policies]
        self.terms = [conjunction_terms(f) for f in self.formulas]
        self._plan: WalkPlan | None = None
        self._program: KleeneProgram | None = None
        self.table: FactTable | None = None
        self.store: BitmapStore | None = None
        self.counts: np.ndarray | None = None

    # ---- snapshot and full run ------------------------------------------------------------------------

    def load(self, table: FactTable) -> None:
        """Take a snapshot to match against (kept by reference: ``update`` changes it in place)."""
        self.table = table
        self.store = BitmapStore(self.registry, table, threads=self.threads)
        self.counts = None
        self._plan = None

    def _store(self) -> BitmapStore:
        if self.store is None:
            raise RuntimeError("load() a FactTable first")
        return self.store

    def plan(self) -> WalkPlan:
        """Evaluate every atom once and order the policies for the walk (kept until the next ``load``)."""
        store = self._store()
        if self._plan is None:
            store.ensure_literals(lit for f in self.formulas for lit in literals_of(f))
            self._plan = store.plan(self.terms)
        return self._plan

    def run(self) -> MatchRun:
        """Full run: eligible counts of every policy over the loaded snapshot."""
        start = time.perf_counter()
        store = self._store()
        counts = store.count(self.plan())[:, 0]
        self.counts = counts
        return MatchRun([p.id for p in self.policies], counts.copy(), time.perf_counter() - start)

    def policy_words(self, policy_id: str) -> np.ndarray:
        store = self._store()
        terms = self.terms[self.index[policy_id]]
        return store.conjunction([store.formula_set(t) for t in terms])

    def eligible(self, policy_id: str) -> np.ndarray:
        """Row indices (into the snapshot) of the entities eligible for one policy."""
        return rows_of(self.policy_words(policy_id))

    def eligible_for(self, policy_ids: Iterable[str]) -> dict[str, np.ndarray]:
        """Eligible row indices of several policies (e.g. those a matching run will push)."""
        return {pid: self.eligible(pid) for pid in policy_ids}

    def amounts_fen(self, policy: PolicyDef, rows: np.ndarray) -> np.ndarray:
        """The policy's amount in whole fen (int64) for each given row, exact, vectorised over the rows only."""
        assert self.table is not None
        a = policy.amount
        if a.kind in ("none", "fixed"):
            return a.compute_fen(None, None, len(rows))
        col = self.table.column(a.fact)
        present = None if col.present is None else col.present[rows]
        return a.compute_fen(col.values[rows], present, len(rows))

    def amounts(self, policy: PolicyDef, rows: np.ndarray) -> np.ndarray:
        """The policy's amount (float yuan) for each given row: :meth:`amounts_fen` / 100."""
        return self.amounts_fen(policy, rows) / 100.0

    def cost(self, policy_id: str) -> Decimal:
        """Total amount payable to all eligible entities of one policy, in yuan (summed exactly, in fen)."""
        p = self.policies[self.index[policy_id]]
        return yuan_of_fen(self.amounts_fen(p, self.eligible(policy_id)).sum())

    # ---- incremental ----------------------------------------------------------------------------------

    def update(self, rows: np.ndarray, new: FactTable) -> MatchRun:
        """Replace the given rows by ``new`` (same order) and re-match only them; counts stay exact.

        The old and new versions of the changed rows are matched together in one small snapshot; each
        policy's count moves by (new matches − old matches); the big bitmaps get the new bits in place.
        """
        start = time.perf_counter()
        store, table = self._store(), self.table
        assert table is not None
        if self.counts is None:
            self.run()
        assert self.counts is not None
        rows = np.asarray(rows, np.int64)
        if len(np.unique(rows)) != len(rows):
            raise ValueError("changed rows must be unique")
        if new.n_rows != len(rows):
            raise ValueError(f"{len(rows)} rows changed but {new.n_rows} new rows given")
        if not len(rows):
            return MatchRun([p.id for p in self.policies], self.counts.copy(), 0.0)
        k = len(rows)
        pad = -k % 64
        combined = _stack(table, rows, new, pad)
        valid = np.ones(2 * k + pad, bool)
        valid[k : k + pad] = False
        plan = self.plan()
        small = BitmapStore(self.registry, combined, valid, threads=1)
        small.replicate(store)
        split = (k + pad) // 64
        seg = small.count(plan, [0, split, small.n_words])  # same set ids, so the same plan
        self.counts = self.counts + seg[:, 1] - seg[:, 0]
        table.update_rows(rows, new)
        store.scatter_from(small, rows, k + pad)
        return MatchRun([p.id for p in self.policies], self.counts.copy(), time.perf_counter() - start)

    # ---- one entity -----------------------------------------------------------------------------------

    @property
    def program(self) -> KleeneProgram:
        if self._program is None:
            self._program = KleeneProgram(self.registry, self.policies)
        return self._program

    def calculate(self, facts: Mapping[str, Any]) -> CalculatorResult:
        """政策计算器: the policies one entity is eligible for (with amounts), unknown ones and near misses."""
        return self.program.run(facts)

    def explain(self, policy_id: str, facts: Mapping[str, Any] | int) -> Explanation:
        """Why an entity (a facts dict, or a row of the snapshot) does or does not match one policy."""
        if isinstance(facts, int | np.integer):
            assert self.table is not None
            facts = self.table.row(int(facts))
        return explain(self.policies[self.index[policy_id]], facts, self.schema, self.as_of)


def _stack(table: FactTable, rows: np.ndarray, new: FactTable, pad: int) -> FactTable:
    """Old rows, ``pad`` filler rows, then the new rows (re-coded to the snapshot's dictionaries)."""
    filler = np.full(pad, rows[0] if len(rows) else 0, np.int64)
    columns = {}
    for name in set(table.columns) | set(new.columns):
        mine, theirs = table.column(name), new.column(name)
        values = recode(theirs, mine)
        stacked = np.concatenate([mine.values[rows], mine.values[filler], values.astype(mine.values.dtype)])
        present = None
        if mine.present is not None or theirs.present is not None:
            present = np.concatenate([mine.present_mask()[rows], mine.present_mask()[filler], theirs.present_mask()])
        columns[name] = Column(mine.fact, stacked, present, mine.dictionary)
    return FactTable(table.schema, columns, 2 * len(rows) + pad)
