"""Applications over the API for third-party channels (mobile app, kiosk): the same services, the same rules."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Router, Schema, Status

from yiwang.accounts.http import AuthedRequest
from yiwang.applications.deadlines import deadline_colour
from yiwang.applications.feedback import rate_application
from yiwang.applications.lifecycle import TRANSITIONS, Actor, allowed_actions
from yiwang.applications.models import Application
from yiwang.applications.selectors import applications_of, cases_for, inbox_for
from yiwang.applications.services import act, submit_application
from yiwang.catalog.models import ServiceItem
from yiwang.core.errors import NotFound, ValidationFailed

router = Router(tags=["applications"])


class ApplicationSubmitIn(Schema):
    item_code: str
    form_data: dict[str, Any] = {}


class EventOut(Schema):
    action: str
    to_state: str
    note: str
    at: datetime


class ApplicationOut(Schema):
    application_no: str
    item_code: str
    item_name: str
    state: str
    state_label: str
    channel: str
    channel_label: str
    submitted_at: datetime
    due_on: date | None
    deadline: str
    form_data: dict[str, Any]
    prefilled_fields: list[str]
    correction_items: list[str]
    allowed_actions: list[str]
    timeline: list[EventOut]


class ActionIn(Schema):
    note: str = ""
    items: list[str] = []
    deficiency: list[str] = []
    form_data: dict[str, Any] = {}


class RatingIn(Schema):
    score: int
    comment: str = ""


def _out(application: Application, actor: str) -> ApplicationOut:
    return ApplicationOut(
        application_no=application.application_no,
        item_code=application.item.item_code,
        item_name=application.item.name,
        state=application.state,
        state_label=str(application.get_state_display()),
        channel=application.channel,
        channel_label=str(application.get_channel_display()),
        submitted_at=application.submitted_at,
        due_on=application.due_on,
        deadline=deadline_colour(application),
        form_data=application.form_data,
        prefilled_fields=application.prefilled_fields,
        correction_items=application.correction_items,
        allowed_actions=[t.action for t in allowed_actions(application.state, actor)],
        timeline=[
            EventOut(action=e.action, to_state=e.to_state, note=e.note, at=e.at) for e in application.events.all()
        ],
    )


@router.post("/", response={201: ApplicationOut})
def submit(request: AuthedRequest, payload: ApplicationSubmitIn):
    """Submit an application. Send an ``Idempotency-Key`` header: a repeat with the same key returns the first."""
    item = ServiceItem.objects.filter(item_code=payload.item_code, status="published").first()
    if item is None:
        raise NotFound("未找到该事项或未发布", field="item_code")
    application = submit_application(
        item,
        user=request.user,
        form_data=payload.form_data,
        idempotency_key=request.headers.get("Idempotency-Key", ""),
    )
    return Status(201, _out(application, Actor.APPLICANT))


@router.get("/", response=list[ApplicationOut])
def mine(request: AuthedRequest) -> list[ApplicationOut]:
    return [_out(a, Actor.APPLICANT) for a in applications_of(request.user)[:100]]


@router.get("/inbox", response=list[ApplicationOut])
def inbox(request: AuthedRequest) -> list[ApplicationOut]:
    """Officials: open applications in scope, most urgent first."""
    return [_out(a, Actor.OFFICIAL) for a in inbox_for(request.user)[:200]]


def _visible(request: AuthedRequest, application_no: str) -> tuple[Application, str]:
    own = applications_of(request.user).filter(application_no=application_no).first()
    if own is not None:
        return own, Actor.APPLICANT
    case = cases_for(request.user).filter(application_no=application_no).first()
    if case is None:
        raise NotFound("未找到该办件", field="application_no")
    return case, Actor.OFFICIAL


@router.get("/{application_no}", response=ApplicationOut)
def detail(request: AuthedRequest, application_no: str) -> ApplicationOut:
    application, actor = _visible(request, application_no)
    return _out(application, actor)


@router.post("/{application_no}/actions/{action}", response=ApplicationOut)
def take_action(request: AuthedRequest, application_no: str, action: str, payload: ActionIn) -> ApplicationOut:
    if action not in TRANSITIONS:
        raise ValidationFailed("未知的办理动作", field="action")
    application, actor = _visible(request, application_no)
    application = act(
        application,
        action,
        actor=request.user,
        note=payload.note,
        items=payload.items,
        deficiency=payload.deficiency,
        form_data=payload.form_data,
    )
    return _out(application, actor)


@router.post("/{application_no}/rating", response={201: dict})
def rate(request: AuthedRequest, application_no: str, payload: RatingIn):
    application = applications_of(request.user).filter(application_no=application_no).first()
    if application is None:
        raise NotFound("未找到该办件", field="application_no")
    rating = rate_application(application, actor=request.user, score=payload.score, comment=payload.comment)
    return Status(201, {"score": rating.score, "rectification": hasattr(rating, "rectification")})
