"""数据共享 over the API: reads through a grant's credential (``Authorization: Bearer yws_…``), joint sums by
additive secret sharing between departments, thematic databases, data return receipts, 授权运营 and the review
of applications for conditionally open datasets."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import HttpBearer

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import Department, Division
from yiwang.core.errors import NotFound, PermissionDenied, ValidationFailed
from yiwang.sharing import selectors
from yiwang.sharing.models import (
    DatasetApplication,
    Grant,
    OperationAgreement,
    Resource,
    ReturnExtract,
    SecureSum,
    ThematicRegistry,
    ThematicRow,
)
from yiwang.sharing.services import opendata, operations, reads, secure_sum, thematic
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
    offset: int = Field(0, ge=0, le=1_000_000)
    limit: int = Field(100, ge=1, le=1000)


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


# --- thematic databases, data return, 授权运营, conditionally open datasets -------------------------------------


class ThematicRegistryOut(Schema):
    code: str
    name: str
    department: str
    grade: str
    fields: list[dict[str, Any]]


class ThematicRowIn(Schema):
    division: str
    data: dict[str, Any]


class ThematicRowOut(Schema):
    record_key: str
    division: str
    version: int
    values: dict[str, Any]


class ReturnScheduleOut(Schema):
    id: int
    resource: str
    division: str
    recipient: str
    fields: list[str]
    every_days: int
    next_run_on: date


class ReturnReceiptOut(Schema):
    id: int
    created_at: datetime
    row_count: int
    sm3_digest: str


class OperationApplyIn(Schema):
    resource: str
    operator_name: str
    product: str
    output: str


class OperationDecisionIn(Schema):
    approve: bool
    agreement_no: str = ""
    fee_yuan: Decimal = Decimal("0")
    reason: str = ""


class OperationOut(Schema):
    id: int
    operator_name: str
    operator_uscc: str
    resource: str
    product: str
    output: str
    status: str
    agreement_no: str
    fee_yuan: Decimal
    calls: int


class DatasetDecisionIn(Schema):
    approve: bool
    agreement_no: str = ""


class DatasetApplicationOut(Schema):
    id: int
    dataset: str
    applicant: str
    purpose: str
    status: str
    agreement_no: str


def _registry_out(registry: ThematicRegistry) -> dict[str, Any]:
    return {
        "code": registry.code,
        "name": registry.name,
        "department": registry.department.code,
        "grade": registry.grade,
        "fields": registry.schema,
    }


def _row_out(registry: ThematicRegistry, row: ThematicRow) -> dict[str, Any]:
    return {
        "record_key": row.record_key,
        "division": row.division_id,
        "version": row.version,
        "values": thematic.masked(registry, row),
    }


@router.get("/thematic", response=list[ThematicRegistryOut])
def list_thematic(request: AuthedRequest) -> list[dict[str, Any]]:
    """The thematic databases of the caller's departments, with their schemas."""
    return [_registry_out(r) for r in selectors.thematic_registries_for(request.user)]


@router.get("/thematic/{code}/rows", response=list[ThematicRowOut])
def list_thematic_rows(
    request: AuthedRequest,
    code: str,
    offset: int = Query(0, ge=0, le=1_000_000),
    limit: int = Query(100, ge=1, le=1000),
) -> list[dict[str, Any]]:
    """A page of records, each masked by its fields' rules."""
    registry = selectors.thematic_registry_for(request.user, code)
    limit = max(1, min(limit, 1000))
    rows = registry.rows.order_by("record_key")[max(offset, 0) : max(offset, 0) + limit]
    return [_row_out(registry, row) for row in rows]


@router.put("/thematic/{code}/rows", response=ThematicRowOut)
def put_thematic_row(request: AuthedRequest, code: str, body: ThematicRowIn) -> dict[str, Any]:
    """Create or update one record by its key (a new version only when a value changed)."""
    registry = selectors.thematic_registry_for(request.user, code)
    division = Division.objects.filter(code=body.division).first()
    if division is None:
        raise ValidationFailed(_("区划代码不存在：%(code)s") % {"code": body.division}, field="division")
    row = thematic.put_row(request.user, registry, division=division, data=body.data, channel="api")
    return _row_out(registry, row)


@router.get("/returns", response=list[ReturnScheduleOut])
def list_returns(request: AuthedRequest) -> list[dict[str, Any]]:
    """The returns the caller's departments provide or receive."""
    return [
        {
            "id": s.pk,
            "resource": s.resource.code,
            "division": s.division_id,
            "recipient": s.recipient.code,
            "fields": s.fields,
            "every_days": s.every_days,
            "next_run_on": s.next_run_on,
        }
        for s in selectors.return_schedules_for(request.user)
    ]


@router.get("/returns/{pk}/receipts", response=list[ReturnReceiptOut])
def list_return_receipts(request: AuthedRequest, pk: int) -> list[ReturnExtract]:
    """The receipts of a return: row count and SM3 digest of each delivered file."""
    return list(selectors.return_schedule_for(request.user, pk).extracts.all())


def _operation_out(agreement: OperationAgreement) -> dict[str, Any]:
    return {
        "id": agreement.pk, "operator_name": agreement.operator_name, "operator_uscc": agreement.operator_uscc,
        "resource": agreement.resource.code, "product": agreement.product, "output": agreement.output,
        "status": agreement.status, "agreement_no": agreement.agreement_no, "fee_yuan": agreement.fee_yuan,
        "calls": agreement.calls,
    }  # fmt: skip


@router.post("/operations", response={201: OperationOut})
def apply_operation(request: AuthedRequest, body: OperationApplyIn) -> Status:
    """An enterprise's agent applies for 授权运营 on a conditionally shared resource (a repeat returns the first)."""
    resource = Resource.objects.filter(code=body.resource).first()
    if resource is None:
        raise NotFound(_("未找到该资源"), field="resource")
    agreement = operations.apply_operation(
        request.user, resource, operator_name=body.operator_name, operator_uscc=request.user.enterprise_uscc or "",
        product=body.product, output=body.output,
    )  # fmt: skip
    return Status(201, _operation_out(agreement))


@router.get("/operations", response=list[OperationOut])
def list_operations(request: AuthedRequest) -> list[dict[str, Any]]:
    """授权运营 applications and agreements on the caller's departments' resources."""
    return [_operation_out(a) for a in selectors.operations_for(request.user)]


@router.post("/operations/{pk}/decision", response=OperationOut)
def decide_operation(request: AuthedRequest, pk: int, body: OperationDecisionIn) -> dict[str, Any]:
    """The provider signs the agreement (number and fee) or refuses with reasons."""
    agreement = selectors.operation_for(request.user, pk)
    if body.approve:
        agreement = operations.approve_operation(
            request.user, agreement, agreement_no=body.agreement_no, fee_yuan=body.fee_yuan
        )
    else:
        agreement = operations.refuse_operation(request.user, agreement, reason=body.reason)
    return _operation_out(agreement)


def _application_out(application: DatasetApplication) -> dict[str, Any]:
    return {
        "id": application.pk, "dataset": application.dataset.name, "applicant": application.applicant.username,
        "purpose": application.purpose, "status": application.status, "agreement_no": application.agreement_no,
    }  # fmt: skip


@router.get("/dataset-applications", response=list[DatasetApplicationOut])
def list_dataset_applications(request: AuthedRequest) -> list[dict[str, Any]]:
    """Applications for the conditionally open datasets the caller's departments publish."""
    return [_application_out(a) for a in selectors.dataset_applications_for(request.user)]


@router.post("/dataset-applications/{pk}/decision", response=DatasetApplicationOut)
def decide_dataset_application(request: AuthedRequest, pk: int, body: DatasetDecisionIn) -> dict[str, Any]:
    """The publisher approves with the agreement's number, or refuses."""
    application = selectors.dataset_application_for(request.user, pk)
    application = opendata.decide_dataset_application(
        request.user, application, approve=body.approve, agreement_no=body.agreement_no
    )
    return _application_out(application)


class OperationVerifyIn(Schema):
    record_key: str
    field: str
    claimed: str
    purpose: str


class OperationVerifyOut(Schema):
    answer: bool


@router.post("/operations/{pk}/verify", response=OperationVerifyOut)
def verify_operation_claim(request: AuthedRequest, pk: int, body: OperationVerifyIn) -> dict[str, bool]:
    """授权运营 verification: whether a record's field equals the claimed value. A yes or no leaves, never the value;
    only the operator's own agents may ask, under an agreement in force."""
    agreement = OperationAgreement.objects.filter(pk=pk).first()
    uscc = request.user.enterprise_uscc or ""
    if agreement is None or not uscc or agreement.operator_uscc != uscc:
        raise NotFound(_("未找到该授权运营协议"), field="agreement")
    answer = operations.verify_claim(
        agreement, record_key=body.record_key, field=body.field, claimed=body.claimed, purpose=body.purpose
    )
    return {"answer": answer}
