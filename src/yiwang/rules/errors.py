"""Errors of the rule language: every problem found while loading, reported at once with its path.

A rule author fixes a file in one pass only if the loader lists all problems, each naming where it is
(``rules.all[2].value``) and which rule of the language it breaks. Each problem has a stable ``code`` so that
the Django side can translate the message.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

MAX_SHOWN = 20


@dataclass(frozen=True)
class Problem:
    """One broken rule of the language, at one place in the authored document."""

    path: str
    code: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, str]:
        return {"path": self.path, "code": self.code, "message": self.message}


class RuleError(ValueError):
    """Rules, facts or test cases are invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: list[Problem] = list(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems[:MAX_SHOWN])
        more = len(self.problems) - MAX_SHOWN
        tail = f"\n  … and {more} more (see .problems)" if more > 0 else ""
        super().__init__(f"{len(self.problems)} problem(s) in rules:\n{lines}{tail}")

    @classmethod
    def single(cls, path: str, code: str, message: str) -> RuleError:
        return cls([Problem(path, code, message)])

    def as_dict(self) -> dict[str, object]:
        return {"code": "rules_invalid", "problems": [p.as_dict() for p in self.problems]}


class Problems:
    """Collects problems during a load; ``raise_if_any`` raises one ``RuleError`` listing them all."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, path: str, code: str, message: str) -> None:
        self.items.append(Problem(path, code, message))

    def raise_if_any(self) -> None:
        if self.items:
            raise RuleError(self.items)
