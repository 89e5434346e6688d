"""Issuing certificates: numbering, signing, schema checks, permissions, and the keys behind the signatures."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connection

from yiwang.certificates.models import Certificate, CertificateSequence, CertificateType, IssuerKey
from yiwang.certificates.services import (
    VerificationStatus,
    ensure_default_certificate_types,
    revoke_certificate,
    rotate_issuer_key,
    verify_certificate,
)
from yiwang.certificates.tests.factories import ENTERPRISE_USCC, PERSON_ID, food_licence_content, id_card_content
from yiwang.core.crypto import sm2_public_key
from yiwang.core.errors import PermissionDenied, ValidationFailed
from yiwang.core.keys import field_cipher
from yiwang.core.models import AuditEntry


def test_default_types_are_idempotent_and_valid(db):
    first = ensure_default_certificate_types()
    second = ensure_default_certificate_types()
    assert set(first) == {
        "business_licence",
        "id_card",
        "household_register",
        "marriage",
        "food_business_licence",
        "professional_qualification",
    }
    assert CertificateType.objects.count() == 6
    assert {t.pk for t in first.values()} == {t.pk for t in second.values()}
    for cert_type in second.values():
        cert_type.full_clean()  # the schema is in the supported subset, with Chinese titles
        assert all(spec["title"] for spec in cert_type.schema["properties"].values())


def test_issue_numbers_signs_and_audits(issue, org):
    cert = issue(valid_from=date(2026, 3, 1))
    assert re.fullmatch(r"330106-SCJGJ-\d{4}-000001", cert.number)
    assert issue().number.endswith("-000002")
    assert cert.holder_id == ENTERPRISE_USCC
    assert cert.valid_until == date(2031, 2, 28)  # five years, the last day included
    assert len(cert.signature) == 128 and cert.issuer_key.department == org.xihu_samr
    entry = AuditEntry.objects.get(action="certificate.issue", object_id=str(cert.pk))
    assert entry.data["type"] == "food_business_licence"


def test_validity_follows_the_type(issue):
    id_card = issue(cert_type="id_card", holder_id=PERSON_ID, holder_name="张三", valid_from=date(2024, 2, 29))
    assert id_card.valid_until == date(2044, 2, 28)  # twenty years from a leap day
    household = issue(
        cert_type="household_register",
        holder_id=PERSON_ID,
        holder_name="张三",
        content={"household_type": "家庭户", "household_head": "张三", "relation_to_head": "户主", "address": "西湖区"},
    )
    assert household.valid_until is None and not household.is_expired()


def test_an_unsupported_schema_is_refused(db):
    cert_type = CertificateType(code="x", name="测试证", issuer_kind="other", holder_kind="person", validity_years=None)
    for schema in (
        {"type": "array"},
        {"type": "object", "properties": {"a": {"type": "string"}}},  # no Chinese title
        {"type": "object", "properties": {"a": {"type": "object", "title": "嵌套"}}},
        {"type": "object", "properties": {"a": {"type": "string", "title": "甲"}}, "required": ["b"]},
    ):
        cert_type.schema = schema
        with pytest.raises(DjangoValidationError) as caught:
            cert_type.full_clean()
        assert "schema" in caught.value.message_dict


def test_private_key_is_encrypted_at_rest(issue):
    cert = issue()
    key = IssuerKey.objects.get(key_id=cert.issuer_key_id)
    assert sm2_public_key(key.private_key) == key.public_key
    with connection.cursor() as cursor:
        cursor.execute("SELECT private_key FROM certificates_issuerkey WHERE key_id = %s", [key.key_id])
        (stored,) = cursor.fetchone()
    assert stored.startswith("v1:test2026:") and key.private_key not in stored
    # bound to its column and its row (core.fields): the key id is part of the authenticated data
    bound = f"certificates.issuerkey.private_key#{key.key_id}"
    assert field_cipher().decrypt(stored, context=bound) == key.private_key


@pytest.mark.parametrize(
    ("content", "field", "words"),
    [
        ({"operator_name": None}, "content.operator_name", "经营者名称"),
        ({"business_premises": "   "}, "content.business_premises", "经营场所"),
        ({"main_business_format": "网吧"}, "content.main_business_format", "主体业态"),
        ({"business_items": 42}, "content.business_items", "经营项目"),
        ({"licence_color": "红"}, "content.licence_color", "licence_color"),
    ],
)
def test_content_schema_errors_name_the_field(issue, content, field, words):
    before = Certificate.objects.count()
    with pytest.raises(ValidationFailed) as caught:
        issue(content={k: v for k, v in food_licence_content(**content).items() if v is not None})
    assert caught.value.field == field
    assert words in str(caught.value.message)
    assert Certificate.objects.count() == before


def test_date_fields_must_be_dates(issue):
    with pytest.raises(ValidationFailed) as caught:
        issue(
            cert_type="id_card", holder_id=PERSON_ID, holder_name="张三", content=id_card_content(birth_date="1990/3/7")
        )
    assert caught.value.field == "content.birth_date"
    assert "出生" in str(caught.value.message) and "YYYY-MM-DD" in str(caught.value.message)


def test_holder_identifier_is_checked_against_the_holder_kind(issue):
    with pytest.raises(ValidationFailed) as caught:
        issue(holder_id=PERSON_ID)  # a food business licence is held by an enterprise
    assert caught.value.field == "holder_id"
    with pytest.raises(ValidationFailed) as caught:
        issue(cert_type="id_card", holder_id="330106199003071234", holder_name="张三")  # wrong check digit
    assert caught.value.field == "holder_id"


def test_an_official_of_another_department_cannot_issue_and_nothing_changes(issue, org, make_official):
    outsider = make_official("shangcheng_clerk", org.shangcheng_samr)
    counts = (Certificate.objects.count(), IssuerKey.objects.count(), CertificateSequence.objects.count())
    audit_count = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        issue(actor=outsider)
    assert (Certificate.objects.count(), IssuerKey.objects.count(), CertificateSequence.objects.count()) == counts
    assert AuditEntry.objects.count() == audit_count


def test_citizens_cannot_issue_but_administrators_can(issue, person_user, admin_user):
    with pytest.raises(PermissionDenied):
        issue(actor=person_user)
    assert issue(actor=admin_user).issued_by == admin_user


def test_rotation_keeps_old_keys(issue, org, admin_user, xihu_official):
    old = issue()
    with pytest.raises(PermissionDenied):
        rotate_issuer_key(org.xihu_samr, actor=xihu_official)
    new_key = rotate_issuer_key(org.xihu_samr, actor=admin_user)
    new = issue()
    assert new.issuer_key_id == new_key.key_id != old.issuer_key_id
    old_key = IssuerKey.objects.get(key_id=old.issuer_key_id)
    assert old_key.valid_until is not None and new_key.valid_until is None
    assert IssuerKey.objects.filter(department=org.xihu_samr).count() == 2
    assert verify_certificate(old.number).status == VerificationStatus.VALID
    assert verify_certificate(new.number).status == VerificationStatus.VALID


def test_without_field_keys_issuing_fails_cleanly(issue):
    from django.core.exceptions import ImproperlyConfigured
    from django.test import override_settings

    with override_settings(YIWANG_FIELD_KEYS={}), pytest.raises(ImproperlyConfigured):
        issue()
    assert Certificate.objects.count() == 0 and IssuerKey.objects.count() == 0


def test_a_role_of_the_department_in_another_division_cannot_issue_or_revoke(issue, org, make_official):
    """Role × department × division: a clerk of 西湖区市场监督管理局 whose role covers only 上城区 acts for neither."""
    cert = issue()
    elsewhere = make_official("xihu_clerk_for_shangcheng", org.xihu_samr, division=org.shangcheng)
    with pytest.raises(PermissionDenied):
        issue(actor=elsewhere)
    with pytest.raises(PermissionDenied):
        revoke_certificate(cert, reason="经营者申请注销", actor=elsewhere)
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.VALID and Certificate.objects.count() == 1


def test_membership_of_the_department_without_a_role_grants_nothing(issue, org, make_official):
    member = make_official("xihu_member", org.xihu_samr, roles=())
    with pytest.raises(PermissionDenied):
        issue(actor=member)
