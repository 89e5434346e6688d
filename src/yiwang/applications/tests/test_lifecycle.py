"""An application from submission to completion: 免填, 免提交, idempotency, guards, time limits, certificate."""

from __future__ import annotations

from datetime import date

import pytest

from yiwang.applications.deadlines import deadline_colour
from yiwang.applications.forms_data import FormInvalid
from yiwang.applications.lifecycle import State
from yiwang.applications.models import Application, ApplicationEvent
from yiwang.applications.services import act, submit_application
from yiwang.applications.tests.conftest import fixed_today
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry


def _licence(org, make_official, enterprise):
    from yiwang.certificates.services import issue_certificate

    registrar = make_official("registrar", org.xihu_samr)
    return issue_certificate(
        cert_type="business_licence",
        holder_id=enterprise.uscc,
        holder_name=enterprise.name,
        content={
            "name": enterprise.name,
            "entity_type": "有限责任公司",
            "legal_representative": "杨老板",
            "registered_capital": "100 万元",
            "founding_date": "2019-03-01",
            "address": enterprise.address,
            "business_scope": "餐饮服务",
        },
        department=org.xihu_samr,
        actor=registrar,
    )


def _submit(item, agent, plan=None, key="key-000000001", **form):
    data = {
        "business_premises": "文三路 100 号一楼",
        "main_business_format": "餐饮服务经营者",
        "business_items": "热食类食品制售",
        **form,
    }
    uploads = {item.materials.get(position=2).pk: plan} if plan else {}
    return submit_application(item, user=agent, form_data=data, idempotency_key=key, uploads=uploads)


@pytest.mark.django_db
def test_prefill_certificate_reuse_and_idempotent_submit(org, make_official, food_item, enterprise, agent, plan):
    licence = _licence(org, make_official, enterprise)
    first = _submit(food_item, agent, plan, operator_name="别人家的公司")
    again = _submit(food_item, agent, plan)
    assert first.pk == again.pk and Application.objects.count() == 1  # double submit: one application
    assert first.form_data["operator_name"] == enterprise.name  # 免填: the registry wins over what was typed
    assert set(first.prefilled_fields) == {"operator_name", "uscc", "address", "legal_representative"}
    assert first.form_data["legal_representative"] == "杨老板"
    materials = {m.requirement.name: m for m in first.materials.all()}
    assert materials["营业执照"].certificate == licence and not materials["营业执照"].file  # 免提交
    assert len(materials["经营场所平面图"].sm3) == 64
    assert first.application_no.startswith("330106") and first.state == State.SUBMITTED


@pytest.mark.django_db
def test_bad_form_and_missing_material_change_nothing(food_item, agent, plan):
    with pytest.raises(FormInvalid) as exc:
        _submit(food_item, agent, plan, business_items="烧烤", staff="很多")
    assert set(exc.value.errors) == {"business_items", "staff"}
    with pytest.raises(ValidationFailed) as exc:
        _submit(food_item, agent, None)  # no business licence certificate and no floor plan
    assert exc.value.field == "materials" and "营业执照" in str(exc.value.message)
    assert not Application.objects.exists() and not AuditEntry.objects.filter(action="application.submit").exists()


@pytest.mark.django_db
def test_correction_then_approval_issues_the_certificate(org, make_official, food_item, enterprise, agent, plan):
    _licence(org, make_official, enterprise)
    official = make_official("clerk", org.xihu_samr)
    app = _submit(food_item, agent, plan)
    with pytest.raises(ValidationFailed):
        act(app, "request_correction", actor=official, items=[])  # 一次性告知 needs the full list
    act(app, "request_correction", actor=official, items=["经营场所地址应写到门牌号", "平面图须标注功能间"])
    app.refresh_from_db()
    assert app.state == State.CORRECTION_REQUESTED and len(app.correction_items) == 2
    with pytest.raises(PermissionDenied):
        act(app, "resubmit", actor=official)
    act(app, "resubmit", actor=agent, form_data={"business_premises": "文三路 100 号 1 楼 101 室", "uscc": "篡改"})
    app.refresh_from_db()
    assert app.form_data["business_premises"].endswith("101 室") and app.form_data["uscc"] == enterprise.uscc
    act(app, "accept", actor=official)
    act(app, "approve", actor=official)
    done = act(app, "complete", actor=official)
    assert done.state == State.COMPLETED and done.result_certificate is not None
    assert done.result_certificate.holder_id == enterprise.uscc
    timeline = list(ApplicationEvent.objects.filter(application=app).values_list("action", flat=True))
    assert timeline == ["submit", "request_correction", "resubmit", "accept", "approve", "complete"]


@pytest.mark.django_db
def test_guards_state_and_scope(org, make_official, food_item, enterprise, agent, plan):
    _licence(org, make_official, enterprise)
    app = _submit(food_item, agent, plan)
    outsider = make_official("outsider", org.shangcheng_samr)
    with pytest.raises(PermissionDenied):
        act(app, "accept", actor=outsider)
    only_acceptor = make_official("acceptor", org.xihu_samr, roles=("acceptor",))
    act(app, "accept", actor=only_acceptor)
    with pytest.raises(PermissionDenied):
        act(app, "approve", actor=only_acceptor)  # approving needs the approver role
    with pytest.raises(Conflict):
        act(app, "accept", actor=only_acceptor)  # already accepted
    with pytest.raises(ValidationFailed) as exc:
        act(app, "deny", actor=make_official("approver", org.xihu_samr, roles=("approver",)))
    assert exc.value.field == "note"
    app.refresh_from_db()
    assert app.state == State.ACCEPTED


@pytest.mark.django_db
def test_a_role_in_another_division_is_refused(org, make_official, food_item, enterprise, agent, plan):
    """The implementing department's own role, but over 上城区: it does not reach a 西湖区 case (acts_for)."""
    _licence(org, make_official, enterprise)
    app = _submit(food_item, agent, plan)
    elsewhere = make_official("elsewhere", org.xihu_samr, division=org.shangcheng)
    with pytest.raises(PermissionDenied) as exc:
        act(app, "accept", actor=elsewhere)
    assert exc.value.field == "actor"
    act(app, "accept", actor=make_official("here", org.xihu_samr, division=org.xihu))
    assert Application.objects.get(pk=app.pk).state == State.ACCEPTED


@pytest.mark.django_db
def test_deadline_across_national_day_and_paused_clock(
    monkeypatch, org, make_official, food_item, enterprise, agent, plan
):
    _licence(org, make_official, enterprise)
    official = make_official("clerk", org.xihu_samr)
    app = _submit(food_item, agent, plan)
    fixed_today(monkeypatch, date(2026, 9, 29))
    act(app, "accept", actor=official)
    app.refresh_from_db()
    # 5 working days after Tue 29 Sep: 30 Sep, (1–7 Oct off) 8, 9, Sat 10 Oct (a make-up working day), 12 Oct
    assert app.due_on == date(2026, 10, 12)
    assert deadline_colour(app, today=date(2026, 10, 8)) == "green"
    assert deadline_colour(app, today=date(2026, 10, 9)) == "yellow"
    assert deadline_colour(app, today=date(2026, 10, 13)) == "red"
    act(app, "suspend", actor=official, note="现场核查")
    assert deadline_colour(Application.objects.get(pk=app.pk)) == "paused"
    fixed_today(monkeypatch, date(2026, 10, 16))  # 9 working days later: 30 Sep, 8, 9, 10, 12, 13, 14, 15, 16 Oct
    act(app, "resume", actor=official)
    app.refresh_from_db()
    assert app.due_on == date(2026, 10, 23)  # the clock stopped: the deadline moves back by those 9 working days


@pytest.mark.django_db
def test_the_applicant_is_told_of_each_step_once(org, make_official, food_item, enterprise, agent, plan):
    from yiwang.core.models import Notification

    _licence(org, make_official, enterprise)
    official = make_official("clerk", org.xihu_samr)
    app = _submit(food_item, agent, plan)
    with pytest.raises(ValidationFailed):
        act(app, "refuse", actor=official, note="")  # refused step: no message
    act(app, "request_correction", actor=official, items=["补充租赁合同"])
    messages = Notification.objects.filter(recipient=agent).order_by("pk")
    assert [m.channel for m in messages] == ["portal", "portal", "sms"]
    assert app.application_no in messages.last().body and "补正" in messages.last().body
