"""The pages: the public draw page and its files, the 行政行为码 page, the firm's view, the officers' pages."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from yiwang.accounts.models import User
from yiwang.regulation.models import Inspection
from yiwang.regulation.services import inspections
from yiwang.regulation.tests.test_draws import drawn, joint_plan
from yiwang.regulation.tests.test_inspections import fill_all


@pytest.mark.django_db
def test_the_public_draw_page_shows_the_proof_and_serves_the_files_that_verify(city, client, tmp_path, capsys):
    draw = drawn(joint_plan(city), city.planner)
    page = client.get(reverse("regulation:draw", args=[draw.number])).content.decode()
    assert draw.commitment in page and draw.seed in page and f"yiwang draw verify {draw.number}" in page
    assert city.firms[0].name in page
    for name in ("plan.json", "targets.tsv", "officers.tsv", "randomness.json", "result.json"):
        response = client.get(reverse("regulation:draw_file", args=[draw.number, name]))
        (tmp_path / name).write_bytes(response.content)
    call_command("draw", "verify", str(tmp_path))
    call_command("draw", "verify", draw.number)
    assert capsys.readouterr().out.count("OK") == 2


@pytest.mark.django_db
def test_the_code_page_shows_officers_and_items_and_lets_the_firm_rate(city, client):
    drawn(joint_plan(city), city.planner)
    visit = Inspection.objects.order_by("code").first()
    page = client.get(reverse("regulation:code", args=[visit.code])).content.decode()
    for officer in visit.officer_list():
        assert officer.certificate_no in page
    assert "综合查一次" in page
    firm = User.objects.create_user(
        username="firm", password="x", kind="agent", enterprise_uscc=visit.target.entity.uscc
    )
    client.force_login(firm)
    mine = client.get(reverse("regulation:mine")).content.decode()
    assert visit.code in mine and "进门次数" in mine


@pytest.mark.django_db
def test_officials_notify_fill_on_the_phone_page_and_review(city, client):
    drawn(joint_plan(city), city.planner)
    visit = Inspection.objects.order_by("code").first()
    client.force_login(city.planner)
    assert client.get(reverse("regulation:workbench:home")).status_code == 200
    client.post(reverse("regulation:workbench:inspection", args=[visit.code]), {"notify": "1"})
    visit.refresh_from_db()
    assert visit.status == Inspection.Status.NOTIFIED
    officer = visit.officer_list()[0]
    client.force_login(officer.user)
    url = reverse("regulation:workbench:checklist", args=[visit.code])
    response = client.post(url, {"item": inspections.items_of(visit)[0].code, "outcome": "issue", "note": ""})
    assert "不符合的事项须写明问题" in response.content.decode()
    for item in inspections.items_of(visit):
        client.post(url, {"item": item.code, "outcome": "ok", "note": ""})
    client.post(url, {"result": "pass", "summary": "良好"})
    visit.refresh_from_db()
    assert visit.status == Inspection.Status.SUBMITTED
    client.force_login(city.reviewer)
    client.post(reverse("regulation:workbench:inspection", args=[visit.code]), {"decision": "approve", "note": ""})
    visit.refresh_from_db()
    assert visit.status == Inspection.Status.PUBLISHED
    public = client.get(reverse("regulation:results", args=[visit.target.entity.uscc])).content.decode()
    assert "未发现问题" in public


@pytest.mark.django_db
def test_an_official_of_another_department_sees_no_visit_of_this_one(city, client, make_official, org):
    from yiwang.accounts.models import Department

    drawn(joint_plan(city), city.planner)
    visit = Inspection.objects.first()
    other = Department.objects.create(code="330102-WJW", name="上城区卫生健康局", division=org.shangcheng)
    client.force_login(make_official("stranger", other))
    assert client.get(reverse("regulation:workbench:inspection", args=[visit.code])).status_code == 404


@pytest.mark.django_db
def test_an_official_files_a_case_from_a_visit_and_takes_it_to_a_decision(city, client):
    from yiwang.regulation.models import EnforcementCase

    drawn(joint_plan(city), city.planner)
    visit = Inspection.objects.order_by("code").first()
    client.force_login(city.planner)
    assert visit.code in client.get(reverse("regulation:workbench:home")).content.decode()
    response = client.post(
        reverse("regulation:workbench:cases"),
        {"uscc": visit.target.code, "origin": "inspection", "inspection": visit.code, "facts": "销售过期食品"},
    )
    case = EnforcementCase.objects.get()
    assert response.status_code == 302 and response.url == reverse("regulation:workbench:case", args=[case.number])
    assert case.number in client.get(reverse("regulation:workbench:cases")).content.decode()


@pytest.mark.django_db
def test_the_firms_rating_and_objection_reach_the_officials_page_of_the_visit(city, client):
    drawn(joint_plan(city), city.planner)
    visit = Inspection.objects.order_by("code").first()
    firm = User.objects.create_user(
        username="firm", password="x", kind="agent", enterprise_uscc=visit.target.entity.uscc
    )
    client.force_login(city.planner)
    url = reverse("regulation:workbench:inspection", args=[visit.code])
    assert "企业尚未评价" in client.get(url).content.decode()
    inspections.notify_inspection(visit, actor=city.planner)
    visit = fill_all(visit)
    inspections.review_inspection(visit, actor=city.reviewer, approve=True)
    inspections.rate_inspection(visit, user=firm, score=2, comment="时间过长", objection="检查人员未出示执法证")
    page = client.get(url).content.decode()
    assert "评分 2 / 5" in page and "时间过长" in page
    assert 'id="firm-objection"' in page and "检查人员未出示执法证" in page
