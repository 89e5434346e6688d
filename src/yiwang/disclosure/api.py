"""政务公开 over the API: published documents, the Q&A (public), disclosure requests (the requester's)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema

from yiwang.accounts.http import AuthedRequest
from yiwang.accounts.models import Department
from yiwang.disclosure import selectors
from yiwang.disclosure.models import DisclosureRequest, LivelihoodRound, PolicyDocument
from yiwang.disclosure.services import answers, livelihood, requests

router = Router(tags=["disclosure"])


class DisclosureClauseOut(Schema):
    label: str
    text: str
    policy: str | None
    item: str | None


class DisclosureDocumentOut(Schema):
    id: int
    number: str
    title: str
    kind: str
    issuer: str
    signed_on: dt.date
    effective_from: dt.date
    effective_until: dt.date | None
    status: str
    published_on: dt.date | None
    publication_due_on: dt.date
    policies: list[str]
    items: list[str]
    clauses: list[DisclosureClauseOut]


def _document(doc: PolicyDocument) -> DisclosureDocumentOut:
    return DisclosureDocumentOut(
        id=doc.pk,
        number=doc.number,
        title=doc.title,
        kind=doc.kind,
        issuer=doc.issuer.name,
        signed_on=doc.signed_on,
        effective_from=doc.effective_from,
        effective_until=doc.effective_until,
        status=doc.status,
        published_on=doc.published_on,
        publication_due_on=doc.publication_due_on,
        policies=list(doc.policies.values_list("code", flat=True)),
        items=list(doc.items.values_list("item_code", flat=True)),
        clauses=[
            DisclosureClauseOut(
                label=c.label,
                text=c.text,
                policy=c.policy.code if c.policy else None,
                item=c.item.item_code if c.item else None,
            )
            for c in doc.clauses.select_related("policy", "item")
        ],
    )


@router.get("/documents", response=list[DisclosureDocumentOut], auth=None)
def document_list(
    request: AuthedRequest,
    item: str = "",
    policy: str = "",
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=1_000_000),
) -> list[DisclosureDocumentOut]:
    """Published documents, or those a service item (``item``) or a policy (``policy``) implements."""
    docs = selectors.published_documents()
    if item:
        docs = docs.filter(items__item_code=item)
    if policy:
        docs = docs.filter(policies__code=policy)
    docs = docs.order_by("-signed_on", "number")[offset : offset + min(limit, 200)]
    return [_document(d) for d in docs]


@router.get("/documents/{doc_id}", response=DisclosureDocumentOut, auth=None)
def document_detail(request: AuthedRequest, doc_id: int) -> DisclosureDocumentOut:
    return _document(get_object_or_404(selectors.published_documents(), pk=doc_id))


class DisclosureAskIn(Schema):
    text: str
    contact: str = ""


class DisclosureCitationOut(Schema):
    kind: str
    ref: str
    title: str
    url: str


class DisclosureAnswerOut(Schema):
    question_id: int
    kind: str
    text: str
    confidence: float
    status: str
    citations: list[DisclosureCitationOut]


@router.post("/ask", response=DisclosureAnswerOut, auth=None)
def ask(request: AuthedRequest, payload: DisclosureAskIn) -> DisclosureAnswerOut:
    """智能问答: a cited answer from published text, or "I don't know" and a hand-off (``status`` handed_off)."""
    question = answers.ask(payload.text, user=request.user, contact=payload.contact)
    return DisclosureAnswerOut(
        question_id=question.pk,
        kind=question.answer["kind"],
        text=question.answer["text"],
        confidence=question.confidence,
        status=question.status,
        citations=[
            DisclosureCitationOut(**{k: c[k] for k in ("kind", "ref", "title", "url")})
            for c in question.answer["citations"]
        ],
    )


class DisclosureRequestIn(Schema):
    department: str
    requester_name: str
    contact: str
    description: str
    idempotency_key: str


class DisclosureRequestOut(Schema):
    number: str
    department: str
    received_on: dt.date
    due_on: dt.date
    status: str
    outcome: str
    reply: str
    legal_basis: str
    replied_on: dt.date | None


def _request(r: DisclosureRequest) -> DisclosureRequestOut:
    return DisclosureRequestOut(
        number=r.number,
        department=r.department.code,
        received_on=r.received_on,
        due_on=r.due_on,
        status=r.status,
        outcome=r.outcome,
        reply=r.reply,
        legal_basis=r.legal_basis,
        replied_on=r.replied_on,
    )


@router.post("/requests", response=DisclosureRequestOut)
def submit_request(request: AuthedRequest, payload: DisclosureRequestIn) -> DisclosureRequestOut:
    """依申请公开; a repeated ``idempotency_key`` returns the first request."""
    department = get_object_or_404(Department, code=payload.department)
    data = payload.dict()
    data.pop("department")
    return _request(requests.submit_request(requester=request.user, department=department, **data))


@router.get("/requests", response=list[DisclosureRequestOut])
def my_requests(request: AuthedRequest) -> list[DisclosureRequestOut]:
    return [_request(r) for r in DisclosureRequest.objects.filter(requester=request.user).select_related("department")]


class DisclosureTallyOut(Schema):
    year: int
    division: str
    stage: str
    seats: int
    votes: dict[str, int]
    chosen: list[str]
    ballots_sm3: str
    recomputed_sm3: str


@router.get("/livelihood/{round_id}/tally", response=DisclosureTallyOut, auth=None)
def tally(request: AuthedRequest, round_id: int) -> DisclosureTallyOut:
    """The stored count beside the count recomputed from the ballot rows now: they agree unless a row changed."""
    round_ = get_object_or_404(LivelihoodRound, pk=round_id)
    stored = round_.tally or {}
    return DisclosureTallyOut(
        year=round_.year,
        division=round_.division_id,
        stage=round_.stage,
        seats=round_.seats,
        votes=stored.get("votes", {}),
        chosen=stored.get("chosen", []),
        ballots_sm3=round_.tally_sm3,
        recomputed_sm3=livelihood.tally_of(round_)["ballots_sm3"] if stored else "",
    )
