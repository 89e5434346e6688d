"""The closed loop: a lead is raised, assigned, verified and closed; its outcome feeds precision and regulation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.workdays import WorkingDays
from yiwang.regulation.models import EnforcementCase, Lead
from yiwang.risk.models import Alert, AlertEvent
from yiwang.risk.services import alerts
from yiwang.risk.services.classification import run_classification
from yiwang.risk.tests.conftest import MONTH

pytestmark = pytest.mark.django_db


@pytest.fixture
def raised(city):
    run_classification(MONTH, department=city.samr, actor=city.planner)
    return Alert.objects.filter(indicator="ADDRESS_CLUSTER").order_by("number")


def _precision(indicator: str) -> float | None:
    rows = [p for p in alerts.precision_by_quarter() if p.indicator == indicator]
    assert len(rows) == 1
    return rows[0].precision


def test_a_lead_is_verified_and_closed_and_the_rules_precision_changes(city, raised):
    alert = raised.first()
    assert _precision("ADDRESS_CLUSTER") == 0.0

    alerts.assign_alert(alert, city.verifier, actor=city.planner)
    alert.refresh_from_db()
    assert (alert.status, alert.assignee) == (Alert.Status.VERIFYING, city.verifier)
    closed = alerts.close_alert(
        alert,
        outcome=Alert.Outcome.CONFIRMED,
        disposal=Alert.Disposal.INSPECTION,
        result="实地核查：该住所为一间办公室，12户企业均无实际经营",
        actor=city.verifier,
    )

    assert closed.status == Alert.Status.CLOSED
    assert closed.regulation_lead is not None and closed.regulation_lead.open
    assert Lead.objects.get(pk=closed.regulation_lead.pk).entity == alert.entity
    assert _precision("ADDRESS_CLUSTER") == pytest.approx(1 / 12)
    assert list(AlertEvent.objects.filter(alert=alert).values_list("action", flat=True)) == ["raise", "assign", "close"]


def test_a_confirmed_lead_can_open_an_enforcement_case(city, raised):
    alert = raised.first()
    closed = alerts.close_alert(
        alert,
        outcome=Alert.Outcome.CONFIRMED,
        disposal=Alert.Disposal.CASE,
        result="移送执法机构立案",
        facts="提交虚假住所材料取得登记",
        actor=city.planner,
    )

    case = EnforcementCase.objects.get(pk=closed.case.pk)
    assert (case.entity, case.origin, case.lead) == (alert.entity, EnforcementCase.Origin.LEAD, closed.regulation_lead)


def test_closing_refuses_inconsistent_conclusions_and_changes_nothing(city, raised):
    alert = raised.first()
    cases = [
        ({"outcome": "unfounded", "disposal": "inspection", "result": "x"}, "disposal"),
        ({"outcome": "confirmed", "disposal": "none", "result": "x"}, "disposal"),
        ({"outcome": "confirmed", "disposal": "rectified", "result": " "}, "result"),
        ({"outcome": "confirmed", "disposal": "case", "result": "x"}, "facts"),
        ({"outcome": "maybe", "disposal": "none", "result": "x"}, "outcome"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            alerts.close_alert(alert, actor=city.planner, **kwargs)
        assert exc.value.field == field
    alert.refresh_from_db()
    assert alert.status == Alert.Status.RAISED
    assert not Lead.objects.exists() and not EnforcementCase.objects.exists()


def test_a_closed_lead_cannot_be_closed_twice(city, raised):
    alert = raised.first()
    alerts.close_alert(alert, outcome="unfounded", disposal="none", result="住所为合法集中办公区", actor=city.planner)
    with pytest.raises(Conflict):
        alerts.close_alert(alert, outcome="unfounded", disposal="none", result="again", actor=city.planner)
    assert _precision("ADDRESS_CLUSTER") == 0.0


def test_only_the_competent_department_verifies(city, raised):
    alert = raised.first()
    with pytest.raises(PermissionDenied):
        alerts.close_alert(alert, outcome="unfounded", disposal="none", result="x", actor=city.tax_officer)
    with pytest.raises(PermissionDenied):
        alerts.assign_alert(alert, city.verifier, actor=city.verifier)  # a verifier does not dispatch
    with pytest.raises(ValidationFailed):
        alerts.assign_alert(alert, city.tax_officer, actor=city.planner)


def test_a_transferred_lead_goes_to_the_other_department(city, raised):
    alert = alerts.transfer_alert(raised.first(), city.tax, actor=city.planner, reason="涉嫌虚开发票")
    assert alert.department == city.tax
    alerts.close_alert(alert, outcome="unfounded", disposal="none", result="已核实", actor=city.tax_officer)


def test_an_overdue_lead_turns_yellow_then_red(city, raised):
    alert = raised.first()
    calendar = WorkingDays()
    assert alerts.status_color(alert, alert.due_on) == "green"
    assert alerts.status_color(alert, calendar.add_working_days(alert.due_on, 1)) == "yellow"
    assert alerts.status_color(alert, calendar.add_working_days(alert.due_on, 6)) == "red"
    closed = alerts.close_alert(alert, outcome="unfounded", disposal="none", result="x", actor=city.planner)
    assert alerts.status_color(closed, closed.due_on + timedelta(days=30)) == ""


def test_a_closed_pattern_is_not_raised_again_next_month(city, raised):
    alert = raised.first()
    alerts.close_alert(alert, outcome="unfounded", disposal="none", result="集中办公区，经营正常", actor=city.planner)

    run_classification(MONTH.replace(month=12), department=city.samr, actor=city.planner)

    assert Alert.objects.filter(entity=alert.entity, indicator="ADDRESS_CLUSTER").count() == 1
