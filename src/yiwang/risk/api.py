"""一网统管 risk over the API: a firm's class and its explanation, the lead inbox, verifying and closing a lead."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from yiwang.accounts.http import AuthedRequest
from yiwang.core.errors import NotFound
from yiwang.registries.models import LegalEntity
from yiwang.risk import selectors
from yiwang.risk.models import Alert, RiskScore
from yiwang.risk.services import alerts as alert_services

router = Router(tags=["risk"])


class RiskScoreOut(Schema):
    uscc: str
    name: str
    month: str
    score: int
    risk_class: str
    model_version: str
    explanation: dict[str, Any]


class RiskAlertOut(Schema):
    number: str
    uscc: str
    entity_name: str
    indicator: str
    title: str
    department: str
    status: str
    colour: str
    raised_on: date
    due_on: date
    outcome: str
    disposal: str
    result: str
    evidence: dict[str, Any]


class RiskAlertCloseIn(Schema):
    outcome: str
    disposal: str
    result: str
    facts: str = ""


def _score_out(score: RiskScore) -> RiskScoreOut:
    return RiskScoreOut(
        uscc=score.entity.uscc,
        name=score.entity.name,
        month=str(score.run),
        score=score.score,
        risk_class=score.risk_class,
        model_version=score.run.model.version,
        explanation=score.explanation,
    )


def _alert_out(alert: Alert) -> RiskAlertOut:
    return RiskAlertOut(
        number=alert.number,
        uscc=alert.entity.uscc,
        entity_name=alert.entity.name,
        indicator=alert.indicator,
        title=alert.title,
        department=alert.department.code,
        status=alert.status,
        colour=alert_services.status_color(alert),
        raised_on=alert.raised_on,
        due_on=alert.due_on,
        outcome=alert.outcome,
        disposal=alert.disposal,
        result=alert.result,
        evidence=alert.evidence,
    )


@router.get("/entities/{uscc}/score", response=RiskScoreOut)
def get_score(request: AuthedRequest, uscc: str) -> RiskScoreOut:
    """The latest class of a firm with its explanation: an official in scope, or the firm's own agent."""
    user = request.user
    if user.enterprise_uscc and user.enterprise_uscc == uscc:
        entity = LegalEntity.objects.filter(uscc=uscc).first()
    else:
        try:
            entity = selectors.entity_for(user, uscc)
        except Http404:
            entity = None
    score = (
        RiskScore.objects.filter(entity=entity).select_related("entity", "run__model").order_by("-run__month").first()
        if entity
        else None
    )
    if score is None:
        raise NotFound(_("未找到该企业的信用风险分类"), field="uscc")
    return _score_out(score)


@router.get("/alerts", response=list[RiskAlertOut])
def list_alerts(request: AuthedRequest, status: str = "", limit: int = 100) -> list[RiskAlertOut]:
    qs = selectors.alerts_for(request.user).order_by("status", "due_on", "number")
    if status:
        qs = qs.filter(status=status)
    return [_alert_out(a) for a in qs[: max(1, min(limit, 500))]]


def _alert(request: AuthedRequest, number: str) -> Alert:
    try:
        return selectors.alert_for(request.user, number)
    except Http404:
        raise NotFound(_("未找到该线索"), field="number") from None


@router.get("/alerts/{number}", response=RiskAlertOut)
def get_alert(request: AuthedRequest, number: str) -> RiskAlertOut:
    return _alert_out(_alert(request, number))


@router.post("/alerts/{number}/close", response=RiskAlertOut)
def close_alert(request: AuthedRequest, number: str, payload: RiskAlertCloseIn) -> RiskAlertOut:
    alert = alert_services.close_alert(
        _alert(request, number),
        outcome=payload.outcome,
        disposal=payload.disposal,
        result=payload.result,
        facts=payload.facts,
        actor=request.user,
    )
    return _alert_out(alert)
