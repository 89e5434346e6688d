"""The demo city's regulation: item lists of four departments, a joint plan, a draw that verifies, every state."""

from __future__ import annotations

import pytest

from yiwang.registries.models import CreditRecord
from yiwang.regulation.models import EnforcementCase, Inspection, InspectionDraw, RegulatoryItem
from yiwang.regulation.services import draws


@pytest.mark.django_db
@pytest.mark.slow
def test_the_demo_city_has_a_verifying_draw_visits_in_every_state_and_a_decided_case(settings):
    from yiwang.demo.seeding import seed_demo_city

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    report = seed_demo_city(persons=300, enterprises=40)
    assert RegulatoryItem.objects.values("department").distinct().count() == 4
    joint = InspectionDraw.objects.get(plan__code__endswith="JOINT-01")
    assert draws.verify_files(draws.published_files(joint)) == []
    assert set(Inspection.objects.values_list("status", flat=True)) == set(Inspection.Status.values)
    assert (
        Inspection.objects.filter(parts__department__code__endswith="WJW")
        .filter(parts__department__code__endswith="SCJGJ")
        .exists()
    )
    case = EnforcementCase.objects.get()
    assert case.decision_no and case.published_at and case.step == EnforcementCase.Step.SERVICE
    assert CreditRecord.objects.filter(kind=CreditRecord.Kind.PENALTY, decision_no=case.decision_no).exists()
    assert any(login.username == "demo-reg-scjgj" for login in report.logins)
    again = seed_demo_city(persons=300, enterprises=40)
    assert InspectionDraw.objects.count() == 3 and len(again.logins) == len(report.logins)
