"""Electronic certificates (电子证照): their types, the issuers' SM2 keys, and the signed certificates."""

from __future__ import annotations

import json
from datetime import UTC, date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department
from yiwang.certificates.schema import check_schema
from yiwang.core.errors import ValidationFailed
from yiwang.core.fields import BlindIndexField, EncryptedTextField

#: Version of the canonical serialisation that is signed; part of the signed bytes so the format can evolve.
CANONICAL_FORMAT = 1


class HolderKind(models.TextChoices):
    PERSON = "person", _("自然人")
    ENTERPRISE = "enterprise", _("法人")


class IssuerKind(models.TextChoices):
    """The kind of department that issues a type of certificate (部门类别); descriptive, shown to officials."""

    MARKET_REGULATION = "market_regulation", _("市场监督管理部门")
    PUBLIC_SECURITY = "public_security", _("公安机关")
    CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
    HUMAN_RESOURCES = "human_resources", _("人力资源和社会保障部门")
    OTHER = "other", _("其他部门")


class CertificateType(models.Model):
    """A kind of certificate (证照类型), e.g. 营业执照, with the JSON Schema of its content fields."""

    code = models.SlugField(_("证照类型编码"), max_length=64, unique=True)
    name = models.CharField(_("证照名称"), max_length=64)
    issuer_kind = models.CharField(_("发证部门类别"), max_length=32, choices=IssuerKind.choices)
    holder_kind = models.CharField(_("持证主体类型"), max_length=16, choices=HolderKind.choices)
    validity_years = models.PositiveSmallIntegerField(
        _("有效期（年）"), null=True, blank=True, help_text=_("留空表示长期有效")
    )
    schema = models.JSONField(_("证照内容模式"), help_text=_("JSON Schema：各字段的中文标题、类型、必填项"))

    class Meta:
        verbose_name = _("证照类型")
        verbose_name_plural = _("证照类型")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        try:
            check_schema(self.schema)
        except ValidationFailed as exc:
            raise ValidationError({"schema": str(exc.message)}) from exc


class IssuerKey(models.Model):
    """A department's SM2 signing key (签章密钥).

    The private key is encrypted at rest like all secrets of the platform (``core.fields.EncryptedTextField``:
    SM4-GCM with the keys of ``YIWANG_FIELD_KEYS``, rotated with them); the public key is in clear. Rotation closes
    the current key (``valid_until``) and creates a new one; closed keys are kept for ever, because the
    certificates they signed must keep verifying. Reads that only verify should ``defer("private_key")``.
    """

    key_id = models.CharField(_("密钥标识"), max_length=64, unique=True)
    department = models.ForeignKey(
        Department, verbose_name=_("所属部门"), on_delete=models.PROTECT, related_name="issuer_keys"
    )
    algorithm = models.CharField(_("算法"), max_length=16, default="SM2", editable=False)
    public_key = models.CharField(_("公钥"), max_length=128, help_text=_("SM2 公钥，x‖y 十六进制"))
    private_key = EncryptedTextField(_("私钥"), editable=False)
    valid_from = models.DateTimeField(_("启用时间"))
    valid_until = models.DateTimeField(_("停用时间"), null=True, blank=True, help_text=_("留空表示当前在用"))

    class Meta:
        verbose_name = _("签章密钥")
        verbose_name_plural = _("签章密钥")
        ordering = ["department_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["department"], condition=models.Q(valid_until__isnull=True), name="one_current_issuer_key"
            )
        ]

    encrypted_row_key = "key_id"  # the private key's ciphertext is bound to this row (core.fields)

    def __str__(self) -> str:
        return self.key_id

    def was_valid_at(self, moment) -> bool:
        return self.valid_from <= moment and (self.valid_until is None or moment <= self.valid_until)


class CertificateSequence(models.Model):
    """The last serial number used by one department in one year (allocates certificate numbers without gaps)."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("证照编号序列")
        verbose_name_plural = _("证照编号序列")
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="uniq_certificate_sequence")]

    def __str__(self) -> str:
        return f"{self.department_id}/{self.year}: {self.last}"


class Certificate(models.Model):
    """One electronic certificate (电子证照), signed with SM2 by its issuing department.

    The number is ``<department code>-<year>-<serial>``, e.g. ``330106-SCJGJ-2026-000123``: the department code
    already carries the division code and the department's abbreviation, so a number says who issued it and when,
    and is unique because each department numbers its own certificates per year.
    """

    class Status(models.TextChoices):
        VALID = "valid", _("有效")
        REVOKED = "revoked", _("已注销")

    number = models.CharField(_("证照编号"), max_length=64, unique=True)
    cert_type = models.ForeignKey(
        CertificateType, verbose_name=_("证照类型"), on_delete=models.PROTECT, related_name="certificates"
    )
    # A person's ID number is personal data at rest: encrypted, found through its blind index.
    holder_id = EncryptedTextField(_("持证主体代码"), help_text=_("公民身份号码或统一社会信用代码"))
    holder_index = BlindIndexField(source="holder_id", db_index=True)
    holder_name = models.CharField(_("持证主体名称"), max_length=128)
    department = models.ForeignKey(
        Department, verbose_name=_("发证部门"), on_delete=models.PROTECT, related_name="certificates"
    )
    issued_at = models.DateTimeField(_("签发时间"))
    valid_from = models.DateField(_("有效期起"))
    valid_until = models.DateField(_("有效期至"), null=True, blank=True, help_text=_("留空表示长期有效"))
    content = models.JSONField(_("证照内容"))
    issuer_key = models.ForeignKey(
        IssuerKey,
        verbose_name=_("签章密钥"),
        to_field="key_id",
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    signature = models.CharField(_("SM2 签名"), max_length=128)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.VALID)
    revoked_at = models.DateTimeField(_("注销时间"), null=True, blank=True)
    revocation_reason = models.TextField(_("注销原因"), blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("电子证照")
        verbose_name_plural = _("电子证照")
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["department", "issued_at"])]

    #: Set by the services when the row's encrypted holder code does not decrypt: shown as damaged, never as fact.
    damaged: bool = False
    encrypted_row_key = "number"  # the holder code's ciphertext is bound to this row (core.fields)

    def __str__(self) -> str:  # no personal data: this is what the audit ledger and the admin show
        return self.number

    def canonical_bytes(self) -> bytes:
        """The bytes that are signed: sorted-key JSON, no whitespace, UTF-8, of the fields that make the certificate.

        Computed from the row alone (no in-memory state), so verification works on a restored dump. Signed: the
        number, type code, holder (code and name), issue time (UTC, seconds), validity, content and key id. Not
        signed: the status and revocation, which change after issue (their changes are in the audit ledger).
        """
        document: dict[str, Any] = {
            "v": CANONICAL_FORMAT,
            "number": self.number,
            "type": self.cert_type.code,
            "holder_id": self.holder_id,
            "holder_name": self.holder_name,
            "issued_at": self.issued_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "content": self.content,
            "key_id": self.issuer_key_id,
        }
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8")

    def is_expired(self, today: date | None = None) -> bool:
        """Past its last valid day (inclusive), counted in Asia/Shanghai."""
        return self.valid_until is not None and (today or timezone.localdate()) > self.valid_until

    @property
    def effective_status(self) -> str:
        """``valid``, ``revoked`` or ``expired`` from the stored columns (the signature is not checked here);
        ``tampered`` for a row whose encrypted holder code cannot be read (:attr:`damaged`)."""
        if self.damaged:
            return "tampered"
        if self.status == self.Status.REVOKED:
            return "revoked"
        return "expired" if self.is_expired() else "valid"

    def content_rows(self) -> list[tuple[str, Any]]:
        """(Chinese title, value) pairs in the order of the type's schema, then any field the schema lacks."""
        properties: dict[str, dict[str, Any]] = (self.cert_type.schema or {}).get("properties", {})
        rows = [
            (spec.get("title", name), self.content[name]) for name, spec in properties.items() if name in self.content
        ]
        rows += [(name, value) for name, value in self.content.items() if name not in properties]
        return rows


class Revocation(models.Model):
    """The signed record of a certificate's revocation (注销记录): SM2-signed by the issuing department's key.

    The certificate's ``status`` column is a convenience; verification trusts this record (and the audit ledger),
    so one SQL UPDATE of the status cannot bring a revoked certificate back. The signed bytes bind the record to
    its certificate (number and signature), the time, the reason and the key: a record copied to another
    certificate, or edited, no longer verifies.
    """

    certificate = models.OneToOneField(
        Certificate, verbose_name=_("电子证照"), on_delete=models.PROTECT, related_name="revocation"
    )
    revoked_at = models.DateTimeField(_("注销时间"))
    reason = models.TextField(_("注销原因"))
    signed_at = models.DateTimeField(_("签名时间"))
    issuer_key = models.ForeignKey(
        IssuerKey, verbose_name=_("签章密钥"), to_field="key_id", on_delete=models.PROTECT, related_name="+"
    )
    signature = models.CharField(_("SM2 签名"), max_length=128)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("注销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("注销记录")
        verbose_name_plural = _("注销记录")

    def __str__(self) -> str:
        return f"{self.certificate_id}"

    def canonical_bytes(self, certificate: Certificate) -> bytes:
        """The signed bytes: sorted-key JSON of the certificate's number and signature, the time, reason and key."""
        document = {
            "v": CANONICAL_FORMAT,
            "kind": "revocation",
            "number": certificate.number,
            "certificate_signature": certificate.signature,
            "revoked_at": self.revoked_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "signed_at": self.signed_at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "reason": self.reason,
            "key_id": self.issuer_key_id,
        }
        text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8")
