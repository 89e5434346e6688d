"""Plans and verifiable draws through the services: commitment, seed, recusal over the registries, joint visits."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.registries.credit import rate_entity
from yiwang.regulation.models import Inspection, InspectionDraw, InspectionPart, InspectorRelation, Lead
from yiwang.regulation.services import draws, plans, rosters
from yiwang.regulation.tests.conftest import YEAR

SCRIPT = Path(__file__).resolve().parents[4] / "tools" / "verify_draw.py"
LOTTERY = "3 17 22 28 30 33\n9"


def joint_plan(city, code="P-JOINT"):
    return plans.create_plan(
        code=code,
        name="餐饮单位联合抽查",
        year=YEAR,
        division=city.org.xihu,
        lead_department=city.samr,
        period_start=date(YEAR, 1, 1),
        period_end=date(YEAR, 12, 31),
        tasks=[plans.TaskSpec(city.samr, city.samr_items), plans.TaskSpec(city.health, city.health_items)],
        actor=city.planner,
    )


def single_plan(city, department, items, actor, code):
    return plans.create_plan(
        code=code,
        name=code,
        year=YEAR,
        division=city.org.xihu,
        lead_department=department,
        period_start=date(YEAR, 1, 1),
        period_end=date(YEAR, 12, 31),
        tasks=[plans.TaskSpec(department, items)],
        actor=actor,
    )


def drawn(plan, actor, value=LOTTERY):
    draw = draws.commit_draw(plan, actor=actor, source="lottery", source_reference="福彩双色球 第2026001期")
    return draws.perform_draw(draw, value, actor=actor)


def publish(draw, folder: Path) -> Path:
    for name, text in draws.published_files(draw).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.mark.django_db
def test_a_published_draw_is_re_run_by_the_standalone_script_and_a_changed_roster_fails(city, tmp_path):
    draw = drawn(joint_plan(city), city.planner)
    folder = publish(draw, tmp_path)
    ok = subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True, check=False)
    assert ok.returncode == 0, ok.stdout
    assert draws.verify_files(draws.published_files(draw)) == []
    targets = (folder / "targets.tsv").read_bytes()
    (folder / "targets.tsv").write_bytes(targets.replace(b"\tB\t", b"\tA\t", 1))
    bad = subprocess.run([sys.executable, str(SCRIPT), str(folder)], capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and "commitment" in bad.stdout
    assert AuditEntry.objects.filter(action="regulation.draw.commit").count() == 1
    assert AuditEntry.objects.filter(action="regulation.draw.perform").count() == 1


@pytest.mark.django_db
def test_no_officer_is_matched_with_a_firm_he_is_related_to_in_the_registries(city):
    s0, s1, s2 = city.officers["s0"], city.officers["s1"], city.officers["s2"]
    f0, f1, f2 = city.firms[:3]
    rosters.link_inspector(s0, actor=city.planner, person=f0.legal_representative)  # he represents the firm
    rosters.declare_relation(s1, InspectorRelation.Kind.FAMILY, actor=city.planner, person=f1.legal_representative)
    s2.person.address = f2.address  # lives at the firm's address
    s2.person.save()
    rosters.declare_relation(s2, InspectorRelation.Kind.FORMER_EMPLOYER, actor=city.planner, entity=city.firms[3])
    draw = drawn(joint_plan(city), city.planner)
    forbidden = {(s0.pk, f0.pk), (s1.pk, f1.pk), (s2.pk, f2.pk), (s2.pk, city.firms[3].pk)}
    pairs = {
        (officer.pk, inspection.target.entity_id)
        for inspection in Inspection.objects.all()
        for officer in inspection.officer_list()
    }
    assert len({p[1] for p in pairs}) == 12  # every firm drawn (ratios of 100%), every one staffed
    assert not pairs & forbidden
    assert draw.status == InspectionDraw.Status.DRAWN


@pytest.mark.django_db
def test_a_joint_plan_gives_one_visit_per_firm_with_both_departments_and_two_officers_or_more(city):
    drawn(joint_plan(city), city.planner)
    assert Inspection.objects.count() == 12
    for inspection in Inspection.objects.all():
        assert {p.department for p in inspection.active_parts()} == {city.samr, city.health}
        assert len(inspection.officer_list()) >= 2
        assert {o.department for o in inspection.officer_list()} == {city.samr, city.health}


@pytest.mark.django_db
def test_a_firm_drawn_by_another_department_in_the_same_period_is_merged_into_one_visit(city):
    drawn(single_plan(city, city.samr, city.samr_items, city.planner, "P-SAMR"), city.planner)
    drawn(single_plan(city, city.health, city.health_items, city.health_planner, "P-WJW"), city.health_planner)
    assert Inspection.objects.count() == 12
    assert InspectionPart.objects.count() == 24
    for inspection in Inspection.objects.all():
        assert {p.department for p in inspection.active_parts()} == {city.samr, city.health}


@pytest.mark.django_db
def test_a_redraw_is_a_new_linked_draw_with_a_reason_and_deletes_nothing(city):
    plan = joint_plan(city)
    first = drawn(plan, city.planner)
    with pytest.raises(Conflict):
        draws.commit_draw(plan, actor=city.planner, source="lottery", source_reference="x")
    with pytest.raises(ValidationFailed) as exc:
        draws.commit_draw(plan, actor=city.planner, source="lottery", source_reference="x", redraw_of=first)
    assert exc.value.field == "reason"
    second = draws.commit_draw(
        plan, actor=city.planner, source="lottery", source_reference="下一期", redraw_of=first, reason="名录库导入有误"
    )
    draws.perform_draw(second, "1 2 3", actor=city.planner)
    first.refresh_from_db()
    assert first.status == InspectionDraw.Status.SUPERSEDED and first.result_json
    assert InspectionPart.objects.filter(draw=first, active=False).count() == 24
    assert InspectionPart.objects.filter(draw=second, active=True).count() == 24
    with pytest.raises(Conflict):
        draws.perform_draw(second, "4 5 6", actor=city.planner)


@pytest.mark.django_db
def test_the_randomness_must_come_after_the_commitment(city):
    plan = joint_plan(city)
    with pytest.raises(ValidationFailed) as exc:
        draws.commit_draw(plan, actor=city.planner, source="beacon", source_reference="1000")
    assert exc.value.field == "source_reference"
    future = int((draws.timezone.now().timestamp() - draws.DRAND_QUICKNET_GENESIS) // 3) + 1000
    draw = draws.commit_draw(plan, actor=city.planner, source="beacon", source_reference=str(future))
    with pytest.raises(Conflict):
        draws.perform_draw(draw, "ab" * 32, actor=city.planner)


@pytest.mark.django_db
def test_an_a_class_firm_is_not_drawn_twice_a_year_unless_a_complaint_says_otherwise(city):
    for firm in city.firms:
        rate_entity(firm, "A", rated_on=date(YEAR, 1, 1), department=city.samr, actor=city.planner)
    drawn(single_plan(city, city.samr, city.samr_items, city.planner, "P-1"), city.planner)
    Lead.objects.create(
        entity=city.firms[0],
        department=city.samr,
        kind=Lead.Kind.COMPLAINT,
        summary="消费者投诉",
        received_on=date.today(),
    )
    draw = drawn(single_plan(city, city.samr, city.samr_items, city.planner, "P-2"), city.planner)
    excluded = {line.split("\t")[0] for line in draw.targets_tsv.splitlines() if line.split("\t")[2] == "1"}
    assert excluded == {f.uscc for f in city.firms[1:]}
    assert [v["target"] for v in draws.engine.json.loads(draw.result_json)["visits"]] == [city.firms[0].uscc]


@pytest.mark.django_db
def test_missing_ratios_are_a_clear_error_naming_the_classes(city):
    from yiwang.regulation.models import SamplingRatio

    SamplingRatio.objects.filter(risk_class="C").delete()
    with pytest.raises(ValidationFailed) as exc:
        draws.commit_draw(joint_plan(city), actor=city.planner, source="lottery", source_reference="x")
    assert exc.value.field == "ratios" and "C" in str(exc.value.message)
