"""Verification reads the row from the database and checks the SM2 signature: tampering, forgery, dumps."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from yiwang.certificates.models import Certificate, IssuerKey
from yiwang.certificates.services import VerificationStatus, revoke_certificate, verify_certificate
from yiwang.core.crypto import sm2_generate_keypair, sm2_sign
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.models import AuditEntry


def _raw_update(cert: Certificate, column: str, value, *, json_value: bool = False) -> None:
    placeholder = "CAST(%s AS jsonb)" if json_value and connection.vendor == "postgresql" else "%s"
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE certificates_certificate SET {column} = {placeholder} WHERE id = %s",  # noqa: S608 - test-only
            [json.dumps(value, ensure_ascii=False) if json_value else value, cert.pk],
        )


def test_a_genuine_certificate_is_valid(issue):
    cert = issue()
    result = verify_certificate(cert.number)
    assert result.status == VerificationStatus.VALID and result.is_valid
    assert "真实有效" in result.message and result.certificate == cert
    assert verify_certificate(cert).status == VerificationStatus.VALID
    assert verify_certificate(f"  {cert.number.lower()} ").status == VerificationStatus.VALID


def test_unknown_number_is_not_found(db):
    result = verify_certificate("330106-SCJGJ-2026-999999")
    assert result.status == VerificationStatus.NOT_FOUND and result.certificate is None
    assert "330106-SCJGJ-2026-999999" in result.message


def test_content_changed_in_the_database_is_tampered(issue):
    cert = issue()
    _raw_update(cert, "content", {**cert.content, "business_items": "热食类食品制售；生食类食品制售"}, json_value=True)
    result = verify_certificate(cert.number)
    assert result.status == VerificationStatus.TAMPERED
    assert "篡改" in result.message and result.certificate is None
    # the instance in memory still holds the signed content: verification must read the row, not the object
    assert verify_certificate(cert).status == VerificationStatus.TAMPERED


@pytest.mark.parametrize(
    ("column", "value"),
    [("valid_until", "2099-12-31"), ("holder_name", "冒名顶替有限公司"), ("holder_id", "91330102MA7Q8R9T0X")],
)
def test_other_signed_columns_changed_in_the_database_are_tampered(issue, column, value):
    cert = issue()
    _raw_update(cert, column, value)
    assert verify_certificate(cert.number).status == VerificationStatus.TAMPERED


def test_moving_a_certificate_to_another_department_is_tampered(issue, org):
    cert = issue()
    _raw_update(cert, "department_id", org.shangcheng_samr.pk)
    assert verify_certificate(cert.number).status == VerificationStatus.TAMPERED


def test_a_forged_signature_fails(issue):
    cert = issue()
    forger_private, _ = sm2_generate_keypair()
    Certificate.objects.filter(pk=cert.pk).update(signature=sm2_sign(forger_private, cert.canonical_bytes()))
    assert verify_certificate(cert.number).status == VerificationStatus.TAMPERED
    Certificate.objects.filter(pk=cert.pk).update(signature="00" * 64)
    assert verify_certificate(cert.number).status == VerificationStatus.TAMPERED
    Certificate.objects.filter(pk=cert.pk).update(signature="not hex")
    assert verify_certificate(cert.number).status == VerificationStatus.TAMPERED


def test_a_replaced_public_key_fails(issue):
    cert = issue()
    _, other_public = sm2_generate_keypair()
    IssuerKey.objects.filter(key_id=cert.issuer_key_id).update(public_key=other_public)
    assert verify_certificate(cert.number).status == VerificationStatus.TAMPERED


def test_revoked(issue, xihu_official):
    cert = issue()
    with pytest.raises(ValidationFailed) as caught:
        revoke_certificate(cert, reason="  ", actor=xihu_official)
    assert caught.value.field == "reason"
    revoke_certificate(cert, reason="经营者申请注销", actor=xihu_official)
    result = verify_certificate(cert.number)
    assert result.status == VerificationStatus.REVOKED and "注销" in result.message
    assert result.certificate.revocation_reason == "经营者申请注销"
    assert AuditEntry.objects.filter(action="certificate.revoke", reason="经营者申请注销").count() == 1
    with pytest.raises(Conflict):
        revoke_certificate(cert, reason="再次注销", actor=xihu_official)


def test_only_the_issuing_department_revokes(issue, org, make_official):
    cert = issue()
    outsider = make_official("shangcheng_clerk", org.shangcheng_samr)
    with pytest.raises(PermissionDenied):
        revoke_certificate(cert, reason="越权", actor=outsider)
    assert verify_certificate(cert.number).status == VerificationStatus.VALID


def test_expired(issue):
    cert = issue(valid_from=timezone.localdate() - timedelta(days=5 * 366))
    result = verify_certificate(cert.number)
    assert result.status == VerificationStatus.EXPIRED
    assert f"{cert.valid_until:%Y-%m-%d}" in result.message
    last_day = issue(valid_from=date(timezone.localdate().year - 5, 1, 1))
    assert last_day.is_expired(today=last_day.valid_until) is False
    assert last_day.is_expired(today=last_day.valid_until + timedelta(days=1)) is True


def test_tampering_wins_over_revocation(issue, xihu_official):
    cert = issue()
    revoke_certificate(cert, reason="测试", actor=xihu_official)
    _raw_update(cert, "holder_name", "别人")
    assert verify_certificate(cert.number).status == VerificationStatus.TAMPERED


def test_verification_survives_dump_and_restore(issue, tmp_path):
    genuine = issue()
    doctored = issue()
    numbers = (genuine.number, doctored.number)
    dump = tmp_path / "certificates.json"
    call_command("dumpdata", "certificates.IssuerKey", "certificates.Certificate", output=str(dump), verbosity=0)
    Certificate.objects.all().delete()
    IssuerKey.objects.all().delete()
    assert verify_certificate(numbers[0]).status == VerificationStatus.NOT_FOUND

    rows = json.loads(dump.read_text(encoding="utf-8"))
    for row in rows:  # someone edits the dump file before restoring it
        if row["model"] == "certificates.certificate" and row["fields"]["number"] == numbers[1]:
            row["fields"]["content"]["operator_name"] = "改过名字的公司"
    dump.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    call_command("loaddata", str(dump), verbosity=0)

    assert verify_certificate(numbers[0]).status == VerificationStatus.VALID
    assert verify_certificate(numbers[1]).status == VerificationStatus.TAMPERED
