"""智能问答 quality on the demo city's published catalogue, policies and documents, measured on a labelled set.

The figures are printed (pytest -s) and held to floors: a change that makes the answers worse fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

LABELLED = Path(__file__).with_name("questions.yaml")


@pytest.fixture
def demo_published(db):
    from datetime import date

    from yiwang.core.workdays import package_years, seed_provisional_calendar, seed_work_calendar
    from yiwang.demo.catalog import ensure_demo_catalog
    from yiwang.demo.disclosure import ensure_demo_documents
    from yiwang.demo.policies import ensure_demo_policies
    from yiwang.demo.seeding import ensure_departments

    year = date.today().year
    seed_work_calendar([y for y in (year, year + 1) if y in package_years()])
    seed_provisional_calendar(year + 1)
    ensure_demo_catalog()
    ensure_departments("330100")
    ensure_demo_policies(60)
    ensure_demo_documents()


def test_answers_are_found_cited_and_unknowns_handed_off(demo_published):
    from yiwang.disclosure.quality import measure
    from yiwang.disclosure.services import answers

    labelled = yaml.safe_load(LABELLED.read_text(encoding="utf-8"))
    index = answers.current_index()
    quality = measure(labelled, answers.answer, [p.ref for p in index.passages])
    print(
        f"\n智能问答 on {quality.questions} labelled questions over {len(index)} passages: "
        f"nDCG@5 {quality.ndcg_at_5:.3f}, accuracy {quality.accuracy:.3f} (known {quality.known_accuracy:.3f}, "
        f"unknown {quality.unknown_accuracy:.3f}); misses: {quality.misses}"
    )
    assert quality.ndcg_at_5 >= 0.80
    assert quality.known_accuracy >= 0.80
    assert quality.unknown_accuracy >= 0.85
