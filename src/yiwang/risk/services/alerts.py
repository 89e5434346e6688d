"""Leads (线索) and their closed loop: 风险预警 → 线索核查 → 调查处置, with deadlines and the outcome as a label.

An indicator marked ``lead`` (or the model above ``lead_probability``) opens one lead per firm and indicator while
none is open (nor closed in the last 180 days), with its evidence, for the competent department of the firm's
county (else the city's) to verify within the indicator's working days. Verified leads close with a conclusion
and a disposal: a targeted inspection (a regulation lead, which lets the draw go beyond the class's frequency
limit) or an enforcement case. The conclusion is the label the next month's model learns from, and each
indicator's precision is published.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for, require_acts_for
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.core.workdays import WorkingDays
from yiwang.registries.models import LegalEntity
from yiwang.regulation.models import EnforcementCase
from yiwang.regulation.services import cases
from yiwang.regulation.services.leads import file_lead
from yiwang.risk import engine
from yiwang.risk.models import Alert, AlertEvent, ClassificationRun

VERIFY_ROLES = ("acceptor", "approver")
ASSIGN_ROLES = ("approver",)
RED_AFTER_WORKING_DAYS = 5
MODEL_VERIFY_DAYS = 10
#: A pattern verified and closed is not raised again for the same firm for this long (the conclusion stands).
REVERIFY_AFTER_DAYS = 180


def competent_department(entity: LegalEntity, kind: str, fallback: Department) -> Department:
    """The department of ``kind`` in the firm's county, else in its city, else ``fallback`` (派单规则)."""
    county = entity.division_id[:6]
    city = county[:4] + "00"
    for code in (county, city):
        found = Department.objects.filter(kind=kind, division_id=code).order_by("code").first()
        if found is not None:
            return found
    return fallback


def _number(on: date) -> str:
    prefix = f"XS{on:%Y%m}"
    last = Alert.objects.filter(number__startswith=prefix).order_by("-number").values_list("number", flat=True).first()
    seq = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{seq:05d}"


#: How each step of a lead's history reads on its page.
EVENT_LABELS = {"raise": _("预警"), "assign": _("分派核查"), "transfer": _("移送"), "close": _("核查办结")}


def _event(alert: Alert, action: str, actor: User | None, note: str = "") -> None:
    AlertEvent.objects.create(alert=alert, action=action, actor=actor, note=note)


def _evidence(explanation: dict[str, Any], code: str) -> dict[str, Any]:
    indicator = next((i for i in explanation["indicators"] if i["code"] == code), None)
    return {
        "indicator": indicator,
        "score": explanation["score"],
        "risk_class": explanation["risk_class"],
        "model": explanation["model"],
    }


def raise_alerts_for_run(
    run: ClassificationRun,
    cfg: engine.Config,
    result: engine.ScoreResult,
    entity_ids: np.ndarray,
    active_rows: np.ndarray,
    params: engine.ModelParams,
    *,
    actor: User,
) -> int:
    """Open the leads of one run (inside its transaction); a firm with an open lead of that indicator gets none."""
    calendar = WorkingDays()
    today = run.rated_on
    open_pairs = set(Alert.objects.exclude(status=Alert.Status.CLOSED).values_list("entity_id", "indicator"))
    recently_closed = Alert.objects.filter(
        status=Alert.Status.CLOSED, closed_on__gt=today - timedelta(days=REVERIFY_AFTER_DAYS)
    )
    open_pairs |= set(recently_closed.values_list("entity_id", "indicator"))
    wanted: list[tuple[int, str, str, str, int]] = []
    active = np.zeros(len(entity_ids), dtype=bool)
    active[active_rows] = True
    for ind in cfg.indicators:
        if not ind.lead:
            continue
        for row in np.flatnonzero(result.hits[ind.code] & active):
            wanted.append((int(row), ind.code, ind.title, ind.department_kind, ind.verify_days))
    for row in np.flatnonzero((result.probability >= cfg.lead_probability) & active):
        wanted.append((int(row), "MODEL", str(_("模型预测违法概率较高")), "market_regulation", MODEL_VERIFY_DAYS))
    entities = LegalEntity.objects.in_bulk([int(entity_ids[i]) for i, *_rest in wanted])
    raised = 0
    for i, code, title, kind, days in wanted:
        entity = entities[int(entity_ids[i])]
        if (entity.pk, code) in open_pairs:
            continue
        explanation = engine.explanation_of(cfg, result, params, i)
        alert = Alert.objects.create(
            number=_number(today),
            entity=entity,
            indicator=code,
            title=f"{entity.name}：{title}",
            run=run,
            evidence=_evidence(explanation, code),
            department=competent_department(entity, kind, run.department),
            raised_on=today,
            due_on=calendar.add_working_days(today, days),
        )
        _event(alert, "raise", None, str(_("分类批次 {month} 触发预警").format(month=run)))
        open_pairs.add((entity.pk, code))
        raised += 1
    return raised


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update().select_related("entity", "department").get(pk=alert.pk)


@transaction.atomic
def assign_alert(alert: Alert, assignee: User, *, actor: User, note: str = "") -> Alert:
    """Dispatch a lead to an official of its department for verification (分派核查)."""
    alert = _lock(alert)
    require_acts_for(actor, alert.department, division=alert.entity.division_id, roles=ASSIGN_ROLES)
    if alert.status == Alert.Status.CLOSED:
        raise Conflict(_("线索已办结，不能再分派"), field="assignee")
    if not acts_for(assignee, alert.department, division=alert.entity.division_id, roles=VERIFY_ROLES):
        raise ValidationFailed(_("核查人须为承办部门有核查权限的工作人员"), field="assignee")
    alert.assignee = assignee
    alert.status = Alert.Status.VERIFYING
    alert.save(update_fields=["assignee", "status"])
    _event(alert, "assign", actor, f"{assignee.full_name or assignee.username}{'：' + note if note else ''}")
    audit.record("risk.alert.assign", actor=actor, obj=alert, data={"assignee": assignee.username})
    return alert


@transaction.atomic
def transfer_alert(alert: Alert, department: Department, *, actor: User, reason: str) -> Alert:
    """Hand a lead to another competent department (移送), with the reason; its deadline stays."""
    alert = _lock(alert)
    require_acts_for(actor, alert.department, division=alert.entity.division_id, roles=ASSIGN_ROLES)
    if alert.status == Alert.Status.CLOSED:
        raise Conflict(_("线索已办结，不能移送"), field="department")
    if department.pk == alert.department_id:
        raise ValidationFailed(_("请选择其他部门"), field="department")
    if not reason.strip():
        raise ValidationFailed(_("请写明移送理由"), field="reason")
    previous = alert.department
    alert.department, alert.assignee, alert.status = department, None, Alert.Status.RAISED
    alert.save(update_fields=["department", "assignee", "status"])
    _event(alert, "transfer", actor, f"{previous.name} → {department.name}：{reason}")
    audit.record(
        "risk.alert.transfer",
        actor=actor,
        obj=alert,
        reason=reason,
        data={"from": previous.code, "to": department.code},
    )
    return alert


@transaction.atomic
def close_alert(alert: Alert, *, outcome: str, disposal: str, result: str, actor: User, facts: str = "") -> Alert:
    """Close a verified lead (核查办结): its conclusion, its disposal and the result in words.

    属实 needs a disposal: 责令改正, 转定向检查 (files a regulation lead for the department's next draw) or 立案查处
    (files the case at once, with the lead as its origin). 不属实 closes without disposal.
    """
    alert = _lock(alert)
    require_acts_for(actor, alert.department, division=alert.entity.division_id, roles=VERIFY_ROLES)
    if alert.status == Alert.Status.CLOSED:
        raise Conflict(_("线索已办结"), field="outcome")
    if outcome not in Alert.Outcome.values:
        raise ValidationFailed(_("请选择核查结论"), field="outcome")
    if disposal not in Alert.Disposal.values:
        raise ValidationFailed(_("请选择处置方式"), field="disposal")
    if outcome == Alert.Outcome.UNFOUNDED and disposal != Alert.Disposal.NONE:
        raise ValidationFailed(_("核查不属实的线索无需处置"), field="disposal")
    if outcome == Alert.Outcome.CONFIRMED and disposal == Alert.Disposal.NONE:
        raise ValidationFailed(_("核查属实的线索须选择处置方式"), field="disposal")
    if not result.strip():
        raise ValidationFailed(_("请填写核查办理结果"), field="result")
    if disposal == Alert.Disposal.CASE and not facts.strip():
        raise ValidationFailed(_("立案查处须写明涉嫌违法事实"), field="facts")
    today = timezone.localdate()
    if disposal in (Alert.Disposal.INSPECTION, Alert.Disposal.CASE):
        alert.regulation_lead = file_lead(
            alert.entity, department=alert.department, summary=alert.title, received_on=today, actor=actor
        )
    if disposal == Alert.Disposal.CASE:
        alert.case = cases.open_case(
            department=alert.department,
            entity=alert.entity,
            origin=EnforcementCase.Origin.LEAD,
            facts=facts,
            actor=actor,
            lead=alert.regulation_lead,
        )
    alert.status, alert.outcome, alert.disposal, alert.result = Alert.Status.CLOSED, outcome, disposal, result
    alert.closed_on = today
    if alert.assignee_id is None:
        alert.assignee = actor
    alert.save()
    _event(alert, "close", actor, f"{alert.get_outcome_display()}；{alert.get_disposal_display()}；{result}")
    audit.record(
        "risk.alert.close",
        actor=actor,
        obj=alert,
        data={"outcome": outcome, "disposal": disposal, "case": alert.case.number if alert.case else ""},
    )
    return alert


def status_color(alert: Alert, today: date | None = None, calendar: WorkingDays | None = None) -> str:
    """三色: green while within its deadline, yellow once overdue, red after 5 more working days; "" when closed."""
    if alert.status == Alert.Status.CLOSED:
        return ""
    today = today or timezone.localdate()
    if today <= alert.due_on:
        return "green"
    calendar = calendar or WorkingDays()
    late = calendar.working_days_between(alert.due_on, today)
    return "red" if late > RED_AFTER_WORKING_DAYS else "yellow"


def quarter_of(d: date) -> str:
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


@dataclass
class Precision:
    indicator: str
    quarter: str
    raised: int
    closed: int
    confirmed: int

    @property
    def title(self) -> str:
        from yiwang.risk.services.classification import config

        titles = {i.code: i.title for i in config().indicators}
        return titles.get(
            self.indicator, str(_("模型预测违法概率较高")) if self.indicator == "MODEL" else self.indicator
        )

    @property
    def precision(self) -> float | None:
        """Leads confirmed ÷ leads raised (the issue's definition; open ones count as not yet confirmed)."""
        return self.confirmed / self.raised if self.raised else None


def precision_by_quarter(alerts: QuerySet[Alert] | None = None) -> list[Precision]:
    """Each indicator's precision per quarter of raising, newest quarter first."""
    rows = (alerts if alerts is not None else Alert.objects.all()).values_list(
        "indicator", "raised_on", "status", "outcome"
    )
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for indicator, raised_on, status, outcome in rows:
        cell = table[(indicator, quarter_of(raised_on))]
        cell[0] += 1
        cell[1] += status == Alert.Status.CLOSED
        cell[2] += outcome == Alert.Outcome.CONFIRMED
    return [
        Precision(indicator, quarter, *counts)
        for (indicator, quarter), counts in sorted(table.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True)
    ]
