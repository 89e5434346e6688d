"""A visit from notice to publication: the firm is told, officers fill the checklist, a reviewer publishes."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yiwang.accounts.models import User
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.models import Notification
from yiwang.core.workdays import add_working_days
from yiwang.registries.models import CreditRecord
from yiwang.regulation.models import ChecklistEntry, Inspection
from yiwang.regulation.services import inspections as svc
from yiwang.regulation.tests.test_draws import drawn, joint_plan


@pytest.fixture
def visit(city):
    drawn(joint_plan(city), city.planner)
    return Inspection.objects.select_related("target__entity").order_by("code").first()


@pytest.fixture
def firm_user(visit):
    return User.objects.create_user(
        username="firm", password="x", kind=User.Kind.AGENT, enterprise_uscc=visit.target.entity.uscc
    )


def officer_users(visit):
    return [o.user for o in visit.officer_list()]


def fill_all(visit, result=Inspection.Result.PASS):
    user = officer_users(visit)[0]
    for item in svc.items_of(visit):
        outcome = ChecklistEntry.Outcome.OK if result == Inspection.Result.PASS else ChecklistEntry.Outcome.ISSUE
        svc.record_entry(
            visit, item, outcome, actor=user, note="现场核查", evidence=SimpleUploadedFile("a.jpg", b"jpg")
        )
    return svc.submit_inspection(visit, result, "现场检查完毕", actor=user)


@pytest.mark.django_db
def test_the_firm_gets_the_double_list_and_the_result_reaches_the_public_page(city, visit, firm_user):
    svc.notify_inspection(visit, actor=city.planner)
    notice = Notification.objects.get(recipient=firm_user, dedupe_key=f"regulation.notice.{visit.code}")
    for officer in visit.officer_list():
        assert officer.certificate_no in notice.body
    assert svc.items_of(visit)[0].name in notice.body and "营业执照" in notice.body
    assert notice.url == svc.code_path(visit)
    visit = fill_all(visit)
    assert visit.publish_due_on == add_working_days(date.today(), 20)
    assert not svc.published_for(visit.target.entity).exists()
    svc.review_inspection(visit, actor=city.reviewer, approve=True)
    assert list(svc.published_for(visit.target.entity)) == [visit]
    svc.rate_inspection(visit, user=firm_user, score=5, comment="规范文明")
    with pytest.raises(Conflict):
        svc.rate_inspection(visit, user=firm_user, score=1)
    assert svc.burden(visit.target.entity, visit.year)["进门次数"] == 1


@pytest.mark.django_db
def test_only_the_drawn_officers_fill_the_checklist_and_they_cannot_review_it(city, visit):
    svc.notify_inspection(visit, actor=city.planner)
    outsider = next(o for o in city.officers.values() if o not in visit.officer_list())
    item = svc.items_of(visit)[0]
    with pytest.raises(PermissionDenied):
        svc.record_entry(visit, item, "ok", actor=outsider.user)
    with pytest.raises(ValidationFailed) as exc:
        svc.record_entry(visit, item, "issue", actor=officer_users(visit)[0])
    assert exc.value.field == "note"
    svc.record_entry(visit, item, "ok", actor=officer_users(visit)[0])
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_inspection(visit, "pass", "", actor=officer_users(visit)[0])
    assert exc.value.field == "result"  # items left unfilled are named
    fill_all(visit)
    officer_user = officer_users(visit)[0]
    with pytest.raises(PermissionDenied):
        svc.review_inspection(visit, actor=officer_user, approve=True)


@pytest.mark.django_db
def test_a_firm_that_cannot_be_found_at_its_address_is_written_to_the_credit_registry(city, visit):
    svc.notify_inspection(visit, actor=city.planner)
    visit = fill_all(visit, Inspection.Result.ABSENT)
    svc.review_inspection(visit, actor=city.reviewer, approve=True)
    record = CreditRecord.objects.get(entity=visit.target.entity)
    assert record.kind == CreditRecord.Kind.BLACK_LIST and visit.code in record.title
    assert record.department == city.samr
