"""YAML test cases next to rule files, in the OpenFisca manner: input facts → expected outcome.

``food_licence.tests.yaml`` sits next to ``food_licence.yaml`` and holds::

    as_of: 2026-06-30            # optional, per file or per case
    cases:
      - name: 信用A类、证照齐全
        policy: HZ-001           # only for a policies file with several policies
        facts: {credit_class: A}
        expect: {result: true, failed: [], unknown: [], amount: 50000}

``failed`` (and the optional ``unknown``, ``amount``) are compared only when given.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from .errors import RuleError
from .explain import explain
from .policy import PolicyDef, RuleSet, load_policies, load_rule_set
from .schema import FactSchema, load_schema, read_yaml


@dataclass
class CaseResult:
    name: str
    passed: bool
    message: str = ""


def rules_file_for(cases_path: Path) -> Path:
    """``x.tests.yaml`` → ``x.yaml``."""
    return cases_path.with_name(cases_path.name.replace(".tests.yaml", ".yaml"))


def load_rules_file(path: Path, schema: FactSchema | None = None) -> tuple[list[RuleSet | PolicyDef], FactSchema]:
    """Load a rule or policies file; its ``schema:`` key names a schema file relative to it."""
    data = read_yaml(path)
    if schema is None:
        if not isinstance(data, Mapping) or "schema" not in data:
            raise RuleError.single(str(path), "missing_schema", "name the fact schema file under 'schema:'")
        schema = load_schema(path.parent / str(data["schema"]))
    if isinstance(data, Mapping) and "policies" in data:
        body = {k: v for k, v in data.items() if k != "schema"}
        return list(load_policies(body, schema)), schema
    return [load_rule_set(data, schema)], schema


def run_cases(cases_path: str | Path, schema: FactSchema | None = None) -> list[CaseResult]:
    """Run every case of one test file against its rule file; returns one result per case."""
    cases_path = Path(cases_path)
    rules, schema = load_rules_file(rules_file_for(cases_path), schema)
    by_id = {r.id: r for r in rules}
    data = read_yaml(cases_path)
    file_as_of = data.get("as_of")
    results = []
    for i, case in enumerate(data.get("cases", [])):
        name = str(case.get("name", f"cases[{i}]"))
        rule = by_id.get(case["policy"]) if "policy" in case else rules[0]
        if rule is None:
            results.append(CaseResult(name, False, f"no policy {case['policy']!r}"))
            continue
        as_of = case.get("as_of", file_as_of) or dt.date.today()
        results.append(_run_one(name, rule, case, schema, as_of))
    return results


def _run_one(
    name: str, rule: RuleSet | PolicyDef, case: Mapping[str, Any], schema: FactSchema, as_of: dt.date
) -> CaseResult:
    facts = case.get("facts") or {}
    expect = case.get("expect") or {}
    got = explain(rule, facts, schema, as_of)
    wrong: list[str] = []
    want = expect.get("result")
    want_text = "true" if want is True else "false" if want is False else want
    if want_text is not None and got.result != want_text:
        wrong.append(f"result {got.result}, expected {want_text}")
    for key, actual in (("failed", got.failed), ("unknown", got.unknown)):
        if key in expect and sorted(expect[key] or []) != sorted(actual):
            wrong.append(f"{key} {sorted(actual)}, expected {sorted(expect[key] or [])}")
    if "amount" in expect and isinstance(rule, PolicyDef):
        amount = rule.amount.compute(facts)
        if amount is None or amount != Decimal(str(expect["amount"])):
            wrong.append(f"amount {amount}, expected {expect['amount']}")
    return CaseResult(name, not wrong, "; ".join(wrong))


def discover_case_files(folder: str | Path) -> list[Path]:
    """Every ``*.tests.yaml`` under a folder, sorted."""
    return sorted(Path(folder).rglob("*.tests.yaml"))
