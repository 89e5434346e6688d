"""Every YAML test case next to the example rule files passes (OpenFisca-style tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from yiwang.rules.cases import discover_case_files, run_cases

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CASE_FILES = discover_case_files(EXAMPLES)


def test_there_are_examples() -> None:
    assert len(CASE_FILES) >= 3


@pytest.mark.parametrize("case_file", CASE_FILES, ids=lambda p: p.name)
def test_example_cases_pass(case_file: Path) -> None:
    results = run_cases(case_file)
    assert results, "a test file without cases"
    failures = [f"{r.name}: {r.message}" for r in results if not r.passed]
    assert not failures, "\n".join(failures)


def test_a_wrong_expectation_is_reported(tmp_path: Path) -> None:
    (tmp_path / "schema.yaml").write_text("facts: {n: {type: int, label: 人数}}", encoding="utf-8")
    (tmp_path / "r.yaml").write_text(
        "id: r\nschema: schema.yaml\nrules: {fact: n, op: ge, value: 3, clause: 第一条, id: enough}\n", encoding="utf-8"
    )
    (tmp_path / "r.tests.yaml").write_text(
        "cases:\n  - {name: 少, facts: {n: 1}, expect: {result: true}}\n"
        "  - {name: 缺, facts: {}, expect: {result: unknown, failed: [], unknown: [enough]}}\n",
        encoding="utf-8",
    )
    first, second = run_cases(tmp_path / "r.tests.yaml")
    assert not first.passed and "result false, expected true" in first.message
    assert second.passed
