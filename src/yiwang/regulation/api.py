"""互联网+监管 over the API, for third-party mobile inspection clients: an officer's visits, the checklist, the result;
the public proof of a draw."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import NotFound
from yiwang.regulation import selectors
from yiwang.regulation.models import Inspection, InspectionDraw, RegulatoryItem
from yiwang.regulation.services import inspections

router = Router(tags=["regulation"])


class RegItemOut(Schema):
    code: str
    name: str
    department: str
    legal_basis: str
    check_content: str
    documents: str


class RegOfficerOut(Schema):
    certificate_no: str
    name: str
    department: str


class RegEntryOut(Schema):
    item: str
    outcome: str
    note: str
    has_evidence: bool


class RegInspectionOut(Schema):
    code: str
    target_code: str
    target_name: str
    status: str
    period_start: date
    period_end: date
    result: str
    publish_due_on: date | None
    officers: list[RegOfficerOut]
    items: list[RegItemOut]
    entries: list[RegEntryOut]


class RegEntryIn(Schema):
    item: str
    outcome: str
    note: str = ""


class RegSubmitIn(Schema):
    result: str
    summary: str = ""


class RegDrawOut(Schema):
    number: str
    status: str
    algorithm: str
    commitment: str
    source: str
    source_reference: str
    randomness: str
    seed: str
    result_sm3: str


def _out(visit: Inspection) -> RegInspectionOut:
    return RegInspectionOut(
        code=visit.code,
        target_code=visit.target.code,
        target_name=visit.target.name,
        status=visit.status,
        period_start=visit.period_start,
        period_end=visit.period_end,
        result=visit.result,
        publish_due_on=visit.publish_due_on,
        officers=[
            RegOfficerOut(certificate_no=o.certificate_no, name=o.name, department=o.department.name)
            for o in visit.officer_list()
        ],
        items=[
            RegItemOut(
                code=i.code,
                name=i.name,
                department=i.department.name,
                legal_basis=i.legal_basis,
                check_content=i.check_content,
                documents=i.documents,
            )
            for i in inspections.items_of(visit)
        ],
        entries=[
            RegEntryOut(item=e.item.code, outcome=e.outcome, note=e.note, has_evidence=bool(e.evidence))
            for e in visit.entries.select_related("item")
        ],
    )


@router.get("/inspections", response=list[RegInspectionOut])
def list_inspections(request: AuthedRequest) -> list[RegInspectionOut]:
    """The visits the caller is drawn for or may see (officials only), newest first."""
    return [_out(v) for v in selectors.inspections_for(request.user).order_by("-period_start", "code")[:100]]


@router.get("/inspections/{code}", response=RegInspectionOut)
def get_inspection(request: AuthedRequest, code: str) -> RegInspectionOut:
    return _out(selectors.inspection_for(request.user, code))


@router.post("/inspections/{code}/entries", response=RegInspectionOut)
def post_entry(request: AuthedRequest, code: str, payload: RegEntryIn) -> RegInspectionOut:
    visit = selectors.inspection_for(request.user, code)
    item = RegulatoryItem.objects.filter(code=payload.item).first()
    if item is None:
        raise NotFound(_("未找到该检查事项"), field="item")
    inspections.record_entry(visit, item, payload.outcome, actor=request.user, note=payload.note)
    return _out(Inspection.objects.get(pk=visit.pk))


@router.post("/inspections/{code}/submit", response=RegInspectionOut)
def post_submit(request: AuthedRequest, code: str, payload: RegSubmitIn) -> RegInspectionOut:
    visit = selectors.inspection_for(request.user, code)
    return _out(inspections.submit_inspection(visit, payload.result, payload.summary, actor=request.user))


@router.get("/draws/{number}", response=RegDrawOut, auth=None)
def get_draw(request: HttpRequest, number: str) -> RegDrawOut:
    """The public proof of a draw (the files are at /regulation/draws/<number>/files/<name>)."""
    draw = InspectionDraw.objects.filter(number=number).first()
    if draw is None:
        raise NotFound(_("未找到该抽取"), field="number")
    return RegDrawOut(
        number=draw.number,
        status=draw.status,
        algorithm=draw.algorithm,
        commitment=draw.commitment,
        source=draw.source,
        source_reference=draw.source_reference,
        randomness=draw.randomness,
        seed=draw.seed,
        result_sm3=draw.result_hash,
    )
