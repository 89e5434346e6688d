"""Masked by default; unmasked only with a purpose and the right, in scope; every unmasking is audited."""

from __future__ import annotations

import pytest

from yiwang.accounts.tokens import issue_token
from yiwang.core.models import AuditEntry
from yiwang.registries.elements import load_elements
from yiwang.registries.tests import factories


@pytest.fixture
def people(org):
    load_elements()
    return factories.person(org.xihu_town, name="吴晓明"), factories.person(org.shangcheng, name="郑小红", gender="F")


def _get(client, raw, person, purpose=""):
    return client.get(
        f"/api/v1/registries/persons/{person.pk}", {"purpose": purpose}, HTTP_AUTHORIZATION=f"Bearer {raw}"
    )


@pytest.mark.django_db
def test_masked_by_default_and_unmasked_with_purpose_and_right(org, make_official, people, client):
    xihu_person, _ = people
    approver = make_official("approver", org.xihu_samr, roles=("approver",))
    _, raw = issue_token(approver, "t")
    masked = _get(client, raw, xihu_person).json()
    assert masked["masked"] and masked["data"]["id_number"] != xihu_person.id_number
    assert masked["data"]["name"] == "吴**" and masked["data"]["phone"].count("*") == 4
    clear = _get(client, raw, xihu_person, "service_handling：核查食品经营许可申请人身份").json()
    assert clear["data"]["id_number"] == xihu_person.id_number and clear["data"]["phone"] == xihu_person.phone
    entry = AuditEntry.objects.filter(action="registry.person.unmask").get()
    assert entry.reason == "办理政务服务事项，核验申请人或当事人身份：核查食品经营许可申请人身份"
    assert entry.actor == approver and entry.data["purpose"] == "service_handling"


@pytest.mark.django_db
def test_no_right_or_no_scope_means_no_clear_data(org, make_official, people, client):
    xihu_person, shangcheng_person = people
    acceptor = make_official("acceptor", org.xihu_samr, roles=("acceptor",))
    _, raw = issue_token(acceptor, "t")
    response = _get(client, raw, xihu_person, "service_handling")
    assert response.status_code == 403 and xihu_person.id_number not in response.content.decode()
    other_district = make_official("other", org.shangcheng_samr, roles=("approver",))
    _, raw_other = issue_token(other_district, "t")
    response = _get(client, raw_other, xihu_person, "service_handling")
    assert response.status_code == 404 and xihu_person.id_number not in response.content.decode()
    assert _get(client, raw_other, shangcheng_person, "service_handling").json()["data"]["name"] == "郑小红"
    assert AuditEntry.objects.filter(action="registry.person.unmask").count() == 1
