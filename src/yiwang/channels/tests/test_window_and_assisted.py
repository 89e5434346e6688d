"""窗口收件 and 帮代办: identity checked in the population registry, the applicant confirms by SMS code, the case
records its channel and helper, the ledger the consent, and the applicant sees the case as their own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from yiwang.applications.models import Application, Channel
from yiwang.applications.selectors import applications_of
from yiwang.channels.models import Confirmation
from yiwang.channels.services import confirm_and_submit, start_confirmation
from yiwang.channels.tests.conftest import sent_code
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry

pytestmark = pytest.mark.django_db


def _start(helper, item, resident, kind="window", name=None):
    return start_confirmation(helper, item, id_number=resident.id_number, name=name or resident.name, kind=kind)


def test_a_walk_in_is_checked_in_the_registry_and_confirms_by_sms(clerk, item, resident):
    with pytest.raises(ValidationFailed) as wrong_name:
        _start(clerk, item, resident, name="王阿公")
    assert wrong_name.value.field == "name" and Confirmation.objects.count() == 0
    confirmation = _start(clerk, item, resident)
    applicant = confirmation.applicant
    assert applicant.full_name == "王阿婆" and applicant.phone == resident.phone and not applicant.has_usable_password()
    code = sent_code(applicant)
    assert code not in confirmation.code_digest  # only the digest is stored
    with pytest.raises(ValidationFailed) as wrong:
        confirm_and_submit(confirmation, clerk, code="000000" if code != "000000" else "111111",
                           form_data={"reason": "居住"}, idempotency_key="walk-in-0001")  # fmt: skip
    assert "还可再试 4 次" in str(wrong.value.message)
    assert Confirmation.objects.get().attempts == 1 and not Application.objects.exists()
    application = confirm_and_submit(
        confirmation, clerk, code=code, form_data={"reason": "居住"}, idempotency_key="walk-in-0001"
    )
    assert application.channel == Channel.WINDOW and application.assisted_by == clerk
    assert application.submitted_by == applicant and application.applicant_name == "王阿婆"
    assert application.form_data["name"] == "王阿婆"  # 免填 from the registry
    assert list(applications_of(applicant)) == [application]
    again = confirm_and_submit(
        Confirmation.objects.get(), clerk, code=code, form_data={"reason": "居住"}, idempotency_key="walk-in-0001"
    )
    assert again == application and Application.objects.count() == 1  # a repeated submit is the first
    entry = AuditEntry.objects.get(action="channels.window.confirmed")
    assert entry.on_behalf_of == applicant.username and entry.object_id == str(application.pk)
    submitted = AuditEntry.objects.get(action="application.submit")
    assert submitted.actor_id == clerk.pk and submitted.on_behalf_of == applicant.username
    assert submitted.data["channel"] == "window"


def test_only_the_items_own_acceptors_register_walk_ins(make_official, org, item, resident):
    other = make_official("other", org.shangcheng_samr, roles=("acceptor",))
    with pytest.raises(PermissionDenied):
        _start(other, item, resident)
    assert Confirmation.objects.count() == 0


def test_an_expired_or_exhausted_code_is_refused(clerk, item, resident):
    confirmation = _start(clerk, item, resident)
    code = sent_code(confirmation.applicant)
    Confirmation.objects.filter(pk=confirmation.pk).update(attempts=5)
    with pytest.raises(ValidationFailed, match="输错次数过多"):
        confirm_and_submit(confirmation, clerk, code=code, form_data={"reason": "居住"}, idempotency_key="k-00000001")
    Confirmation.objects.filter(pk=confirmation.pk).update(attempts=0, expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationFailed, match="已过期"):
        confirm_and_submit(confirmation, clerk, code=code, form_data={"reason": "居住"}, idempotency_key="k-00000001")
    assert not Application.objects.exists()


def test_a_community_worker_applies_for_a_consenting_resident_of_their_community(helper, item, resident, org, client):
    from yiwang.registries.tests import factories

    outsider = factories.person(org.shangcheng, name="赵大爷")
    with pytest.raises(PermissionDenied):
        _start(helper, item, outsider, kind="assisted")
    with pytest.raises(PermissionDenied):
        _start(helper, item, resident, kind="window")  # a community worker is no window official
    confirmation = _start(helper, item, resident, kind="assisted")
    application = confirm_and_submit(
        confirmation,
        helper,
        code=sent_code(confirmation.applicant),
        form_data={"reason": "居住"},
        idempotency_key="assist-0001",
    )
    assert application.channel == Channel.ASSISTED and application.assisted_by == helper
    consent = AuditEntry.objects.get(action="channels.assisted.confirmed")
    assert consent.actor_id == helper.pk and consent.on_behalf_of == confirmation.applicant.username
    client.force_login(confirmation.applicant)  # the resident sees the case as their own
    mine = client.get(reverse("applications:mine")).content.decode()
    assert application.application_no in mine
    space = client.get(reverse("portal:space")).content.decode()
    assert application.application_no in space and "帮代办" in space
    detail = client.get(reverse("applications:detail", args=[application.application_no]))
    assert detail.status_code == 200 and "李网格" in detail.content.decode()


def test_the_window_pages_take_a_walk_in_from_identity_to_submitted_case(client, clerk, item, resident):
    client.force_login(clerk)
    page = client.get(reverse("channels:workbench:window"))
    assert page.status_code == 200 and "居住证签发" in page.content.decode()
    bad = client.post(reverse("channels:workbench:window"), {"item": item.pk, "id_number": resident.id_number,
                                                             "name": "别人"})  # fmt: skip
    assert bad.status_code == 400 and "身份号码与姓名不一致" in bad.content.decode()
    started = client.post(
        reverse("channels:workbench:window"), {"item": item.pk, "id_number": resident.id_number, "name": "王阿婆"}
    )
    confirmation = Confirmation.objects.get()
    assert started["Location"] == reverse("channels:workbench:confirm", args=[confirmation.token])
    url = started["Location"]
    form = client.get(url).content.decode()
    assert "王阿婆" in form and resident.id_number not in form  # the ID number is masked on the page
    wrong = client.post(url, {"idempotency_key": "page-00000001", "reason": "居住", "code": "12345"})
    assert wrong.status_code == 400 and "验证码是 6 位数字" in wrong.content.decode()
    done = client.post(
        url, {"idempotency_key": "page-00000001", "reason": "居住", "code": sent_code(confirmation.applicant)}
    )
    assert done.status_code == 302
    result = client.get(url).content.decode()
    application = Application.objects.get()
    assert application.application_no in result and "窗口办" in result
