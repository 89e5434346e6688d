"""The certificates API: public verification, the holder's list, revocation by the issuing department."""

from __future__ import annotations

from yiwang.accounts.tokens import issue_token
from yiwang.certificates.tests.factories import OTHER_PERSON_ID, PERSON_ID


def test_verify_is_public(issue, client):
    cert = issue()
    response = client.get(f"/api/v1/certificates/verify/{cert.number}")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "valid" and "真实有效" in body["message"]
    assert body["certificate_type"] == "食品经营许可证" and body["valid_until"] == f"{cert.valid_until:%Y-%m-%d}"
    missing = client.get("/api/v1/certificates/verify/NO-SUCH-1").json()
    assert missing["status"] == "not_found" and missing["certificate_type"] is None


def test_mine_lists_the_holders_certificates(issue, client, person_user):
    mine = issue(cert_type="id_card", holder_id=PERSON_ID, holder_name="张三")
    issue(cert_type="id_card", holder_id=OTHER_PERSON_ID, holder_name="王五")
    assert client.get("/api/v1/certificates/mine").status_code == 401
    client.force_login(person_user)
    body = client.get("/api/v1/certificates/mine").json()
    assert [c["number"] for c in body] == [mine.number]
    assert body[0]["certificate_type"] == "id_card" and body[0]["status"] == "valid"
    assert body[0]["content"]["name"] == "张三"


def test_revoke_by_the_issuing_department_only(issue, client, org, make_official, xihu_official):
    cert = issue()
    _, outsider_token = issue_token(make_official("shangcheng_clerk", org.shangcheng_samr), "test")
    refused = client.post(
        f"/api/v1/certificates/{cert.number}/revoke",
        {"reason": "越权"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {outsider_token}",
    )
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"

    _, token = issue_token(xihu_official, "test")
    blank = client.post(
        f"/api/v1/certificates/{cert.number}/revoke",
        {"reason": " "},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert blank.status_code in (400, 422)
    done = client.post(
        f"/api/v1/certificates/{cert.number}/revoke",
        {"reason": "经营者申请注销"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert done.status_code == 200 and done.json()["status"] == "revoked"
    assert client.get(f"/api/v1/certificates/verify/{cert.number}").json()["status"] == "revoked"
    missing = client.post(
        "/api/v1/certificates/NO-SUCH-1/revoke",
        {"reason": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert missing.status_code == 404
