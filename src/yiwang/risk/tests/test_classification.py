"""The monthly classification: a planted ring is found and explained, classes land in the credit registry."""

from __future__ import annotations

import pytest

from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.registries.credit import current_rating
from yiwang.registries.models import CreditRating, CreditRecord
from yiwang.risk.models import Alert, ClassificationRun, RiskScore
from yiwang.risk.services.classification import reproduce_score, run_classification
from yiwang.risk.tests.conftest import MONTH

pytestmark = pytest.mark.django_db


def _hits(score: RiskScore) -> set[str]:
    return {i["code"] for i in score.explanation["indicators"] if i["hit"]}


def test_a_ring_of_shell_firms_at_one_address_under_one_person_is_found_and_explained(city):
    run = run_classification(MONTH, department=city.samr, actor=city.planner)

    ring_scores = RiskScore.objects.filter(run=run, entity__in=city.ring)
    assert ring_scores.count() == 12
    for score in ring_scores:
        assert "ADDRESS_CLUSTER" in _hits(score)
        indicator = next(i for i in score.explanation["indicators"] if i["code"] == "ADDRESS_CLUSTER")
        assert indicator["facts"] == {"address_firm_count": 12}  # three spellings of one address, resolved
        assert "《市场主体登记管理条例》第二十四条" in indicator["clauses"][0]
        assert score.explanation["inputs"]["person_firm_count"] == 12
        assert score.explanation["inputs"]["group_size"] == 12
        assert score.risk_class in "CD"
    assert len({s.group_id for s in ring_scores}) == 1  # one group under common control
    for firm in city.firms:
        score = RiskScore.objects.get(run=run, entity=firm)
        assert _hits(score) == set()
        assert score.risk_class == "A"
        assert score.explanation["inputs"]["group_size"] == 1


def test_each_class_is_written_to_the_credit_registry_with_the_model_version(city):
    run = run_classification(MONTH, department=city.samr, actor=city.planner)

    for score in RiskScore.objects.filter(run=run):
        rating = current_rating(score.entity)
        assert rating is not None
        assert (rating.risk_class, rating.rated_on, rating.model_version) == (
            score.risk_class,
            run.rated_on,
            run.model.version,
        )
    assert run.entities == 21
    assert sum(run.class_counts.values()) == 21


def test_a_stored_score_is_reproduced_from_its_inputs_and_model_version(city):
    run = run_classification(MONTH, department=city.samr, actor=city.planner)

    for score in RiskScore.objects.filter(run=run).select_related("run__model"):
        again = reproduce_score(score)
        assert (again["score"], again["risk_class"]) == (score.score, score.risk_class)
        assert {c for c, hit in again["hits"].items() if hit} == _hits(score)


def test_a_black_listed_firm_is_d_whatever_its_points(city):
    firm = city.firms[0]
    CreditRecord.objects.create(
        entity=firm, kind="black_list", title="列入严重违法失信名单", department=city.samr, decided_on=MONTH
    )
    run = run_classification(MONTH, department=city.samr, actor=city.planner)

    score = RiskScore.objects.get(run=run, entity=firm)
    assert score.risk_class == "D"
    assert score.explanation["override"] == "black_list"


def test_shell_capital_opens_a_lead_for_the_tax_bureau(city):
    run_classification(MONTH, department=city.samr, actor=city.planner)

    alert = Alert.objects.get(entity=city.shell, indicator="SHELL_CAPITAL")
    assert alert.department == city.tax
    assert alert.evidence["indicator"]["facts"] == {
        "registered_capital": 20000.0,
        "has_tax": False,
        "has_employees": False,
    }
    assert alert.due_on > alert.raised_on
    assert set(Alert.objects.filter(indicator="ADDRESS_CLUSTER").values_list("entity_id", flat=True)) == {
        f.pk for f in city.ring
    }
    assert all(a.department == city.samr for a in Alert.objects.filter(indicator="ADDRESS_CLUSTER"))


def test_a_month_is_classified_once(city):
    first = run_classification(MONTH, department=city.samr, actor=city.planner)
    ratings, alerts = CreditRating.objects.count(), Alert.objects.count()

    again = run_classification(MONTH, department=city.samr, actor=city.planner)

    assert again.pk == first.pk
    assert (CreditRating.objects.count(), Alert.objects.count()) == (ratings, alerts)


def test_next_month_keeps_history_and_opens_no_second_lead_while_one_is_open(city):
    run_classification(MONTH, department=city.samr, actor=city.planner)
    alerts = Alert.objects.count()

    run_classification(MONTH.replace(month=12), department=city.samr, actor=city.planner)

    assert ClassificationRun.objects.count() == 2
    assert CreditRating.objects.filter(entity=city.ring[0]).count() == 2
    assert Alert.objects.count() == alerts


def test_only_the_market_regulator_rates_and_only_with_a_role(city, make_official):
    with pytest.raises(PermissionDenied):
        run_classification(MONTH, department=city.tax, actor=city.tax_officer)
    with pytest.raises(PermissionDenied):
        run_classification(MONTH, department=city.samr, actor=city.verifier)
    with pytest.raises(ValidationFailed):
        run_classification(MONTH.replace(day=2), department=city.samr, actor=city.planner)
    assert not ClassificationRun.objects.exists()
    assert not CreditRating.objects.exists()


def test_the_operators_command_runs_a_month_once(city, capsys):
    from django.core.management import call_command

    call_command("risk_classify", "--month", "2026-11", "--department", city.samr.code, "--user", city.planner.username)
    call_command("risk_classify", "--month", "2026-11", "--department", city.samr.code, "--user", city.planner.username)
    assert ClassificationRun.objects.count() == 1
    assert "2026-11: 21 firms" in capsys.readouterr().out
