"""One entity against all policies (政策计算器), vectorised over policies, with near misses.

Atoms are tested once for the entity (a few hundred Python calls); then every policy tree is evaluated at once
in three-valued logic coded 0 = false, 1 = unknown, 2 = true (Kleene: AND is the minimum, OR the maximum).
Identical subtrees of different policies are one node. Groups are evaluated by segment sums over their
children (a cumulative sum read at segment ends, cheaper than ``reduceat``): for AND the number of children
not true and of children false decide the value. For a policy whose root is ``all`` the same sums give its
near misses: exactly one top-level condition not met, named with its clause. Results are arrays; the lists
of dicts and ``NearMiss`` objects are built only when read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from .describe import describe
from .explain import normalize_fact
from .language import Group, Leaf, Node, Not, iter_leaves
from .policy import PolicyDef
from .predicates import AtomRegistry, canonical_fact_value, canonical_literal, scalar_atom
from .schema import FactType

# Per child value (false, unknown, true): a weight whose group sum packs (count A << 8) + count B, exact
# while a group has fewer than 256 children (checked when compiling). int64 has the fastest cumsum.
_AND_WEIGHTS = np.array([257, 1, 0], np.int64)  # A = false children, B = children not true
_OR_WEIGHTS = np.array([0, 1, 257], np.int64)  # A = true children, B = children not false
_LOW = 255
MAX_CHILDREN = 255


@dataclass
class NearMiss:
    """A policy one condition short: which condition, why (failed or unknown), and its clause."""

    policy_id: str
    title: str
    condition_id: str
    description: str
    clause: str
    status: str  # failed | unknown


class _Segments:
    """Groups of children (CSR); ``sums(values, weights)`` gives the packed weight sum of each group."""

    def __init__(self, children: Sequence[Sequence[int]]) -> None:
        self.flat = np.array([c for kids in children for c in kids], np.intp)
        lengths = np.array([len(k) for k in children], np.int64)
        if len(lengths) and lengths.max() > MAX_CHILDREN:
            raise ValueError(f"a group has more than {MAX_CHILDREN} conditions")
        self.ends = np.cumsum(lengths) - 1
        self.starts = self.ends - lengths + 1
        self.width = int(lengths.max()) if len(lengths) else 0

    def sums(self, node_weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Packed weight sums per group, and the weights of every child (flat)."""
        w = np.take(node_weights, self.flat)
        at_ends = np.cumsum(w)[self.ends]
        out = at_ends.copy()
        out[1:] -= at_ends[:-1]
        return out, w

    def first_nonzero(self, groups: np.ndarray, w: np.ndarray) -> np.ndarray:
        """Index within each given group of its first child with a non-zero weight."""
        offsets = np.arange(self.width)
        pos = self.starts[groups][:, None] + offsets[None, :]
        inside = pos <= self.ends[groups][:, None]
        hit = (w[np.minimum(pos, len(w) - 1)] != 0) & inside
        return hit.argmax(axis=1)


def _kleene(sums: np.ndarray, is_and: bool) -> np.ndarray:
    high, low = sums >> 8, sums & _LOW
    if is_and:  # false if any child false, true if none is not true, else unknown
        return np.where(high > 0, 0, np.where(low == 0, 2, 1)).astype(np.int8)
    return np.where(high > 0, 2, np.where(low == 0, 0, 1)).astype(np.int8)


_FAST_TYPES = {FactType.INT: int, FactType.DECIMAL: float, FactType.BOOL: bool, FactType.CATEGORY: str}


class CalculatorResult:
    """Eligible, unknown and near-miss policies of one entity; lists are built when first read."""

    def __init__(
        self,
        program: KleeneProgram,
        facts: Mapping[str, Any],
        results: np.ndarray,
        near: np.ndarray,
        near_child: np.ndarray,
        near_status: np.ndarray,
    ) -> None:
        self._program, self._facts, self.results = program, facts, results
        self._near, self._near_child, self._near_status = near, near_child, near_status

    @cached_property
    def eligible(self) -> list[dict[str, Any]]:
        """``{policy_id, title, amount}`` of every policy the entity qualifies for (amount ``None`` if unknown)."""
        out = []
        for i in np.flatnonzero(self.results == 2):
            p = self._program.policies[i]
            amount = p.amount.compute(self._facts)
            out.append({"policy_id": p.id, "title": p.title, "amount": None if amount is None else str(amount)})
        return out

    @cached_property
    def unknown(self) -> list[str]:
        """Policies that depend on data the registries do not hold for this entity (快申快享 candidates)."""
        return [self._program.policies[i].id for i in np.flatnonzero(self.results == 1)]

    @cached_property
    def near_misses(self) -> list[NearMiss]:
        out = []
        for k, j, s in zip(self._near.tolist(), self._near_child.tolist(), self._near_status.tolist(), strict=True):
            i = self._program.near_policy[k]
            p = self._program.policies[i]
            cid, desc, clause = self._program.child_info(i, j)
            out.append(NearMiss(p.id, p.title, cid, desc, clause, "failed" if s == 0 else "unknown"))
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "eligible": self.eligible,
            "unknown": self.unknown,
            "near_misses": [dict(vars(n)) for n in self.near_misses],
        }


class KleeneProgram:
    """All policies' trees compiled into shared nodes; ``run(facts)`` evaluates them all at once."""

    def __init__(self, registry: AtomRegistry, policies: Sequence[PolicyDef]) -> None:
        self.registry, self.policies = registry, list(policies)
        for p in self.policies:  # intern every atom before numbering nodes
            registry.formula(p.condition)
        self.n_atoms = len(registry.keys)
        self._nodes: dict[tuple[str, tuple[int, ...]], int] = {}
        self._children: list[tuple[str, tuple[int, ...]]] = []
        self._heights: list[int] = []
        self._info: dict[tuple[int, int], tuple[str, str, str]] = {}
        near_children, near_policy, other_policy, other_root = [], [], [], []
        for i, p in enumerate(self.policies):
            root = p.condition
            if isinstance(root, Group) and root.kind == "all":  # evaluated by the near-miss pass
                near_policy.append(i)
                near_children.append(tuple(self._build(c, False) for c in root.children))
            else:
                other_policy.append(i)
                other_root.append(self._build(root, False))
        self.near_policy = near_policy
        self._near = _Segments(near_children)
        self._near_index = np.array(near_policy, np.int64)
        self._other_index = np.array(other_policy, np.int64)
        self._other_root = np.array(other_root, np.int64)
        self._levels = self._compile_levels()
        facts = {key[0] for key in registry.keys[: self.n_atoms]}
        self._fact_types = {f: registry.schema[f].type for f in facts}
        self._tests = [
            (key[0], key[1] == "present", scalar_atom(key, self._fact_types[key[0]]))
            for key in registry.keys[: self.n_atoms]
        ]

    def _build(self, node: Node, negated: bool) -> int:
        if isinstance(node, Leaf):
            key, neg = canonical_literal(node, self.registry.schema, self.registry.as_of)
            return self.registry.intern(key) + (self.n_atoms if neg != negated else 0)
        if isinstance(node, Not):
            return self._build(node.child, not negated)
        assert isinstance(node, Group)
        op = "and" if (node.kind == "all") != negated else "or"
        kids = tuple(self._build(c, negated) for c in node.children)
        sig = (op, kids)
        if sig not in self._nodes:
            self._nodes[sig] = 2 * self.n_atoms + len(self._children)
            self._children.append(sig)
            self._heights.append(1 + max(self._height(k) for k in kids))
        return self._nodes[sig]

    def _height(self, node_id: int) -> int:
        return 0 if node_id < 2 * self.n_atoms else self._heights[node_id - 2 * self.n_atoms]

    def _compile_levels(self) -> list[tuple[np.ndarray, _Segments, bool]]:
        levels = []
        for h in sorted(set(self._heights)):
            for op in ("and", "or"):
                idx = [i for i, (o, _) in enumerate(self._children) if o == op and self._heights[i] == h]
                if idx:
                    segs = _Segments([self._children[i][1] for i in idx])
                    levels.append((np.array(idx, np.int64) + 2 * self.n_atoms, segs, op == "and"))
        return levels

    def child_info(self, policy: int, child: int) -> tuple[str, str, str]:
        """(id, Chinese description, clause) of a top-level condition of a policy, cached."""
        key = (policy, child)
        if key not in self._info:
            node = self.policies[policy].condition.children[child]  # type: ignore[union-attr]
            clause = node.clause or "；".join(dict.fromkeys(leaf.clause for leaf in iter_leaves(node)))
            self._info[key] = (node.id, describe(node, self.registry.schema, self.registry.as_of), clause)
        return self._info[key]

    def atom_values(self, facts: Mapping[str, Any]) -> np.ndarray:
        """0/1/2 per atom for one entity."""
        canon: dict[str, Any] = {}
        schema = self.registry.schema
        for name, ftype in self._fact_types.items():
            raw = facts.get(name)
            if raw is None:
                canon[name] = None
            elif type(raw) is _FAST_TYPES.get(ftype):  # already canonical: skip normalisation
                canon[name] = raw
            else:
                value = normalize_fact(schema[name], raw)
                canon[name] = None if value is None else canonical_fact_value(ftype, value)
        values = [
            (0 if canon[fact] is None else 2)
            if is_presence
            else (1 if (v := canon[fact]) is None else 2 if test(v) else 0)
            for fact, is_presence, test in self._tests
        ]
        return np.array(values, np.int8)

    def node_values(self, facts: Mapping[str, Any]) -> np.ndarray:
        atoms = self.atom_values(facts)
        vals = np.zeros(2 * self.n_atoms + len(self._children), np.int8)
        vals[: self.n_atoms] = atoms
        vals[self.n_atoms : 2 * self.n_atoms] = 2 - atoms
        for ids, segs, is_and in self._levels:
            sums, _ = segs.sums((_AND_WEIGHTS if is_and else _OR_WEIGHTS)[vals])
            vals[ids] = _kleene(sums, is_and)
        return vals

    def run(self, facts: Mapping[str, Any]) -> CalculatorResult:
        vals = self.node_values(facts)
        results = np.empty(len(self.policies), np.int8)
        results[self._other_index] = vals[self._other_root]
        near = empty = np.zeros(0, np.int64)
        child, status = empty, np.zeros(0, np.int8)
        if len(self._near_index):
            segs = self._near
            sums, w = segs.sums(_AND_WEIGHTS[vals])
            results[self._near_index] = _kleene(sums, True)
            near = np.flatnonzero((sums & _LOW) == 1)
            child = segs.first_nonzero(near, w)  # the one child not true
            status = vals[segs.flat[segs.starts[near] + child]]
        return CalculatorResult(self, facts, results, near, child, status)
