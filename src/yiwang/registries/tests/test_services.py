"""一数一源: only the authoritative source writes; others report discrepancies; history answers "as of"."""

from __future__ import annotations

from datetime import date

import pytest

from yiwang.accounts.models import Department
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.fields import BlindIndexField
from yiwang.core.models import AuditEntry
from yiwang.registries.elements import load_elements
from yiwang.registries.models import DataElement, Discrepancy, RecordVersion
from yiwang.registries.services import (
    NotAuthoritative,
    history,
    record_as_of,
    report_discrepancy,
    resolve_discrepancy,
    update_record,
)
from yiwang.registries.tests import factories


@pytest.fixture
def setup(org, make_official):
    load_elements()
    hrss = Department.objects.create(
        code="330106-RSJ", name="西湖区人力资源和社会保障局", division=org.xihu, kind=Department.Kind.HUMAN_RESOURCES
    )
    Department.objects.filter(pk=org.xihu_samr.pk).update(kind=Department.Kind.MARKET_REGULATION)
    org.xihu_samr.refresh_from_db()
    rep = factories.person(org.xihu_town, name="孙法人")
    entity = factories.entity(org.xihu_town, rep, name="西湖精密制造有限公司")
    hr_official = make_official("hr", hrss)  # a role in the department, not membership alone (decision 0010)
    samr_official = make_official("samr", org.xihu_samr)
    return entity, hrss, hr_official, samr_official


@pytest.mark.django_db
def test_catalogue_binds_every_registry_field():
    from yiwang.registries.models import LegalEntity, Person

    load_elements()
    assert load_elements() == 0  # idempotent
    for model, registry in ((Person, "person"), (LegalEntity, "entity")):
        for field in model._meta.concrete_fields:
            if not field.primary_key and not isinstance(field, BlindIndexField):
                assert DataElement.objects.filter(registry=registry, field_name=field.name).exists(), field.name


@pytest.mark.django_db
def test_source_writes_and_history_answers_as_of(setup):
    entity, hrss, hr_official, _ = setup
    update_record(
        entity,
        {"headcount": 40},
        department=hrss,
        actor=hr_official,
        reason="2025 年中参保核定",
        valid_from=date(2025, 6, 1),
    )
    update_record(
        entity,
        {"headcount": 55},
        department=hrss,
        actor=hr_official,
        reason="2025 年末参保核定",
        valid_from=date(2025, 12, 1),
    )
    assert record_as_of(entity, date(2025, 6, 30))["headcount"] == 40
    assert record_as_of(entity, date(2025, 5, 31))["headcount"] == 25  # the value it was registered with
    assert record_as_of(entity, date(2026, 1, 1))["headcount"] == 55
    assert record_as_of(entity, date(2018, 1, 1)) is None  # before it was founded
    versions = history(entity)
    assert [v.version for v in versions] == [0, 1, 2]
    assert versions[2].changed == ["headcount"] and versions[2].actor == hr_official
    assert AuditEntry.objects.filter(action="registry.entity.update").count() == 2


@pytest.mark.django_db
def test_a_role_of_the_source_in_another_division_is_refused(setup, org, make_official):
    """Role × department × division: the source department's clerk whose role covers 上城区 cannot write 西湖区."""
    entity, hrss, _hr, _samr = setup
    elsewhere = make_official("hr_for_shangcheng", hrss, division=org.shangcheng)
    with pytest.raises(PermissionDenied) as exc:
        update_record(entity, {"headcount": 99}, department=hrss, actor=elsewhere, reason="核定")
    assert exc.value.field == "department"
    entity.refresh_from_db()
    assert entity.headcount == 25 and not RecordVersion.objects.exists()


@pytest.mark.django_db
def test_non_authoritative_write_is_refused_and_changes_nothing(setup):
    entity, _hrss, _hr, samr_official = setup
    with pytest.raises(NotAuthoritative) as exc:
        update_record(
            entity,
            {"name": "新名称有限公司", "headcount": 99},
            department=samr_official.department,
            actor=samr_official,
            reason="测试",
        )
    assert exc.value.field == "headcount"
    assert "权威来源" in str(exc.value.message)
    entity.refresh_from_db()
    assert (entity.name, entity.headcount) == ("西湖精密制造有限公司", 25)
    assert not RecordVersion.objects.exists()


@pytest.mark.django_db
def test_invalid_value_or_missing_reason_changes_nothing(setup):
    entity, hrss, hr_official, _ = setup
    with pytest.raises(ValidationFailed) as exc:
        update_record(entity, {"headcount": -3}, department=hrss, actor=hr_official, reason="核定")
    assert exc.value.field == "headcount"
    with pytest.raises(ValidationFailed) as exc:
        update_record(entity, {"headcount": 30}, department=hrss, actor=hr_official, reason=" ")
    assert exc.value.field == "reason"
    entity.refresh_from_db()
    assert entity.headcount == 25 and not RecordVersion.objects.exists()


@pytest.mark.django_db
def test_discrepancy_is_resolved_by_the_source_only(setup):
    entity, _hrss, hr_official, samr_official = setup
    report = report_discrepancy(
        entity,
        "headcount",
        31,
        actor=samr_official,
        department=samr_official.department,
        note="现场检查核实从业人数为 31 人",
    )
    assert report.current_value == 25 and report.status == Discrepancy.Status.OPEN
    with pytest.raises(NotAuthoritative):
        resolve_discrepancy(report, accept=True, actor=samr_official, resolution="采纳")
    resolve_discrepancy(report, accept=True, actor=hr_official, resolution="经核实采纳")
    entity.refresh_from_db()
    assert entity.headcount == 31
    with pytest.raises(Conflict):
        resolve_discrepancy(report, accept=False, actor=hr_official, resolution="重复处理")


@pytest.mark.django_db
def test_element_value_reads_people_by_name_codes_by_code_and_values_as_stored(org):
    from yiwang.registries.elements import element_value
    from yiwang.registries.tests import factories

    representative = factories.person(org.xihu, name="李四")
    company = factories.entity(org.xihu, representative)
    assert element_value(company, "legal_representative") == "李四"
    assert element_value(company, "division") == org.xihu.code
    assert element_value(company, "industry") == "65"
    assert element_value(company, "founding_date") == company.founding_date
    assert element_value({"risk_class": "B"}, "risk_class") == "B"


@pytest.mark.django_db
def test_the_bulk_risk_class_agrees_with_the_current_rating(org):
    from yiwang.registries.credit import current_rating, current_risk_class_expression
    from yiwang.registries.models import CreditRating, LegalEntity
    from yiwang.registries.tests import factories

    company = factories.entity(org.xihu, factories.person(org.xihu))
    CreditRating.objects.create(entity=company, risk_class="A", rated_on=date(2026, 1, 1), department=org.xihu_samr)
    CreditRating.objects.create(entity=company, risk_class="C", rated_on=date(2026, 6, 1), department=org.xihu_samr)
    annotated = LegalEntity.objects.annotate(risk_class=current_risk_class_expression()).get(pk=company.pk)
    assert annotated.risk_class == current_rating(company).risk_class == "C"
