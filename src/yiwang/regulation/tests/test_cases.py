"""An enforcement case from a finding to its published decision, every deadline in working days, documents signed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from yiwang.core.errors import ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.core.workdays import add_working_days
from yiwang.registries.models import CreditRecord
from yiwang.regulation.models import EnforcementCase, Lead
from yiwang.regulation.services import cases

Step = EnforcementCase.Step


@pytest.mark.django_db
def test_a_case_goes_from_filing_to_a_published_decision_within_working_day_deadlines(city):
    firm = city.firms[0]
    lead = Lead.objects.create(
        entity=firm, department=city.samr, kind=Lead.Kind.COMPLAINT, summary="销售过期食品", received_on=date.today()
    )
    case = cases.open_case(
        department=city.samr,
        entity=firm,
        origin=EnforcementCase.Origin.COMPLAINT,
        lead=lead,
        facts="销售超过保质期的食品",
        legal_basis="《中华人民共和国食品安全法》第一百二十四条",
        actor=city.planner,
    )
    today = date.today()
    assert case.step == Step.INVESTIGATION
    assert case.step_due_on == add_working_days(today, 60)
    for step, limit in ((Step.NOTIFICATION, 5), (Step.LEGAL_REVIEW, 10), (Step.DECISION, 5)):
        case = cases.advance_case(case, actor=city.planner, note="依法办理")
        assert case.step == step and case.step_due_on == add_working_days(today, limit)
    with pytest.raises(ValidationFailed) as exc:
        cases.advance_case(case, actor=city.planner, note="决定")
    assert exc.value.field == "decision_no"
    case = cases.advance_case(
        case,
        actor=city.planner,
        note="决定",
        decision_no="西市监罚〔2026〕1号",
        penalty="没收违法所得并罚款",
        fine=Decimal("5000"),
    )
    assert case.step == Step.SERVICE and case.published_at is not None
    assert CreditRecord.objects.get(entity=firm, kind=CreditRecord.Kind.PENALTY).decision_no == "西市监罚〔2026〕1号"
    assert case in cases.published_decisions()
    steps = list(case.steps.exclude(completed_on=None))
    assert [s.step for s in steps] == [
        Step.FILED,
        Step.INVESTIGATION,
        Step.NOTIFICATION,
        Step.LEGAL_REVIEW,
        Step.DECISION,
    ]
    assert all(s.document_pdf and cases.document_verifies(s) for s in steps)
    steps[0].document_pdf = bytes(steps[0].document_pdf) + b" "
    assert not cases.document_verifies(steps[0])
    assert AuditEntry.objects.filter(action="regulation.case.advance").count() == 4
    for _ in range(2):
        case = cases.advance_case(case, actor=city.planner, note="完成")
    assert case.step == Step.CLOSED


@pytest.mark.django_db
def test_a_case_needs_its_source_and_an_official_of_the_department(city):
    with pytest.raises(ValidationFailed) as exc:
        cases.open_case(department=city.samr, entity=city.firms[0], origin="complaint", facts="x", actor=city.planner)
    assert exc.value.field == "lead"
    from yiwang.core.errors import PermissionDenied

    lead = Lead.objects.create(
        entity=city.firms[0], department=city.samr, kind=Lead.Kind.LEAD, summary="线索", received_on=date.today()
    )
    with pytest.raises(PermissionDenied):
        cases.open_case(
            department=city.samr, entity=city.firms[0], origin="lead", lead=lead, facts="x", actor=city.health_planner
        )
