"""Policies' rule versions loaded for the engine, and compiled matchers cached per set of versions.

A version's YAML holds ``conditions`` and ``amount``; the policy's code and title complete it. Loading checks it
against the enterprise fact schema and reports every problem with its path (``conditions.all[2].value``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

import yaml
from django.utils.translation import gettext_lazy as _

from yiwang.core.errors import ValidationFailed
from yiwang.policies.facts import ENTERPRISE_SCHEMA
from yiwang.policies.models import Policy, PolicyVersion
from yiwang.rules import Matcher, PolicyDef, RuleError, explain, policy_from_dict


class RulesInvalid(ValidationFailed):
    """The rules of a policy version do not load; ``problems`` lists each with its path."""

    default_code = "rules_invalid"

    def __init__(self, problems: list[dict[str, str]]) -> None:
        summary = "; ".join(f"{p['path']}: {p['message']}" for p in problems[:10])
        super().__init__(_("政策规则有误：%(problems)s") % {"problems": summary}, field="rules")
        self.problems = problems

    def as_dict(self) -> dict[str, Any]:
        return {**super().as_dict(), "problems": self.problems}


def parse_rules(code: str, title: str, text: str, *, path: str = "rules") -> PolicyDef:
    """One policy's rules from YAML text, checked against the enterprise schema; raises ``RulesInvalid``."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path} (line {mark.line + 1}, column {mark.column + 1})" if mark else path
        raise RulesInvalid([{"path": where, "code": "bad_yaml", "message": str(exc)}]) from exc
    if not isinstance(data, dict):
        raise RulesInvalid([{"path": path, "code": "not_mapping", "message": "rules must be a mapping"}])
    unknown = sorted(set(data) - {"conditions", "amount", "cases"})
    problems = [
        {"path": f"{path}.{k}", "code": "unknown_key", "message": f"unknown key {k!r}"} for k in map(str, unknown)
    ]
    spec = {
        "id": code,
        "title": title,
        "audience": "enterprise",
        **{k: data[k] for k in ("conditions", "amount") if k in data},
    }
    try:
        policy = policy_from_dict(spec, ENTERPRISE_SCHEMA, path=path)
    except RuleError as exc:
        problems += [p.as_dict() for p in exc.problems]
        raise RulesInvalid(problems) from exc
    if problems:
        raise RulesInvalid(problems)
    return policy


def definition_of(version: PolicyVersion) -> PolicyDef:
    return _definition(version.pk, version.policy.code, version.policy.title, version.rules)


@lru_cache(maxsize=4096)
def _definition(pk: int, code: str, title: str, text: str) -> PolicyDef:
    return parse_rules(code, title, text)


def published_versions(policies: Iterable[Policy] | None = None) -> list[PolicyVersion]:
    """Current versions of the given policies (default: every published enterprise policy), by policy code."""
    if policies is None:
        qs = Policy.objects.filter(status=Policy.Status.PUBLISHED, kind=Policy.Kind.ENTERPRISE)
        pks = list(qs.exclude(current_version=None).values_list("current_version_id", flat=True))
    else:
        pks = [p.current_version_id for p in policies if p.current_version_id is not None]
    return list(PolicyVersion.objects.filter(pk__in=pks).select_related("policy").order_by("policy__code"))


def new_matcher(versions: Sequence[PolicyVersion], as_of: dt.date | None = None) -> Matcher:
    """A fresh matcher for these versions, to ``load`` a snapshot into (one per run: it holds the bitmaps)."""
    return Matcher([definition_of(v) for v in versions], ENTERPRISE_SCHEMA, as_of=as_of or dt.date.today())


_CALCULATORS: dict[tuple[tuple[int, ...], dt.date], Matcher] = {}


def published_version_ids() -> tuple[int, ...]:
    """Ids of the current versions of published enterprise policies (cheap: the cache key of the calculator)."""
    qs = Policy.objects.filter(status=Policy.Status.PUBLISHED, kind=Policy.Kind.ENTERPRISE)
    return tuple(sorted(qs.exclude(current_version=None).values_list("current_version_id", flat=True)))


def calculator_for(version_ids: tuple[int, ...], as_of: dt.date | None = None) -> Matcher:
    """A compiled matcher for one-entity checks (政策计算器), cached per set of versions and day.

    It never loads a snapshot, so sharing it between requests is safe; versions are read only on a miss.
    """
    key = (version_ids, as_of or dt.date.today())
    matcher = _CALCULATORS.get(key)
    if matcher is None:
        versions = list(
            PolicyVersion.objects.filter(pk__in=version_ids).select_related("policy").order_by("policy__code")
        )
        _CALCULATORS.clear()  # one live set of published versions at a time
        matcher = _CALCULATORS[key] = new_matcher(versions, key[1])
    return matcher


def case_failures(code: str, title: str, text: str, *, path: str = "rules") -> list[dict[str, str]]:
    """Run the version's own YAML test cases (OpenFisca style; key ``cases``): every case's facts must give its
    expected result and, when listed, exactly its failed conditions. Returns one problem per failing case."""
    policy = parse_rules(code, title, text, path=path)
    cases = (yaml.safe_load(text) or {}).get("cases") or []
    problems: list[dict[str, str]] = []
    if not isinstance(cases, list):
        return [{"path": f"{path}.cases", "code": "bad_cases", "message": "cases must be a list"}]
    for i, case in enumerate(cases):
        here = f"{path}.cases[{i}]"
        if not isinstance(case, dict) or not isinstance(case.get("facts"), dict) or "expect" not in case:
            problems.append({"path": here, "code": "bad_case", "message": "a case needs facts and expect"})
            continue
        as_of = case.get("as_of")
        explanation = explain(
            policy, case["facts"], ENTERPRISE_SCHEMA, as_of=dt.date.fromisoformat(str(as_of)) if as_of else None
        )
        expect = case["expect"] if isinstance(case["expect"], dict) else {"result": case["expect"]}
        want = str(expect.get("result")).lower()
        if explanation.result != want:
            problems.append(
                {
                    "path": here,
                    "code": "case_failed",
                    "message": f"{case.get('name', i)}: expected {want}, got {explanation.result}",
                }
            )
        elif "failed" in expect and sorted(expect["failed"]) != sorted(explanation.failed):
            problems.append(
                {
                    "path": here,
                    "code": "case_failed",
                    "message": f"{case.get('name', i)}: expected failed {sorted(expect['failed'])}, "
                    f"got {sorted(explanation.failed)}",
                }
            )
    return problems
