"""Certificates over the API: public verification, the holder's wallet, revocation by the issuing department."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema

from yiwang.accounts.http import AuthedRequest
from yiwang.certificates import services
from yiwang.certificates.models import Certificate
from yiwang.core.errors import NotFound

router = Router(tags=["certificates"])


class CertificateCheckOut(Schema):
    part: str = Field(description="tampering | signature | revocation | expiry")
    passed: bool
    detail: str


class VerificationOut(Schema):
    number: str
    status: str = Field(description="valid | revoked | expired | tampered | not_found")
    message: str
    failed: str | None = Field(None, description="the part that failed: tampering | signature | revocation | expiry")
    checks: list[CertificateCheckOut] = Field(default_factory=list, description="each part checked, in order")
    certificate_type: str | None = None
    issuing_department: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None


class CertificateOut(Schema):
    number: str
    certificate_type: str = Field(alias="cert_type.code")
    certificate_type_name: str = Field(alias="cert_type.name")
    holder_id: str
    holder_name: str
    issuing_department: str = Field(alias="department.name")
    issued_at: datetime
    valid_from: date
    valid_until: date | None
    status: str = Field(alias="effective_status", description="valid | revoked | expired (stored state)")
    content: dict[str, Any]


class RevokeIn(Schema):
    reason: str = Field(min_length=1, max_length=2000)


@router.get("/verify/{number}", response=VerificationOut, auth=None)
def verify(request: HttpRequest, number: str) -> VerificationOut:
    """Verify a certificate by its number (public). A number that is not found is a result, not an error."""
    result = services.verify_certificate(number)
    cert = result.certificate
    return VerificationOut(
        number=result.number,
        status=result.status.value,
        message=result.message,
        failed=result.failed.value if result.failed else None,
        checks=[CertificateCheckOut(part=c.part.value, passed=c.passed, detail=c.detail) for c in result.checks],
        certificate_type=cert.cert_type.name if cert else None,
        issuing_department=cert.department.name if cert else None,
        valid_from=cert.valid_from if cert else None,
        valid_until=cert.valid_until if cert else None,
    )


@router.get("/mine", response=list[CertificateOut])
def mine(request: AuthedRequest) -> QuerySet[Certificate] | list[Certificate]:
    """The caller's own certificates (a person's, or their enterprise's for an agent)."""
    holder_ids = services.holder_ids_of(request.user)
    return services.certificates_of(holder_ids[0]) if holder_ids else []


@router.post("/{number}/revoke", response=CertificateOut)
def revoke(request: AuthedRequest, number: str, payload: RevokeIn) -> Certificate:
    """Revoke a certificate (注销): officials of the issuing department or administrators, with a reason."""
    rows = Certificate.objects.select_related("cert_type", "department").defer("holder_id")  # a damaged row: 409
    cert = rows.filter(number=number.strip().upper()).first()
    if cert is None:
        raise NotFound("未找到该电子证照", field="number")
    return services.revoke_certificate(cert, reason=payload.reason, actor=request.user)
