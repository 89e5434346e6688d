"""Intake (收件), shared by a single item's application and a one-thing bundle's: the one vocabulary of submitting.

- who the applicant is, and whether someone is the applicant or their delegate (:func:`is_applicant`);
- which materials an applicant's own valid e-certificates cover (免提交, :func:`certificates_covering`);
- the rules of an uploaded file (:func:`check_upload`);
- the idempotent submission (:func:`submit_once`): a repeated key from the same user returns the first result,
  and nothing is saved when anything is refused (one transaction).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import Any, Protocol, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.certificates.models import Certificate
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.keys import index_of

__all__ = [
    "applicant_identity",
    "certificates_covering",
    "check_upload",
    "clean_idempotency_key",
    "file_extension",
    "is_applicant",
    "request_digest",
    "require_applicant",
    "require_materials",
    "store_file",
    "submit_once",
]


class Submitted(Protocol):
    """Anything submitted by a user, possibly as a delegate (an application, a bundle application)."""

    submitted_by_id: int
    on_behalf_of_id: int | None


S = TypeVar("S", bound=models.Model)


def applicant_identity(user: User) -> tuple[str, str]:
    """(ID number or USCC, name) of whom the user applies for."""
    if user.kind == User.Kind.AGENT and user.enterprise_uscc:
        from yiwang.registries.models import LegalEntity

        entity = LegalEntity.objects.filter(uscc=user.enterprise_uscc).first()
        return user.enterprise_uscc, entity.name if entity else user.enterprise_uscc
    if user.kind == User.Kind.PERSON and user.id_number:
        return user.id_number, user.full_name or user.username
    raise PermissionDenied(_("账户未关联身份信息，不能申请：请先完成实名认证"), field="applicant")


def is_applicant(submitted: Submitted, user: Any) -> bool:
    """Whether ``user`` submitted it, or is the principal it was submitted for (授权代办)."""
    pk = getattr(user, "pk", None)
    return pk is not None and pk in {submitted.submitted_by_id, submitted.on_behalf_of_id}


def require_applicant(submitted: Submitted, user: Any, message: Any = None) -> None:
    """:func:`is_applicant` or :class:`PermissionDenied` ("只有申请人本人可以进行此操作")."""
    if not is_applicant(submitted, user):
        raise PermissionDenied(message or _("只有申请人本人可以进行此操作"), field="actor")


def certificates_covering(holder_id: str, type_ids: Iterable[int]) -> dict[int, Certificate]:
    """免提交: for each e-certificate type among ``type_ids``, the holder's newest valid, unexpired certificate."""
    wanted = {t for t in type_ids if t}
    if not wanted:
        return {}
    certs = Certificate.objects.filter(
        holder_index=index_of(holder_id), cert_type_id__in=wanted, status=Certificate.Status.VALID
    ).order_by("-issued_at")
    by_type: dict[int, Certificate] = {}
    for cert in certs:
        if not cert.is_expired():
            by_type.setdefault(cert.cert_type_id, cert)
    return by_type


def file_extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(upload: Any, *, name: str, file_types: str, max_size_mb: int, field: str) -> str:
    """An uploaded material of the accepted types and size, else ValidationFailed naming it; returns its extension."""
    extension = file_extension(upload.name)
    if extension not in {t.strip() for t in file_types.split(",")}:
        raise ValidationFailed(format_lazy(_("“{name}”只接受 {types} 格式"), name=name, types=file_types), field=field)
    if upload.size > max_size_mb * 1024 * 1024:
        raise ValidationFailed(format_lazy(_("“{name}”不能超过 {mb} MB"), name=name, mb=max_size_mb), field=field)
    return extension


def require_materials(missing: list[str]) -> None:
    """ValidationFailed listing every required material neither uploaded nor covered by an e-certificate."""
    if missing:
        raise ValidationFailed(
            format_lazy(_("缺少必要材料：{names}"), names="、".join(missing)),
            field="materials",
            code="materials_missing",
        )


def clean_idempotency_key(key: str | None) -> str:
    key = (key or "").strip()
    if not 8 <= len(key) <= 64:
        raise ValidationFailed(_("缺少有效的幂等键（8–64 个字符）"), field="idempotency_key")
    return key


def request_digest(**parts: Any) -> str:
    """A digest of what was submitted (answers, files by name and size, for whom): the same key must carry it."""

    def plain(value: Any) -> Any:
        if hasattr(value, "read") and hasattr(value, "name"):
            return {"file": value.name, "size": getattr(value, "size", None)}
        return value

    canonical = {
        k: {str(n): plain(v) for n, v in p.items()} if isinstance(p, dict) else plain(p) for k, p in parts.items()
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode()).hexdigest()


#: the files stored by the submission in progress, removed again when it is refused (see :func:`store_file`)
_stored: ContextVar[list[tuple[Any, str]] | None] = ContextVar("intake_stored_files", default=None)


def store_file(field_file: Any, extension: str, content: Any) -> None:
    """Store an uploaded material under a name nobody else gets (not the case number, which a refused submission
    hands back to the next applicant); a refused submission removes it again (:func:`submit_once`)."""
    field_file.save(f"{uuid.uuid4().hex}.{extension}", content, save=False)
    journal = _stored.get()
    if journal is not None:
        journal.append((field_file.storage, field_file.name))


def submit_once(
    model: type[S],
    *,
    user: User,
    idempotency_key: str,
    create: Callable[[str], S] | None,
    digest: str = "",
    prepare: Callable[[], Callable[[str], S]] | None = None,
) -> tuple[S, bool]:
    """Run ``create(key)`` in one transaction unless ``user`` already submitted with this key; (result, created).

    With ``prepare`` instead, ``prepare()`` runs first, outside the transaction (reads, checks, computing, storing
    files), and returns the ``create`` that the transaction runs: the transaction holds its locks only while it
    writes. A repeated key with a different ``digest`` (another body) is refused with :class:`Conflict` (409), never
    answered with the first result. A concurrent request with the same key that wins the race is answered with what
    it created. When the submission fails, the files it stored are removed: nothing of a refused submission remains.
    """
    key = clean_idempotency_key(idempotency_key)
    manager = model._default_manager
    existing = manager.filter(submitted_by=user, idempotency_key=key).first()
    if existing is not None:
        return _same_request(existing, digest), False
    journal: list[tuple[Any, str]] = []
    token = _stored.set(journal)
    try:
        write = prepare() if prepare is not None else create
        assert write is not None, "submit_once needs create or prepare"
        with transaction.atomic():
            return write(key), True
    except IntegrityError:
        _remove(journal)
        existing = manager.filter(submitted_by=user, idempotency_key=key).first()
        if existing is None:
            raise
        return _same_request(existing, digest), False
    except BaseException:
        _remove(journal)
        raise
    finally:
        _stored.reset(token)


def _same_request(existing: S, digest: str) -> S:
    stored = getattr(existing, "request_digest", "")
    if digest and stored and stored != digest:
        raise Conflict(
            _("该幂等键已用于一份内容不同的申请，未重复受理；如需再次申请，请刷新页面后重新提交"),
            field="idempotency_key",
            code="idempotency_key_reused",
        )
    return existing


def _remove(journal: list[tuple[Any, str]]) -> None:
    for storage, name in journal:
        storage.delete(name)
