"""一件事 bundles over the API for other channels (mobile app, kiosk): the same merged form, the same services.

Materials that must be uploaded are not taken over the API (it carries JSON only): a bundle whose required
materials are all satisfied by the applicant's e-certificates (免提交) or by the bundle itself can be submitted;
otherwise the submission is refused with the missing materials named, and the applicant uses the portal.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Q
from ninja import Router, Schema, Status

from yiwang.accounts.http import AuthedRequest
from yiwang.bundles import services
from yiwang.bundles.merging import merge_forms, merge_materials
from yiwang.bundles.models import Bundle, BundleApplication
from yiwang.certificates.models import CertificateType
from yiwang.core.errors import NotFound

router = Router(tags=["bundles"])


class BundleItemOut(Schema):
    item_code: str
    name: str
    department: str
    depends_on: list[str]


class BundleMaterialOut(Schema):
    key: str
    name: str
    requirement: str
    certificate_type: str | None
    items: list[str]


class BundleOut(Schema):
    code: str
    name: str
    description: str
    life_event: str
    items: list[BundleItemOut]
    form_schema: dict[str, Any]
    materials: list[BundleMaterialOut]


class BundleSubmitIn(Schema):
    form_data: dict[str, Any] = {}


class ResubmitIn(Schema):
    form_data: dict[str, Any] = {}


class ChildOut(Schema):
    item: str
    department: str
    application_no: str | None
    state: str
    due_on: date | None
    waiting_for: list[str]


class CorrectionOut(Schema):
    department: str
    item: str
    application_no: str
    items: list[str]


class ResultOut(Schema):
    item: str
    department: str
    result: str
    certificate_no: str | None


class BundleApplicationOut(Schema):
    number: str
    bundle_code: str
    bundle_name: str
    state: str
    state_label: str
    submitted_at: datetime
    form_data: dict[str, Any]
    children: list[ChildOut]
    corrections: list[CorrectionOut]
    results: list[ResultOut]


def _published(code: str) -> Bundle:
    bundle = Bundle.objects.filter(code=code, status=Bundle.Status.PUBLISHED).first()
    if bundle is None:
        raise NotFound("未找到该一件事或未发布", field="code")
    return bundle


def _bundle_out(bundle: Bundle) -> BundleOut:
    items = services.ordered_items(services.bundle_items(bundle))
    materials = merge_materials(items)
    type_ids = {m.certificate_type_id for m in materials if m.certificate_type_id}
    types = dict(CertificateType.objects.filter(pk__in=type_ids).values_list("pk", "code"))
    return BundleOut(
        code=bundle.code,
        name=bundle.name,
        description=bundle.description,
        life_event=bundle.life_event,
        items=[
            BundleItemOut(
                item_code=bi.item.item_code,
                name=bi.item.name,
                department=bi.item.department.name,
                depends_on=[d.item.item_code for d in bi.depends_on.all()],
            )
            for bi in items
        ],
        form_schema=merge_forms(items).schema,
        materials=[
            BundleMaterialOut(
                key=m.key,
                name=m.name,
                requirement=m.requirement,
                certificate_type=types.get(m.certificate_type_id) if m.certificate_type_id else None,
                items=m.item_names,
            )
            for m in materials
            if not m.produced_in_bundle
        ],
    )


def _not_started(application: BundleApplication) -> str:
    return "cancelled" if application.withdrawn_at is not None else "waiting"


def _application_out(application: BundleApplication) -> BundleApplicationOut:
    application = services.advance_bundle(application)
    children = services.children_of(application)
    return BundleApplicationOut(
        number=application.number,
        bundle_code=application.bundle.code,
        bundle_name=application.bundle.name,
        state=application.state,
        state_label=str(application.get_state_display()),
        submitted_at=application.submitted_at,
        form_data=application.form_data,
        children=[
            ChildOut(
                item=row["item"],
                department=row["department"],
                application_no=row["application"].application_no if row["application"] else None,
                state=row["application"].state if row["application"] else _not_started(application),
                due_on=row["due_on"],
                waiting_for=row["waiting_for"],
            )
            for row in services.status_rows(children, withdrawn=application.withdrawn_at is not None)
        ],
        corrections=[CorrectionOut(**entry) for entry in services.correction_list(children)],
        results=[
            ResultOut(
                item=r["item"],
                department=r["department"],
                result=r["result"],
                certificate_no=r["certificate"].number if r["certificate"] else None,
            )
            for r in services.results(children)
        ]
        if application.state == "completed"
        else [],
    )


@router.get("/", response=list[BundleOut])
def bundles(request: AuthedRequest) -> list[BundleOut]:
    """The published bundles, each with its items, their order, the merged form and the materials to provide."""
    return [_bundle_out(b) for b in Bundle.objects.filter(status=Bundle.Status.PUBLISHED).order_by("code")[:100]]


@router.get("/applications", response=list[BundleApplicationOut])
def mine(request: AuthedRequest) -> list[BundleApplicationOut]:
    """The caller's bundle applications (as applicant or as the person applied for), newest first."""
    own = (
        BundleApplication.objects.filter(Q(submitted_by=request.user) | Q(on_behalf_of=request.user))
        .select_related("bundle")
        .order_by("-submitted_at")[:50]
    )
    return [_application_out(a) for a in own]


@router.get("/applications/{number}", response=BundleApplicationOut)
def status(request: AuthedRequest, number: str) -> BundleApplicationOut:
    """One bundle application: each department's part, the combined correction notice, the results when done."""
    return _application_out(services.visible_bundle_application(request.user, number))


@router.post("/applications/{number}/resubmit", response=BundleApplicationOut)
def resubmit(request: AuthedRequest, number: str, payload: ResubmitIn) -> BundleApplicationOut:
    """补正: correct the merged form once; every department that asked for a correction receives it."""
    application = services.visible_bundle_application(request.user, number)
    services.resubmit_bundle(application, actor=request.user, form_data=payload.form_data)
    return _application_out(application)


class WithdrawIn(Schema):
    reason: str = ""


@router.post("/applications/{number}/withdraw", response=BundleApplicationOut)
def withdraw(request: AuthedRequest, number: str, payload: WithdrawIn) -> BundleApplicationOut:
    """撤回: every part still being handled is withdrawn; parts not started yet never start."""
    application = services.visible_bundle_application(request.user, number)
    return _application_out(services.withdraw_bundle(application, actor=request.user, reason=payload.reason[:200]))


@router.get("/{code}", response=BundleOut)
def bundle(request: AuthedRequest, code: str) -> BundleOut:
    return _bundle_out(_published(code))


@router.post("/{code}/applications", response={201: BundleApplicationOut})
def submit(request: AuthedRequest, code: str, payload: BundleSubmitIn):
    """Submit a bundle with its merged form. Send an ``Idempotency-Key`` header: a repeat returns the first."""
    application = services.submit_bundle(
        _published(code),
        user=request.user,
        form_data=payload.form_data,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201, _application_out(application))
