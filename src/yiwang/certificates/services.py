"""Issuing, revoking and verifying electronic certificates (电子证照), and the issuers' SM2 keys.

Every state change is one transaction with one audit entry. Verification reads only the database row and the
issuer's public key, so it gives the same answer on any server and after a dump and restore.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import models, transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.accounts.scopes import scope_queryset
from yiwang.certificates.defaults import DEFAULT_CERTIFICATE_TYPES
from yiwang.certificates.models import (
    Certificate,
    CertificateSequence,
    CertificateType,
    HolderKind,
    IssuerKey,
    Revocation,
)
from yiwang.certificates.schema import check_schema, validate_content
from yiwang.core import audit
from yiwang.core.audit import canonical_data
from yiwang.core.crypto import InvalidToken, sm2_generate_keypair, sm2_sign, sm2_verify, sm3_hex
from yiwang.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from yiwang.core.identifiers import normalize_identifier, validate_id_number, validate_uscc
from yiwang.core.keys import index_of
from yiwang.core.models import AuditEntry

__all__ = [
    "VerificationCheck",
    "VerificationPart",
    "VerificationResult",
    "VerificationStatus",
    "certificates_of",
    "current_issuer_key",
    "ensure_default_certificate_types",
    "holder_ids_of",
    "issue_certificate",
    "revoke_certificate",
    "rotate_issuer_key",
    "verification_path",
    "verify_certificate",
    "visible_certificates",
]


# ----------------------------------------------------------------------------------------------------
# Certificate types
# ----------------------------------------------------------------------------------------------------


def ensure_default_certificate_types() -> dict[str, CertificateType]:
    """Create the six default certificate types if missing (idempotent; an edited type is left alone)."""
    types: dict[str, CertificateType] = {}
    for spec in DEFAULT_CERTIFICATE_TYPES:
        check_schema(spec["schema"])
        defaults = {key: value for key, value in spec.items() if key != "code"}
        cert_type, _created = CertificateType.objects.get_or_create(code=spec["code"], defaults=defaults)
        types[cert_type.code] = cert_type
    return types


# ----------------------------------------------------------------------------------------------------
# Issuer keys
# ----------------------------------------------------------------------------------------------------


def _now_seconds() -> datetime:
    """Now, to the second: timestamps that are signed or compared must survive dumpdata (which keeps milliseconds)."""
    return timezone.now().replace(microsecond=0)


def _create_issuer_key(department: Department, *, actor: Any, now: datetime) -> IssuerKey:
    private_hex, public_hex = sm2_generate_keypair()
    key = IssuerKey(
        key_id=f"{department.code}-{now.astimezone(UTC):%Y%m%d%H%M%S}-{secrets.token_hex(3)}",
        department=department,
        public_key=public_hex,
        private_key=private_hex,
        valid_from=now,
    )
    key.save()
    audit.record(
        "certificate.issuer_key.create",
        actor=actor,
        obj=key,
        data={"department": department.code, "public_key_sm3": sm3_hex(bytes.fromhex(public_hex))},
    )
    return key


def current_issuer_key(department: Department, *, actor: Any = None, now: datetime | None = None) -> IssuerKey:
    """The department's signing key in use, created (valid from ``now``) on first need. Call inside a transaction."""
    key = IssuerKey.objects.select_for_update().filter(department=department, valid_until__isnull=True).first()
    return key or _create_issuer_key(department, actor=actor, now=now or _now_seconds())


def _lock_department(department: Department) -> None:
    """Serialise issuing and key rotation per department: they share the current key and the serial numbers."""
    Department.objects.select_for_update().filter(pk=department.pk).first()


@transaction.atomic
def rotate_issuer_key(department: Department, *, actor: User) -> IssuerKey:
    """Close the department's current key and create a new one. Old public keys stay to verify old certificates."""
    if not actor.is_administrator:
        raise PermissionDenied(_("只有系统管理员可以更换签章密钥"))
    _lock_department(department)
    now = _now_seconds()
    for key in IssuerKey.objects.select_for_update().filter(department=department, valid_until__isnull=True):
        key.valid_until = now
        key.save(update_fields=["valid_until"])
        audit.record("certificate.issuer_key.retire", actor=actor, obj=key, data={"department": department.code})
    return _create_issuer_key(department, actor=actor, now=now)


# ----------------------------------------------------------------------------------------------------
# Issuing and revoking
# ----------------------------------------------------------------------------------------------------


def _add_years(start: date, years: int) -> date:
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February → 28 February
        return start.replace(year=start.year + years, day=28)


def _holder_id(cert_type: CertificateType, holder_id: str) -> str:
    if cert_type.holder_kind == HolderKind.PERSON:
        return validate_id_number(holder_id, field="holder_id")
    return validate_uscc(holder_id, field="holder_id")


def _next_number(department: Department, year: int) -> str:
    sequence, _created = CertificateSequence.objects.select_for_update().get_or_create(department=department, year=year)
    sequence.last = models.F("last") + 1
    sequence.save(update_fields=["last"])
    sequence.refresh_from_db(fields=["last"])
    return f"{department.code}-{year}-{sequence.last:06d}"


def _resolve_type(cert_type: CertificateType | str) -> CertificateType:
    if isinstance(cert_type, CertificateType):
        return cert_type
    found = CertificateType.objects.filter(code=cert_type).first()
    if found is None:
        raise ValidationFailed(_("没有这种证照类型：%(code)s") % {"code": cert_type}, field="cert_type")
    return found


def issue_certificate(
    *,
    cert_type: CertificateType | str,
    holder_id: str,
    holder_name: str,
    content: dict[str, Any],
    department: Department,
    actor: User,
    valid_from: date | None = None,
    automated: bool = False,
) -> Certificate:
    """Issue and sign a certificate (签发电子证照) in the department's name.

    The actor must be an official of the department or an administrator. The content is checked against the
    type's schema; validity runs from ``valid_from`` (default: today) for the type's years, the last day included.
    """
    if not automated:  # automated: a 秒批 decision made by the platform
        require_acts_for(
            actor,
            department,
            message=_("您不是 %(department)s 的工作人员，不能以该部门名义签发证照") % {"department": department},
        )
    cert_type = _resolve_type(cert_type)
    holder_id = _holder_id(cert_type, holder_id)
    holder_name = (holder_name or "").strip()
    if not holder_name or len(holder_name) > 128:
        raise ValidationFailed(_("持证主体名称必填，且不超过 128 个字符"), field="holder_name", code="required")
    content = canonical_data(validate_content(cert_type.schema, content))
    with transaction.atomic():
        _lock_department(department)
        now = _now_seconds()  # after the lock: a key rotated meanwhile is valid from before this moment
        valid_from = valid_from or timezone.localdate(now)
        valid_until = (
            _add_years(valid_from, cert_type.validity_years) - timedelta(days=1) if cert_type.validity_years else None
        )
        key = current_issuer_key(department, actor=actor, now=now)
        cert = Certificate(
            number=_next_number(department, timezone.localdate(now).year),
            cert_type=cert_type,
            holder_id=holder_id,
            holder_name=holder_name,
            department=department,
            issued_at=now,
            valid_from=valid_from,
            valid_until=valid_until,
            content=content,
            issuer_key=key,
            issued_by=actor,
        )
        cert.signature = sm2_sign(key.private_key, cert.canonical_bytes())
        cert.save()
        audit.record(
            "certificate.issue",
            actor=actor,
            obj=cert,
            data={"type": cert_type.code, "department": department.code, "key_id": key.key_id},
        )
    return cert


def _readable(cert: Certificate) -> bool:
    """Whether the row's encrypted holder code decrypts (a row loaded with ``defer("holder_id")``)."""
    try:
        cert.holder_id  # noqa: B018 - deferred: decrypts this one row now
    except InvalidToken:
        return False
    return True


@transaction.atomic
def revoke_certificate(cert: Certificate, *, reason: str, actor: User) -> Certificate:
    """Revoke a certificate (注销) with a signed revocation record. Only its issuing department or an
    administrator may, only with a reason, and only a certificate whose row is intact."""
    rows = Certificate.objects.select_for_update(of=("self",)).select_related("department").defer("holder_id")
    locked = rows.filter(pk=cert.pk).first()
    if locked is None:
        raise NotFound(_("未找到该电子证照"), field="number")
    require_acts_for(actor, locked.department, message=_("只有发证部门的工作人员可以注销该证照"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("请填写注销原因"), field="reason", code="required")
    if not _readable(locked):
        raise Conflict(
            _("该证照的数据已损坏（持证主体代码无法解密），不能注销；请由系统管理员从备份恢复该证照后再办理"),
            field="number",
            code="certificate_damaged",
        )
    if locked.status == Certificate.Status.REVOKED or Revocation.objects.filter(certificate=locked).exists():
        revoked_on = f"{timezone.localtime(locked.revoked_at):%Y-%m-%d}" if locked.revoked_at else ""
        raise Conflict(_("该证照已于 %(date)s 注销") % {"date": revoked_on})
    _lock_department(locked.department)
    now = _now_seconds()
    key = current_issuer_key(locked.department, actor=actor, now=now)
    record = Revocation(
        certificate=locked, revoked_at=now, reason=reason, signed_at=now, issuer_key=key, revoked_by=actor
    )
    record.signature = sm2_sign(key.private_key, record.canonical_bytes(locked))
    record.save()
    locked.status = Certificate.Status.REVOKED
    locked.revoked_at = now
    locked.revocation_reason = reason
    locked.save(update_fields=["status", "revoked_at", "revocation_reason"])
    audit.record("certificate.revoke", actor=actor, obj=locked, reason=reason, data={"key_id": key.key_id})
    cert.status, cert.revoked_at, cert.revocation_reason = locked.status, locked.revoked_at, locked.revocation_reason
    return locked


# ----------------------------------------------------------------------------------------------------
# Verification
# ----------------------------------------------------------------------------------------------------


class VerificationStatus(models.TextChoices):
    VALID = "valid", _("有效")
    REVOKED = "revoked", _("已注销")
    EXPIRED = "expired", _("已过期")
    TAMPERED = "tampered", _("数据被篡改")
    NOT_FOUND = "not_found", _("未找到")


class VerificationPart(models.TextChoices):
    """The parts of a verification, in the order they are checked; a result names the first that failed."""

    TAMPERING = "tampering", _("数据完整")
    SIGNATURE = "signature", _("发证签名")
    REVOCATION = "revocation", _("注销状态")
    EXPIRY = "expiry", _("有效期")


@dataclass(frozen=True)
class VerificationCheck:
    part: VerificationPart
    passed: bool
    detail: str

    @property
    def label(self) -> str:
        return str(self.part.label)


@dataclass(frozen=True)
class VerificationResult:
    """What a relying party needs: the status, a sentence in the reader's language, and the certificate if trusted;
    ``checks`` says which parts were checked and ``failed`` which one failed (None when valid or not found)."""

    number: str
    status: VerificationStatus
    message: str
    certificate: Certificate | None = None  # None when not found or tampered: its data must not be shown as fact
    checks: tuple[VerificationCheck, ...] = ()

    @property
    def is_valid(self) -> bool:
        return self.status == VerificationStatus.VALID

    @property
    def label(self) -> str:
        return str(self.status.label)

    @property
    def failed(self) -> VerificationPart | None:
        return next((c.part for c in self.checks if not c.passed), None)


def _signature_holds(cert: Certificate) -> bool:
    key = IssuerKey.objects.defer("private_key").filter(key_id=cert.issuer_key_id).first()
    return (
        key is not None
        and key.department_id == cert.department_id
        and key.was_valid_at(cert.issued_at)
        and sm2_verify(key.public_key, cert.canonical_bytes(), cert.signature)
    )


def _revocation_holds(cert: Certificate, record: Revocation) -> bool:
    """The revocation record is signed by a key of the certificate's department, in force when it signed."""
    key = IssuerKey.objects.defer("private_key").filter(key_id=record.issuer_key_id).first()
    return (
        key is not None
        and key.department_id == cert.department_id
        and key.was_valid_at(record.signed_at)
        and sm2_verify(key.public_key, record.canonical_bytes(cert), record.signature)
    )


def _ledger_revoked(cert: Certificate) -> bool:
    """The audit ledger (hash-chained, with signed checkpoints) holds a revocation of this certificate."""
    return AuditEntry.objects.filter(
        action="certificate.revoke", object_type=cert._meta.label_lower, object_id=str(cert.pk)
    ).exists()


def _revocation_check(cert: Certificate) -> tuple[VerificationCheck, VerificationStatus | None]:
    """The revocation part: a signed record decides; a revocation the ledger or the row shows without one is
    tampering (a deleted or never-signed record), never "valid"."""
    record = Revocation.objects.filter(certificate_id=cert.pk).first()
    part = VerificationPart.REVOCATION
    if record is not None:
        if not _revocation_holds(cert, record):
            detail = gettext("注销记录与发证部门的签名不符，可能已被篡改。")
            return VerificationCheck(part, False, detail), VerificationStatus.TAMPERED
        cert.revoked_at, cert.revocation_reason = record.revoked_at, record.reason  # the signed values win
        date_text = f"{timezone.localtime(record.revoked_at):%Y-%m-%d}"
        detail = gettext("发证部门已签名注销（%(date)s）。") % {"date": date_text}
        return VerificationCheck(part, False, detail), VerificationStatus.REVOKED
    if _ledger_revoked(cert) or cert.status == Certificate.Status.REVOKED:
        detail = gettext("审计账本或证照状态显示已注销，但签名的注销记录缺失，数据可能已被篡改。")
        return VerificationCheck(part, False, detail), VerificationStatus.TAMPERED
    return VerificationCheck(part, True, gettext("未注销。")), None


def verify_certificate(number_or_cert: str | Certificate) -> VerificationResult:
    """Check a certificate (核验) from its database row, part by part: the row is intact, the issuer's signature
    holds, no signed revocation (nor one in the ledger), within validity. The first part that fails decides."""
    rows = Certificate.objects.select_related("cert_type", "department")
    if isinstance(number_or_cert, Certificate):  # re-read: the row is what counts, not the object in memory
        number, rows = number_or_cert.number, rows.filter(pk=number_or_cert.pk)
    else:
        number = normalize_identifier(number_or_cert or "")
        rows = rows.filter(number=number)
    tampered = gettext("该电子证照的数据与发证部门的签名不符，可能已被篡改，请勿采信，并向发证部门核实。")
    cert = rows.defer("holder_id").first()
    if cert is None:
        return VerificationResult(
            number,
            VerificationStatus.NOT_FOUND,
            gettext("未找到编号为 %(number)s 的电子证照，请核对编号。") % {"number": number},
        )
    checks: list[VerificationCheck] = []
    if not _readable(cert):  # an encrypted column was overwritten in the database
        checks.append(VerificationCheck(VerificationPart.TAMPERING, False, gettext("证照数据无法解密，已损坏。")))
        return VerificationResult(cert.number, VerificationStatus.TAMPERED, tampered, None, tuple(checks))
    checks.append(VerificationCheck(VerificationPart.TAMPERING, True, gettext("证照数据可以完整读取。")))
    if not _signature_holds(cert):
        checks.append(VerificationCheck(VerificationPart.SIGNATURE, False, gettext("SM2 签名核验未通过。")))
        return VerificationResult(cert.number, VerificationStatus.TAMPERED, tampered, None, tuple(checks))
    checks.append(VerificationCheck(VerificationPart.SIGNATURE, True, gettext("SM2 签名核验通过。")))
    revocation, outcome = _revocation_check(cert)
    checks.append(revocation)
    details = {"type": cert.cert_type.name, "department": cert.department.name}
    if outcome == VerificationStatus.TAMPERED:
        message = gettext("该电子证照的注销状态无法核实，可能已被篡改，请勿采信，并向发证部门核实。")
        return VerificationResult(cert.number, outcome, message, None, tuple(checks))
    if outcome == VerificationStatus.REVOKED:
        details["date"] = f"{timezone.localtime(cert.revoked_at):%Y-%m-%d}" if cert.revoked_at else ""
        message = gettext("该%(type)s已由%(department)s于 %(date)s 注销，不再有效。") % details
        return VerificationResult(cert.number, VerificationStatus.REVOKED, message, cert, tuple(checks))
    if cert.is_expired():
        details["date"] = f"{cert.valid_until:%Y-%m-%d}"
        checks.append(
            VerificationCheck(VerificationPart.EXPIRY, False, gettext("有效期已于 %(date)s 届满。") % details)
        )
        message = gettext("该%(type)s的有效期已于 %(date)s 届满，不再有效。") % details
        return VerificationResult(cert.number, VerificationStatus.EXPIRED, message, cert, tuple(checks))
    details["until"] = f"{cert.valid_until:%Y-%m-%d}" if cert.valid_until else gettext("长期")
    checks.append(VerificationCheck(VerificationPart.EXPIRY, True, gettext("在有效期内（至 %(until)s）。") % details))
    message = gettext("该%(type)s由%(department)s签发，签名核验通过，真实有效（有效期至：%(until)s）。") % details
    return VerificationResult(cert.number, VerificationStatus.VALID, message, cert, tuple(checks))


def verification_path(number: str) -> str:
    """The public page a QR code points to (make it absolute with the request or ``YIWANG_PUBLIC_BASE_URL``)."""
    return reverse("certificates:verify_number", kwargs={"number": number})


# ----------------------------------------------------------------------------------------------------
# Reading: the holder's wallet and what an official may see
# ----------------------------------------------------------------------------------------------------


def _marked_if_damaged(cert: Certificate) -> Certificate:
    """Read the encrypted holder code of a row loaded without it; a code that does not decrypt (the column was
    overwritten, or its key retired) marks the certificate ``damaged`` instead of failing the whole page."""
    try:
        cert.holder_id  # noqa: B018 - deferred: decrypts this one row now
    except InvalidToken:  # the field reports an unknown key id as an invalid token too
        cert.damaged = True
        cert.holder_id = ""  # never shown, never signed over: verification re-reads the row and says tampered
    return cert


def certificates_of(holder_id: str) -> list[Certificate]:
    """The certificates held by one person or enterprise (证照夹), newest first; unreadable ones marked damaged."""
    rows = Certificate.objects.filter(holder_index=index_of(normalize_identifier(holder_id or "")))
    return [_marked_if_damaged(c) for c in rows.select_related("cert_type", "department").defer("holder_id")]


def holder_ids_of(user: Any) -> list[str]:
    """Whose certificates a login holds: a person their ID number, an enterprise agent their enterprise's USCC."""
    if not getattr(user, "is_authenticated", False):
        return []
    if user.kind == User.Kind.PERSON and user.id_number:
        return [user.id_number]
    if user.kind == User.Kind.AGENT and user.enterprise_uscc:
        return [user.enterprise_uscc]
    return []


def visible_certificates(user: Any) -> QuerySet[Certificate]:
    """Certificates the user may open: their own, and for officials those issued by a department in their scope."""
    base = Certificate.objects.select_related("cert_type", "department")
    if not getattr(user, "is_authenticated", False):
        return base.none()
    scoped = scope_queryset(user, base, division_field="department__division", department_field="department")
    own = [index_of(normalize_identifier(h)) for h in holder_ids_of(user)]
    return (scoped | base.filter(holder_index__in=own)).distinct()


def get_visible_certificate(user: Any, number: str) -> Certificate:
    """One certificate the user may open; one they may not looks exactly like one that does not exist."""
    cert = visible_certificates(user).defer("holder_id").filter(number=normalize_identifier(number)).first()
    if cert is None:
        raise NotFound(_("未找到该电子证照"), field="number")
    return _marked_if_damaged(cert)
