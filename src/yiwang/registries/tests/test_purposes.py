"""Unmasking purposes come from a configured list per role; X-Purpose is decoded as UTF-8 (issue 16 item 10).

Before: any text of four characters unmasked a person, and a Chinese X-Purpose header was stored as mojibake.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yiwang.accounts.tokens import issue_token
from yiwang.core.errors import ValidationFailed
from yiwang.core.models import AuditEntry
from yiwang.registries.elements import load_elements
from yiwang.registries.models import UnmaskPurpose
from yiwang.registries.purposes import decode_header
from yiwang.registries.tests import factories

BASE = "/api/v1/govstack/data/population/1.0"
NAME = "办理政务服务事项，核验申请人或当事人身份"


@given(st.text(min_size=1, max_size=60).filter(lambda t: t.strip() == t))
def test_every_utf8_form_of_a_header_decodes_to_the_same_text(text):
    raw_bytes_as_wsgi_gives_them = text.encode("utf-8").decode("latin-1")
    assert decode_header(quote(text, safe="")) == text
    assert decode_header("UTF-8''" + quote(text, safe="")) == text
    if "%" not in text:
        assert decode_header(raw_bytes_as_wsgi_gives_them) == text


def test_a_header_that_is_not_utf8_is_refused_naming_it():
    gbk = "核对身份".encode("gbk").decode("latin-1")
    for raw in (gbk, "%BA%CB%B6%D4", "GBK''%BA%CB"):
        with pytest.raises(ValidationFailed) as caught:
            decode_header(raw)
        assert caught.value.field == "X-Purpose" and "UTF-8" in str(caught.value.message)


@pytest.fixture
def setup(org, make_official):
    load_elements()
    person = factories.person(org.xihu_town, name="吴晓明")
    approver = make_official("approver", org.xihu_samr, roles=("approver",))
    _, raw = issue_token(approver, "t")
    return person, f"Bearer {raw}"


def _read(client, person, auth, purpose):
    return client.post(
        f"{BASE}/read",
        data=json.dumps({"query": {"content": {"id_number": person.id_number}}}),
        content_type="application/json",
        HTTP_AUTHORIZATION=auth,
        HTTP_X_PURPOSE=purpose,
    )


@pytest.mark.django_db
def test_a_chinese_purpose_is_stored_as_chinese_in_every_encoding(setup, client):
    person, auth = setup
    declared = f"{NAME}：核对食品经营许可申请人"
    forms = [quote(declared), "UTF-8''" + quote(declared), declared.encode("utf-8").decode("latin-1")]
    for form in forms:
        response = _read(client, person, auth, form)
        assert response.status_code == 200 and response.json()["content"]["id_number"] == person.id_number
    reasons = set(AuditEntry.objects.filter(action="registry.person.unmask").values_list("reason", flat=True))
    assert reasons == {declared}


@pytest.mark.django_db
def test_a_purpose_outside_the_roles_list_is_refused_with_the_list(setup, client):
    person, auth = setup
    for outside in ("随便看看", "judicial_assistance", quote("协助司法、监察机关依法查询")):  # not the approver's
        response = _read(client, person, auth, outside)
        assert response.status_code == 422, outside
        body = response.json()
        assert body["field"] == "purpose" and NAME in body["message"] and person.id_number not in response.text
    UnmaskPurpose.objects.filter(code="service_handling").update(is_active=False)  # the list is configuration
    assert _read(client, person, auth, "service_handling").status_code == 422
    assert not AuditEntry.objects.filter(action="registry.person.unmask").exists()


@pytest.mark.django_db
def test_the_page_offers_only_the_roles_purposes(setup, client, org, make_official):
    person, _auth = setup
    steward = make_official("steward", org.xihu_samr, roles=("data_steward",))
    client.force_login(steward)
    page = client.get(f"/workbench/persons/{person.pk}/").content.decode()
    assert "协助司法、监察机关依法查询" in page and NAME not in page
    refused = client.post(f"/workbench/persons/{person.pk}/", {"purpose": "service_handling"}).content.decode()
    assert person.id_number not in refused
