"""The dependency order of a bundle's items: a small explicit graph, checked for cycles (Kahn's algorithm)."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Set
from typing import TypeVar

N = TypeVar("N", bound=Hashable)


class CycleFound(Exception):
    """The dependencies loop; ``cycle`` lists the nodes of one loop, first node repeated at the end."""

    def __init__(self, cycle: list) -> None:
        super().__init__(" → ".join(map(str, cycle)))
        self.cycle = cycle


def topological_order(depends_on: Mapping[N, Set[N]]) -> list[N]:
    """Every node after all of its prerequisites (ties keep the mapping's order); raises CycleFound on a loop."""
    nodes = list(depends_on)
    waiting = {n: {d for d in depends_on[n] if d in depends_on} for n in nodes}
    order: list[N] = []
    ready = [n for n in nodes if not waiting[n]]
    while ready:
        node = ready.pop(0)
        order.append(node)
        for other in nodes:
            if node in waiting[other]:
                waiting[other].discard(node)
                if not waiting[other]:
                    ready.append(other)
    if len(order) < len(nodes):
        raise CycleFound(_one_cycle({n: w for n, w in waiting.items() if w}))
    return order


def _one_cycle(waiting: Mapping[N, Set[N]]) -> list[N]:
    """Walk prerequisites among the blocked nodes until one repeats: that stretch is a loop."""
    node = next(iter(waiting))
    path: list[N] = []
    while node not in path:
        path.append(node)
        node = next(iter(sorted(waiting[node], key=str)))
    return [*path[path.index(node) :], node]


def prerequisites_closure(depends_on: Mapping[N, Set[N]], node: N) -> set[N]:
    """All direct and indirect prerequisites of ``node``."""
    seen: set[N] = set()
    stack = list(depends_on.get(node, ()))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(depends_on.get(current, ()))
    return seen
