"""Revocation is signed, and verification says which part failed (issue 16 item 5).

The attack: one SQL UPDATE turned a revoked certificate back into "签名核验通过，真实有效". Every way a database
editor can try to un-revoke a certificate (status column, record deleted, record edited, record moved to another
certificate, record signed with another key) must end in anything but "valid".
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.db import connection
from django.utils import timezone

from yiwang.accounts.tokens import issue_token
from yiwang.certificates.models import Certificate, Revocation
from yiwang.certificates.services import (
    VerificationPart,
    VerificationStatus,
    revoke_certificate,
    verify_certificate,
)
from yiwang.core.crypto import sm2_generate_keypair, sm2_sign
from yiwang.core.errors import Conflict


def _sql(statement: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _corrupt_holder(cert: Certificate) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT holder_id FROM certificates_certificate WHERE id = %s", [cert.pk])
        (token,) = cursor.fetchone()
        corrupted = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
        cursor.execute("UPDATE certificates_certificate SET holder_id = %s WHERE id = %s", [corrupted, cert.pk])


def _unrevoke_status(cert, other):
    _sql(
        "UPDATE certificates_certificate SET status = 'valid', revoked_at = NULL, revocation_reason = '' WHERE id = %s",
        [cert.pk],
    )


def _delete_record(cert, other):
    _unrevoke_status(cert, other)
    _sql("DELETE FROM certificates_revocation WHERE certificate_id = %s", [cert.pk])


def _edit_reason(cert, other):
    _sql("UPDATE certificates_revocation SET reason = '误操作，撤销注销' WHERE certificate_id = %s", [cert.pk])


def _edit_time(cert, other):
    later = timezone.now() + timedelta(days=400)
    _sql("UPDATE certificates_revocation SET revoked_at = %s WHERE certificate_id = %s", [later, cert.pk])


def _move_record(cert, other):
    _unrevoke_status(cert, other)
    _sql("UPDATE certificates_revocation SET certificate_id = %s WHERE certificate_id = %s", [other.pk, cert.pk])


def _forge_signature(cert, other):
    record = Revocation.objects.get(certificate=cert)
    forger, _public = sm2_generate_keypair()
    forged = sm2_sign(forger, record.canonical_bytes(cert))
    _sql("UPDATE certificates_revocation SET signature = %s WHERE certificate_id = %s", [forged, cert.pk])


ATTACKS = {
    "status set back to valid": (_unrevoke_status, VerificationStatus.REVOKED),
    "record deleted and status set back": (_delete_record, VerificationStatus.TAMPERED),
    "reason edited": (_edit_reason, VerificationStatus.TAMPERED),
    "revocation time edited": (_edit_time, VerificationStatus.TAMPERED),
    "record moved to another certificate": (_move_record, VerificationStatus.TAMPERED),
    "record signed with another key": (_forge_signature, VerificationStatus.TAMPERED),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_no_database_edit_un_revokes_a_certificate(issue, xihu_official, attack):
    cert, other = issue(), issue()
    revoke_certificate(cert, reason="经营者申请注销", actor=xihu_official)
    tamper, expected = ATTACKS[attack]
    tamper(cert, other)
    result = verify_certificate(cert.number)
    assert result.status == expected and result.failed == VerificationPart.REVOCATION
    assert "真实有效" not in result.message
    if attack == "record moved to another certificate":  # the other certificate is not revoked by a foreign record
        moved = verify_certificate(other.number)
        assert moved.status == VerificationStatus.TAMPERED and moved.failed == VerificationPart.REVOCATION


def test_a_genuine_revocation_is_signed_and_says_so(issue, xihu_official):
    cert = issue()
    revoke_certificate(cert, reason="经营者申请注销", actor=xihu_official)
    record = Revocation.objects.get(certificate=cert)
    assert record.reason == "经营者申请注销" and record.issuer_key.department_id == cert.department_id
    result = verify_certificate(cert.number)
    assert result.status == VerificationStatus.REVOKED and result.failed == VerificationPart.REVOCATION
    assert [c.part for c in result.checks] == [
        VerificationPart.TAMPERING,
        VerificationPart.SIGNATURE,
        VerificationPart.REVOCATION,
    ]


def test_each_failure_names_its_part(issue):
    valid = verify_certificate(issue().number)
    assert valid.status == VerificationStatus.VALID and valid.failed is None
    assert [c.part for c in valid.checks] == list(VerificationPart) and all(c.passed for c in valid.checks)

    expired = verify_certificate(issue(valid_from=timezone.localdate() - timedelta(days=5 * 366)).number)
    assert expired.status == VerificationStatus.EXPIRED and expired.failed == VerificationPart.EXPIRY

    edited = issue()
    Certificate.objects.filter(pk=edited.pk).update(holder_name="冒名公司")
    signature = verify_certificate(edited.number)
    assert signature.status == VerificationStatus.TAMPERED and signature.failed == VerificationPart.SIGNATURE

    damaged = issue()
    _corrupt_holder(damaged)
    unreadable = verify_certificate(damaged.number)
    assert unreadable.status == VerificationStatus.TAMPERED and unreadable.failed == VerificationPart.TAMPERING


def test_revoking_a_damaged_certificate_is_a_clear_refusal(issue, xihu_official, client):
    cert = issue()
    _corrupt_holder(cert)
    with pytest.raises(Conflict) as caught:
        revoke_certificate(cert, reason="经营者申请注销", actor=xihu_official)
    assert caught.value.code == "certificate_damaged" and "损坏" in str(caught.value.message)
    _, token = issue_token(xihu_official, "test")
    response = client.post(
        f"/api/v1/certificates/{cert.number}/revoke",
        {"reason": "经营者申请注销"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 409 and "损坏" in response.json()["message"]
    assert not Revocation.objects.filter(certificate_id=cert.pk).exists()


def test_the_api_and_the_page_name_the_failed_part(issue, xihu_official, client):
    cert = issue()
    revoke_certificate(cert, reason="经营者申请注销", actor=xihu_official)
    _unrevoke_status(cert, None)
    body = client.get(f"/api/v1/certificates/verify/{cert.number}").json()
    assert body["status"] == "revoked" and body["failed"] == "revocation"
    assert [c["part"] for c in body["checks"]] == ["tampering", "signature", "revocation"]
    page = client.get(f"/certificates/verify/{cert.number}/").content.decode()
    assert "注销状态" in page and "发证部门已签名注销" in page


def test_certificates_revoked_before_signed_records_get_one(issue, xihu_official):
    """The migration path: a revoked row without a record (as before this change) is signed by the data migration;
    until then it verifies as "cannot be confirmed", never as valid."""
    cert = issue()
    revoke_certificate(cert, reason="经营者申请注销", actor=xihu_official)
    Revocation.objects.filter(certificate=cert).delete()
    assert verify_certificate(cert.number).status == VerificationStatus.TAMPERED
    migration = importlib.import_module("yiwang.certificates.migrations.0006_sign_existing_revocations")
    migration.forwards(django_apps, None)
    result = verify_certificate(cert.number)
    assert (
        result.status == VerificationStatus.REVOKED
        and Revocation.objects.get(certificate=cert).reason == "经营者申请注销"
    )
