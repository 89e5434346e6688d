"""The 秒批 rule editor: errors named by path, a preview against an applicant in scope, saving republishes."""

from __future__ import annotations

import pytest

from yiwang.catalog.tests.factories import RESIDENCE_FORM as FORM
from yiwang.catalog.tests.factories import RESIDENCE_RULES as RULES


@pytest.fixture
def item(org):
    from yiwang.catalog.tests.factories import service_item

    return service_item(
        org.xihu_samr,
        org.xihu,
        item_code="11330106MB0000010-001",
        basic_code="00012345910Y",
        name="居住证签发",
        item_type="confirmation",
        audience="person",
        legal_basis="《居住证暂行条例》第九条",
        conditions="居住半年以上",
        legal_time_limit=15,
        promised_time_limit=1,
        result_kind="proof",
        form_schema=FORM,
    )


@pytest.mark.django_db
def test_validate_preview_and_save(client, org, make_official, item):
    from yiwang.registries.tests import factories

    person = factories.person(org.xihu_town, name="魏试算")
    outsider = factories.person(org.shangcheng, name="蒋外区")
    client.force_login(make_official("clerk", org.xihu_samr))
    url = f"/workbench/rules/{item.item_code}/"
    bad = client.post(url, {"rules": RULES.replace("person_birth_date", "person_height"), "action": "validate"})
    assert "rules.all[0].fact" in bad.content.decode()
    preview = client.post(
        url, {"rules": RULES, "action": "test", "applicant": person.id_number, "form_data": '{"reason": "就业"}'}
    ).content.decode()
    assert "全部条件满足" in preview and "居住证暂行条例" in preview
    hidden = client.post(url, {"rules": RULES, "action": "test", "applicant": outsider.id_number}, follow=True)
    assert "辖区内未找到该申请人" in hidden.content.decode()
    client.post(url, {"rules": RULES, "action": "save"})
    item.refresh_from_db()
    assert item.approval_rules.startswith("id: approval.residence-permit") and item.version == 2


@pytest.mark.django_db
def test_other_department_cannot_edit(client, org, make_official, item):
    client.force_login(make_official("other", org.shangcheng_samr))
    assert client.get(f"/workbench/rules/{item.item_code}/").status_code == 404


@pytest.mark.django_db
def test_a_bad_preview_names_the_field_and_saves_nothing(client, org, make_official, item):
    from yiwang.registries.tests import factories

    person = factories.person(org.xihu_town, name="魏试算")
    client.force_login(make_official("clerk", org.xihu_samr))
    url = f"/workbench/rules/{item.item_code}/"
    page = client.post(
        url, {"rules": RULES, "action": "test", "applicant": person.id_number, "form_data": '["就业"]'}
    ).content.decode()
    assert 'id="form-data-error"' in page and "表单数据应为 JSON 对象" in page
    assert "全部条件满足" not in page
    item.refresh_from_db()
    assert item.approval_rules == "" and item.version == 1
