"""好差评 with mandatory rectification and follow-up; 授权代办 with both parties recorded; revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from yiwang.applications.delegation import grant_delegation, revoke_delegation
from yiwang.applications.feedback import public_statistics, rate_application, record_follow_up, record_rectification
from yiwang.applications.lifecycle import State
from yiwang.applications.models import Application, Rectification
from yiwang.applications.services import act, submit_application
from yiwang.applications.tests import factories
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry

PERSON_FORM = {
    "type": "object",
    "required": ["name", "reason"],
    "properties": {
        "name": {"type": "string", "title": "姓名", "x-element": "person.name"},
        "id_number": {"type": "string", "title": "公民身份号码", "x-element": "person.id_number"},
        "reason": {"type": "string", "title": "申领事由", "maxLength": 100},
    },
}


@pytest.fixture
def residence_item(org, calendar):
    from yiwang.catalog.tests.factories import service_item

    return service_item(
        org.xihu_samr,
        org.xihu,
        item_code="11330106MB0000002-001",
        basic_code="00012345700Y",
        name="居住证签发",
        item_type="confirmation",
        audience="person",
        legal_basis="《居住证暂行条例》第九条",
        conditions="居住半年以上",
        legal_time_limit=15,
        promised_time_limit=7,
        form_schema=PERSON_FORM,
    )


@pytest.fixture
def elder_and_son(org):
    from yiwang.accounts.models import User
    from yiwang.registries.tests import factories

    elder = factories.person(org.xihu_town, name="朱奶奶", gender="F")
    principal = User.objects.create_user(
        username="elder", password="x" * 12, id_number=elder.id_number, full_name="朱奶奶"
    )
    son = User.objects.create_user(username="son", password="x" * 12, full_name="朱儿子")
    return principal, son


@pytest.mark.django_db
def test_delegate_applies_for_the_principal(residence_item, elder_and_son):
    principal, son = elder_and_son
    with pytest.raises(PermissionDenied):
        submit_application(
            residence_item,
            user=son,
            form_data={"reason": "异地居住"},
            idempotency_key="k-000000001",
            on_behalf_of=principal,
        )
    today = timezone.localdate()
    delegation = grant_delegation(
        principal,
        son,
        relationship="子女",
        valid_from=today,
        valid_until=today + timedelta(days=365),
        items=[residence_item],
    )
    application = submit_application(
        residence_item,
        user=son,
        form_data={"reason": "异地居住"},
        idempotency_key="k-000000002",
        on_behalf_of=principal,
    )
    assert application.applicant_id == principal.id_number and application.form_data["name"] == "朱奶奶"
    assert application.submitted_by == son and application.on_behalf_of == principal
    entry = AuditEntry.objects.filter(action="application.submit").latest("seq")
    assert entry.on_behalf_of == "elder" and entry.actor == son
    revoke_delegation(delegation, actor=principal)
    with pytest.raises(PermissionDenied):
        submit_application(
            residence_item,
            user=son,
            form_data={"reason": "异地居住"},
            idempotency_key="k-000000003",
            on_behalf_of=principal,
        )


@pytest.mark.django_db
def test_bad_rating_opens_rectification_with_follow_up(org, make_official, residence_item, elder_and_son):
    principal, _son = elder_and_son
    clerk = make_official("clerk", org.xihu_samr)
    application = factories.application(residence_item, principal, reason="就业")
    with pytest.raises(Conflict):
        rate_application(application, actor=principal, score=5)  # not finished yet
    for action in ("accept", "approve", "complete"):
        act(application, action, actor=clerk)
    application = Application.objects.get(pk=application.pk)
    assert application.state == State.COMPLETED
    with pytest.raises(ValidationFailed) as exc:
        rate_application(application, actor=principal, score=1)
    assert exc.value.field == "comment"
    rate_application(application, actor=principal, score=1, comment="窗口让我跑了三次")
    with pytest.raises(Conflict):
        rate_application(application, actor=principal, score=5)
    case = Rectification.objects.get()
    assert case.status == Rectification.Status.OPEN and case.due_on > timezone.localdate()
    with pytest.raises(PermissionDenied):
        record_rectification(case, actor=make_official("other", org.shangcheng_samr), measures="无")
    with pytest.raises(PermissionDenied):  # the rated department's role, but over another division
        record_rectification(case, actor=make_official("far", org.xihu_samr, division=org.shangcheng), measures="无")
    record_rectification(case, actor=clerk, measures="实行一次性告知，材料清单上墙")
    record_follow_up(case, actor=clerk, note="电话回访，申请人表示认可", satisfied=True)
    assert Rectification.objects.get().status == Rectification.Status.CLOSED
    stats = list(public_statistics())
    assert stats[0]["count"] == 1 and stats[0]["good"] == 0


@pytest.mark.django_db
def test_rectification_pages(client, org, make_official, residence_item, elder_and_son):
    principal, _son = elder_and_son
    clerk = make_official("clerk", org.xihu_samr)
    application = submit_application(
        residence_item, user=principal, form_data={"reason": "就业"}, idempotency_key="k-000000020"
    )
    for action in ("accept", "approve", "complete"):
        act(application, action, actor=clerk)
    rate_application(Application.objects.get(pk=application.pk), actor=principal, score=2, comment="等候太久")
    client.force_login(clerk)
    page = client.get("/workbench/rectifications/").content.decode()
    assert "等候太久" in page
    case = Rectification.objects.get()
    client.post("/workbench/rectifications/", {"case": case.pk, "text": "增设取号窗口"})
    client.post("/workbench/rectifications/", {"case": case.pk, "text": "回访满意", "satisfied": "yes"})
    case.refresh_from_db()
    assert case.status == Rectification.Status.CLOSED and case.applicant_satisfied is True
    client.force_login(make_official("other", org.shangcheng_samr))
    assert "等候太久" not in client.get("/workbench/rectifications/").content.decode()


@pytest.mark.django_db
def test_delegation_pages(client, residence_item, elder_and_son):
    principal, son = elder_and_son
    client.force_login(principal)
    until = (timezone.localdate() + timedelta(days=30)).isoformat()
    client.post("/applications/delegations/", {"delegate": "son", "relationship": "子女", "valid_until": until})
    client.force_login(son)
    page = client.get(f"/applications/apply/{residence_item.item_code}/").content.decode()
    assert "代 朱奶奶 办理" in page
    response = client.post(
        f"/applications/apply/{residence_item.item_code}/?for={principal.pk}",
        {"idempotency_key": "web-00000001", "on_behalf_of": principal.pk, "reason": "探亲"},
    )
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.on_behalf_of == principal and application.form_data["name"] == "朱奶奶"
