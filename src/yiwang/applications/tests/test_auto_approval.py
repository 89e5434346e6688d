"""秒批: rules over the application and registry data approve at once, or send the case to a person, explained."""

from __future__ import annotations

import pytest

from yiwang.applications.lifecycle import State
from yiwang.applications.models import Application
from yiwang.applications.services import submit_application
from yiwang.catalog.tests.factories import RESIDENCE_FORM as FORM
from yiwang.catalog.tests.factories import RESIDENCE_RULES as RULES
from yiwang.catalog.validation import publishing_problems


@pytest.fixture
def item(org, calendar):
    from yiwang.catalog.tests.factories import service_item

    return service_item(
        org.xihu_samr,
        org.xihu,
        item_code="11330106MB0000009-001",
        basic_code="00012345900Y",
        name="居住证签发（秒批）",
        item_type="confirmation",
        audience="person",
        legal_basis="《居住证暂行条例》第九条",
        conditions="在居住地居住半年以上",
        legal_time_limit=15,
        promised_time_limit=1,
        result_kind="proof",
        result_name="浙江省居住证",
        form_schema=FORM,
        approval_rules=RULES,
    )


@pytest.fixture
def citizen(org):
    from datetime import date

    from yiwang.accounts.models import User
    from yiwang.registries.tests import factories

    person = factories.person(org.xihu_town, name="秦居民", birth=date(1990, 4, 2))
    return User.objects.create_user(
        username="citizen", password="x" * 12, id_number=person.id_number, full_name="秦居民"
    )


def test_rules_are_checked_when_publishing(item):
    item.approval_rules = RULES.replace("person_birth_date", "person_shoe_size")
    problems = publishing_problems(item)
    assert any(p.field.startswith("approval_rules.") and "person_shoe_size" in p.message for p in problems)


@pytest.mark.django_db
def test_all_conditions_hold_completes_on_submission_with_explanation(
    item, citizen, client, django_capture_on_commit_callbacks
):
    """Completed by the submission itself, with no person (speed: ``benchmarks/auto_approval.py``)."""
    from yiwang.core.models import Notification

    with django_capture_on_commit_callbacks(execute=True):  # 秒批 runs once the submission is committed
        submitted = submit_application(item, user=citizen, form_data={"reason": "就业"}, idempotency_key="auto-000001")
    application = Application.objects.get(pk=submitted.pk)
    assert application.state == State.COMPLETED
    notices = list(Notification.objects.filter(recipient=citizen, channel="portal").values_list("body", flat=True))
    assert len(notices) == 2 and sum("秒批" in body for body in notices) == 1  # submitted; one for the decision
    decision = application.auto_decision
    assert decision["result"] == "true"
    adult = next(c for c in decision["conditions"] if c["id"] == "adult")
    assert adult["source"] == "person.birth_date" and adult["clause"] == "《居住证暂行条例》第二条"
    client.force_login(citizen)
    page = client.get(f"/applications/{application.application_no}/").content.decode()
    assert "全部条件满足，已自动准予" in page and "居住证暂行条例" in page


@pytest.mark.django_db
def test_a_failed_condition_goes_to_a_person_with_that_condition_marked(
    org, make_official, item, citizen, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submit_application(item, user=citizen, form_data={"reason": "其他"}, idempotency_key="auto-000002")
    application = Application.objects.get(pk=submitted.pk)
    assert application.state == State.SUBMITTED
    decision = application.auto_decision
    assert decision["result"] == "false"
    assert [c["id"] for c in decision["conditions"] if c["status"] == "failed"] == ["reason_given"]
    client.force_login(make_official("clerk", org.xihu_samr))
    page = client.get(f"/workbench/inbox/{application.application_no}/").content.decode()
    assert "转人工办理" in page and "不满足" in page
    assert '<dt class="col-sm-3">申领事由</dt>' in page  # the answers under the form's titles, not field names
    assert '<dt class="col-sm-3">reason</dt>' not in page


@pytest.mark.django_db
def test_a_crash_inside_the_submission_leaves_nothing_and_the_same_key_then_completes(item, citizen, monkeypatch):
    """Submission and 秒批 are one transaction: the server dying half-way (here: at the audit append) stores
    nothing, neither case nor number nor file, and re-sending the key completes the case."""
    from yiwang.core import audit
    from yiwang.core.models import AuditEntry

    real = audit.record_many

    def crash(entries):
        raise RuntimeError("the server died")

    entries = AuditEntry.objects.count()
    monkeypatch.setattr(audit, "record_many", crash)
    with pytest.raises(RuntimeError):
        submit_application(item, user=citizen, form_data={"reason": "就业"}, idempotency_key="auto-000003")
    assert not Application.objects.exists() and AuditEntry.objects.count() == entries
    monkeypatch.setattr(audit, "record_many", real)
    again = submit_application(item, user=citizen, form_data={"reason": "就业"}, idempotency_key="auto-000003")
    assert Application.objects.get(pk=again.pk).state == State.COMPLETED
    assert list(again.events.values_list("action", flat=True)) == ["submit", "accept", "approve", "complete"]
    assert audit.verify_chain().ok and AuditEntry.objects.count() == entries + 4


@pytest.mark.django_db
def test_a_submission_stored_undecided_is_decided_when_its_key_comes_again(
    item, citizen, monkeypatch, django_capture_on_commit_callbacks
):
    """The rules could not be checked when it was stored (or an older version stored it and died before deciding):
    the case waits undecided, and re-sending the key decides it."""
    from yiwang.applications import autoapproval

    real = autoapproval.approval_plan

    def broken(item):
        raise RuntimeError("the rule store was unreachable")

    monkeypatch.setattr(autoapproval, "approval_plan", broken)
    stored = submit_application(item, user=citizen, form_data={"reason": "就业"}, idempotency_key="auto-000004")
    stored = Application.objects.get(pk=stored.pk)
    assert (stored.state, stored.auto_decision) == (State.SUBMITTED, None)
    monkeypatch.setattr(autoapproval, "approval_plan", real)
    with django_capture_on_commit_callbacks(execute=True):
        again = submit_application(item, user=citizen, form_data={"reason": "就业"}, idempotency_key="auto-000004")
    assert again.pk == stored.pk
    assert Application.objects.get(pk=stored.pk).state == State.COMPLETED
    assert Application.objects.count() == 1
