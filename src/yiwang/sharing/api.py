"""数据共享 over the API: reads through a grant's credential (``Authorization: Bearer yws_…``), joint sums by
additive secret sharing between departments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.security import HttpBearer

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import Department
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.sharing.models import Grant, SecureSum
from yiwang.sharing.services import reads, secure_sum
from yiwang.sharing.services.grants import grant_for_credential

router = Router(tags=["sharing"])


class GrantCredentialAuth(HttpBearer):
    """A grant's credential; the grant's state is enforced by the read itself (revoked → 403 at once)."""

    def authenticate(self, request: HttpRequest, token: str) -> Grant | None:
        return grant_for_credential(token)


class SharingReadOut(Schema):
    record_key: str
    values: dict[str, Any]


class SharingFieldsIn(Schema):
    fields: str = ""


class SharingPageIn(Schema):
    fields: str = ""
    offset: int = 0
    limit: int = 100


def _fields(text: str) -> list[str] | None:
    wanted = [f.strip() for f in text.split(",") if f.strip()]
    return wanted or None


@router.get("/read/{record_key}", response=SharingReadOut, auth=GrantCredentialAuth())
def read_record(request: HttpRequest, record_key: str, query: Query[SharingFieldsIn]) -> dict[str, Any]:
    """One record, only the granted fields, inside the grant's row scope, period and rate."""
    grant: Grant = request.auth  # type: ignore[attr-defined]
    return {"record_key": record_key, "values": reads.read_record(grant, record_key, fields=_fields(query.fields))}


@router.get("/rows", auth=GrantCredentialAuth())
def read_rows(request: HttpRequest, query: Query[SharingPageIn]) -> HttpResponse:
    """A page of records as watermarked JSON (the ``X-Export`` header names the export)."""
    grant: Grant = request.auth  # type: ignore[attr-defined]
    bulk = reads.read_rows(grant, fields=_fields(query.fields), offset=query.offset, limit=query.limit)
    response = HttpResponse(bulk.content, content_type="application/json")
    response["X-Export"] = str(bulk.export.pk)
    return response


# --- 秘密分享求和 (joint sums by additive secret sharing) ------------------------------------------------------


class SecureSumOpenIn(Schema):
    description: str
    unit: str = ""
    #: codes of the other departments taking part (the caller's own department initiates)
    parties: list[str]


class SecureSumPartyOut(Schema):
    department: str
    name: str
    contributed: bool
    partial: str | None


class SecureSumOut(Schema):
    id: int
    description: str
    unit: str
    status: str
    result: str | None
    prime: str
    places: int
    parties: list[SecureSumPartyOut]


class SecureSumContributeIn(Schema):
    department: str
    #: either the figure (split on the platform at once) ...
    value: Decimal | None = None
    #: ... or the shares split by the department's own system: decimal text by recipient department code
    shares: dict[str, str] | None = None


def _sum_out(session: SecureSum) -> dict[str, Any]:
    session.refresh_from_db()
    return {
        "id": session.pk,
        "description": session.description,
        "unit": session.unit,
        "status": session.status,
        "result": str(session.result) if session.result is not None else None,
        "prime": str(secure_sum.PRIME),
        "places": secure_sum.PLACES,
        "parties": [
            {
                "department": p.department.code,
                "name": p.department.name,
                "contributed": p.contributed_at is not None,
                "partial": p.partial or None,
            }
            for p in session.parties.select_related("department").order_by("position")
        ],
    }


def _department(code: str, field: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(_("未找到部门：%(code)s") % {"code": code}, field=field)
    return department


def _session(request: AuthedRequest, pk: int) -> SecureSum:
    session = secure_sum.sessions_for(request.user).filter(pk=pk).first()
    if session is None:
        raise NotFound(_("未找到该联合求和"), field="id")
    return session


@router.post("/secure-sums", response={201: SecureSumOut})
def open_secure_sum(request: AuthedRequest, body: SecureSumOpenIn) -> Status:
    """Open a joint sum among the caller's department and the departments named."""
    if request.user.department is None:
        raise PermissionDenied(_("只有部门工作人员可以发起联合求和"), field="initiator")
    parties = [_department(code, "parties") for code in body.parties]
    session = secure_sum.open_secure_sum(
        request.user, initiator=request.user.department, parties=parties, description=body.description, unit=body.unit
    )
    return Status(201, _sum_out(session))


@router.get("/secure-sums/{pk}", response=SecureSumOut)
def show_secure_sum(request: AuthedRequest, pk: int) -> dict[str, Any]:
    """A joint sum: its parties, who has contributed, and once all have, the partial sums and the total."""
    return _sum_out(_session(request, pk))


@router.post("/secure-sums/{pk}/contributions", response=SecureSumOut)
def contribute_secure_sum(request: AuthedRequest, pk: int, body: SecureSumContributeIn) -> dict[str, Any]:
    """A department's contribution: its shares (split locally, preferred) or its figure (split at once)."""
    session = _session(request, pk)
    department = _department(body.department, "department")
    if (body.value is None) == (body.shares is None):
        raise ValidationFailed(_("请提供数值或份额之一"), field="shares")
    if body.shares is not None:
        try:
            shares = {code: int(text) for code, text in body.shares.items()}
        except ValueError as exc:
            raise ValidationFailed(_("份额须为十进制整数"), field="shares") from exc
        secure_sum.contribute_shares(request.user, session, department=department, shares=shares)
    else:
        assert body.value is not None
        secure_sum.contribute_value(request.user, session, department=department, value=body.value)
    return _sum_out(session)
