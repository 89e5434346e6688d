"""Departments add up their figures by additive secret sharing: the total equals the plain sum, and no party's
figure is kept or seen by another."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.sharing.models import SecureSum, SecureSumShare
from yiwang.sharing.services import secure_sum
from yiwang.sharing.services.secure_sum import PRIME, SumParty, combine, decode, encode, split

amounts = st.decimals(min_value=Decimal("-1e15"), max_value=Decimal("1e15"), places=2, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(amounts, min_size=2, max_size=7))
def test_the_secret_shared_sum_equals_the_plain_sum(values):
    parties = {f"D{i}": v for i, v in enumerate(values)}
    assert secure_sum.secure_sum(parties) == sum(values, Decimal("0")).quantize(Decimal("0.01"))


@given(amounts, st.integers(min_value=2, max_value=9))
def test_shares_add_up_to_the_figure_and_are_residues(value, n):
    shares = split(encode(value), n)
    assert len(shares) == n and all(0 <= s < PRIME for s in shares)
    assert decode(sum(shares)) == value


def test_what_a_party_sees_does_not_reveal_the_other_figure():
    """A party's view (the share sent to it, the published partials) is random: repeating with the same figures
    gives other shares each time, and the share a party receives is not the other's figure."""
    seen = set()
    for _ in range(20):
        a, b = SumParty("A", Decimal("1234.50")), SumParty("B", Decimal("98765.43"))
        to_a, to_b = b.deal(["A", "B"]), a.deal(["A", "B"])
        a.receive(to_b["A"])
        a.receive(to_a["A"])
        b.receive(to_b["B"])
        b.receive(to_a["B"])
        assert to_a["A"] not in (encode(Decimal("98765.43")), encode(Decimal("1234.50")))
        seen.add(to_a["A"])
        assert combine([a.partial(), b.partial()]) == Decimal("99999.93")
    assert len(seen) == 20


def test_a_figure_with_more_than_two_places_is_refused():
    with pytest.raises(ValidationFailed) as exc:
        encode(Decimal("1.005"))
    assert exc.value.field == "value"


@pytest.fixture
def three(org, make_official, calendar):
    from yiwang.accounts.models import Department

    tax = Department.objects.create(code="330100-SWJ", name="市税务局", division=org.city, kind="tax")
    return {
        "xihu": make_official("xihu_clerk", org.xihu_samr),
        "shangcheng": make_official("shangcheng_clerk", org.shangcheng_samr),
        "tax": make_official("tax_clerk", tax),
        "depts": (org.xihu_samr, org.shangcheng_samr, tax),
    }


def test_a_session_publishes_the_total_only_when_all_have_contributed_and_keeps_no_figure(three):
    xihu, shangcheng, tax = three["depts"]
    session = secure_sum.open_secure_sum(
        three["xihu"], initiator=xihu, parties=[shangcheng, tax], description="三部门涉企补贴合计", unit="万元"
    )
    secure_sum.contribute_value(three["xihu"], session, department=xihu, value=Decimal("120.50"))
    secure_sum.contribute_value(three["shangcheng"], session, department=shangcheng, value=Decimal("-20.25"))
    session.refresh_from_db()
    assert session.status == SecureSum.Status.COLLECTING and session.result is None
    stored = list(SecureSumShare.objects.values_list("share", flat=True))
    assert len(stored) == 6 and not {"12050", "-2025", "120.50"} & set(stored)
    with pytest.raises(Conflict):
        secure_sum.contribute_value(three["xihu"], session, department=xihu, value=Decimal("1"))
    with pytest.raises(PermissionDenied):
        secure_sum.contribute_value(three["xihu"], session, department=tax, value=Decimal("1"))
    secure_sum.contribute_value(three["tax"], session, department=tax, value=Decimal("7"))
    session.refresh_from_db()
    assert session.status == SecureSum.Status.PUBLISHED and session.result == Decimal("107.25")
    assert not SecureSumShare.objects.exists()
    partials = [int(p.partial) for p in session.parties.all()]
    assert combine(partials) == Decimal("107.25")
    with pytest.raises(Conflict):
        secure_sum.contribute_value(three["tax"], session, department=tax, value=Decimal("1"))


def test_a_session_needs_another_department(three):
    xihu = three["depts"][0]
    with pytest.raises(ValidationFailed) as exc:
        secure_sum.open_secure_sum(three["xihu"], initiator=xihu, parties=[xihu], description="只有一个部门")
    assert exc.value.field == "parties"


def test_over_the_api_a_department_posts_only_its_locally_split_shares(three, client):
    from yiwang.accounts.tokens import issue_token

    xihu, shangcheng, _tax = three["depts"]
    _, xihu_token = issue_token(three["xihu"], "sum")
    _, sc_token = issue_token(three["shangcheng"], "sum")
    opened = client.post(
        "/api/v1/sharing/secure-sums",
        json.dumps({"description": "两区共同企业从业人数合计", "parties": [shangcheng.code]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {xihu_token}",
    )
    assert opened.status_code == 201, opened.content
    body = opened.json()
    prime, codes = int(body["prime"]), [p["department"] for p in body["parties"]]
    local = SumParty(xihu.code, Decimal("310"))
    shares = {code: str(share) for code, share in local.deal(codes).items()}
    url = f"/api/v1/sharing/secure-sums/{body['id']}/contributions"
    bad = client.post(
        url, json.dumps({"department": xihu.code, "shares": {xihu.code: "1"}}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {xihu_token}",
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["field"] == "shares"
    client.post(
        url, json.dumps({"department": xihu.code, "shares": shares}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {xihu_token}",
    )  # fmt: skip
    done = client.post(
        url, json.dumps({"department": shangcheng.code, "value": "45.5"}),
        content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {sc_token}",
    )  # fmt: skip
    assert done.status_code == 200 and done.json()["result"] == "355.50" and prime == PRIME
    assert sum(int(p["partial"]) for p in done.json()["parties"]) % prime == 35550


def test_the_pages_open_contribute_and_show_the_total(three, client):
    xihu, shangcheng, _tax = three["depts"]
    client.force_login(three["xihu"])
    assert client.get("/workbench/sharing/joint/").status_code == 200
    bad = client.post("/workbench/sharing/joint/", {"description": "合计", "parties": [shangcheng.pk]})
    assert "请说明统计口径" in bad.content.decode() and not SecureSum.objects.exists()
    response = client.post("/workbench/sharing/joint/", {"description": "两区涉企补贴合计", "parties": [shangcheng.pk]})
    session = SecureSum.objects.get()
    assert response["Location"] == f"/workbench/sharing/joint/{session.pk}/"
    client.post(response["Location"], {"department": xihu.pk, "value": "10.10"})
    page = client.get(response["Location"]).content.decode()
    assert "全部参与部门提交后公布" in page and "拆分并提交" not in page
    client.force_login(three["shangcheng"])
    client.post(response["Location"], {"department": shangcheng.pk, "value": "0.90"})
    assert '<dd class="col-sm-9" id="sum-result">11.00' in client.get(response["Location"]).content.decode()
    client.force_login(three["tax"])
    assert client.get(response["Location"]).status_code == 404
