"""Enforcement cases (行政处罚 / 行政强制): 立案 → 调查取证 → 告知 → 法制审核 → 决定 → 送达 → 执行 → 结案.

Each step has a time limit counted in working days (``core.workdays``) from the day it starts; the defaults below
cite their source and a deployment overrides them with ``YIWANG_REGULATION_STEP_LIMITS``. Every step's document is
a PDF signed with the department's SM2 key (the key that signs its certificates), and every step is in the audit
ledger. A penalty decision is published and written to the credit registry.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import require_acts_for
from yiwang.certificates.pdf import offline_url_fetcher
from yiwang.certificates.services import current_issuer_key
from yiwang.core import audit
from yiwang.core.crypto import sm2_sign, sm2_verify, sm3_hex
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.core.workdays import WorkingDays
from yiwang.registries.credit import record_credit
from yiwang.registries.models import CreditRecord, LegalEntity
from yiwang.regulation.models import CaseStep, EnforcementCase, Inspection, Lead

Step = EnforcementCase.Step
CASE_ROLES = ("approver",)
ORDER = [
    Step.FILED,
    Step.INVESTIGATION,
    Step.NOTIFICATION,
    Step.LEGAL_REVIEW,
    Step.DECISION,
    Step.SERVICE,
    Step.EXECUTION,
    Step.CLOSED,
]

#: Time limit of each step in working days, with its source (《市场监督管理行政处罚程序规定》, 《行政处罚法》).
DEFAULT_LIMITS: dict[str, tuple[int | None, str]] = {
    Step.FILED: (15, "《市场监督管理行政处罚程序规定》第十八条：核查后十五个工作日内决定是否立案"),
    Step.INVESTIGATION: (
        60,
        "《市场监督管理行政处罚程序规定》第六十四条：自立案之日起九十日内作出处理决定（本平台按工作日分配）",
    ),
    Step.NOTIFICATION: (5, "《行政处罚法》第六十四条：告知后五日内提出听证要求"),
    Step.LEGAL_REVIEW: (10, "《行政处罚法》第五十八条：作出决定前进行法制审核"),
    Step.DECISION: (5, "《市场监督管理行政处罚程序规定》第六十四条"),
    Step.SERVICE: (7, "《行政处罚法》第六十一条：七日内送达"),
    Step.EXECUTION: (15, "《行政处罚法》第六十七条：收到决定书之日起十五日内缴纳罚款"),
    Step.CLOSED: (None, ""),
}
DOCUMENTS: dict[str, Any] = {
    Step.FILED: _("立案审批表"),
    Step.INVESTIGATION: _("调查终结报告"),
    Step.NOTIFICATION: _("行政处罚告知书"),
    Step.LEGAL_REVIEW: _("法制审核意见书"),
    Step.DECISION: _("行政处罚决定书"),
    Step.SERVICE: _("送达回证"),
    Step.EXECUTION: _("执行情况记录"),
    Step.CLOSED: _("结案审批表"),
}


def step_limit(step: str) -> int | None:
    overrides = getattr(settings, "YIWANG_REGULATION_STEP_LIMITS", {})
    return overrides.get(step, DEFAULT_LIMITS[step][0])


def _start_step(case: EnforcementCase, step: str, *, on: date, actor: User, calendar: WorkingDays) -> CaseStep:
    limit = step_limit(step)
    due = calendar.add_working_days(on, limit) if limit is not None else None
    case.step = step
    case.step_due_on = due
    return CaseStep.objects.create(
        case=case, step=step, started_on=on, limit_working_days=limit, due_on=due, actor=actor
    )


def _sign_document(case: EnforcementCase, step: CaseStep, note: str, actor: User) -> None:
    from weasyprint import HTML

    html = render_to_string(
        "regulation/document.html",
        {
            "case": case,
            "step": step,
            "title": DOCUMENTS[step.step],
            "note": note,
            "basis": DEFAULT_LIMITS[step.step][1],
        },
    )
    pdf = HTML(string=html, url_fetcher=offline_url_fetcher()).write_pdf()
    key = current_issuer_key(case.department, actor=actor)
    step.document_title = str(DOCUMENTS[step.step])
    step.document_pdf = pdf
    step.document_sm3 = sm3_hex(pdf)
    step.signature = sm2_sign(key.private_key, pdf)
    step.signing_key = key.key_id


def document_verifies(step: CaseStep) -> bool:
    from yiwang.certificates.models import IssuerKey

    key = IssuerKey.objects.filter(key_id=step.signing_key).defer("private_key").first()
    return bool(key and step.document_pdf and sm2_verify(key.public_key, bytes(step.document_pdf), step.signature))


def _next_number(department: Department, year: int) -> str:
    n = EnforcementCase.objects.filter(department=department, filed_on__year=year).count() + 1
    return f"{department.code}-{year}-{n:04d}"


@transaction.atomic
def open_case(
    *,
    department: Department,
    entity: LegalEntity,
    origin: str,
    facts: str,
    actor: User,
    kind: str = EnforcementCase.Kind.PENALTY,
    inspection: Inspection | None = None,
    lead: Lead | None = None,
    legal_basis: str = "",
) -> EnforcementCase:
    """File a case (立案) from an inspection finding, a complaint or a lead; the investigation's clock starts."""
    require_acts_for(actor, department, roles=CASE_ROLES)
    if origin not in EnforcementCase.Origin.values:
        raise ValidationFailed(_("未知的案件来源"), field="origin")
    if origin == EnforcementCase.Origin.INSPECTION and (inspection is None or inspection.target.entity_id != entity.pk):
        raise ValidationFailed(_("请选择发现问题的检查（须为该当事人的检查）"), field="inspection")
    if origin != EnforcementCase.Origin.INSPECTION and lead is None:
        raise ValidationFailed(_("请选择投诉举报或线索"), field="lead")
    if not facts.strip():
        raise ValidationFailed(_("请写明涉嫌违法事实"), field="facts")
    today = timezone.localdate()
    case = EnforcementCase.objects.create(
        number=_next_number(department, today.year),
        kind=kind,
        department=department,
        entity=entity,
        origin=origin,
        inspection=inspection,
        lead=lead,
        facts=facts,
        legal_basis=legal_basis,
        filed_on=today,
    )
    calendar = WorkingDays()
    filing = _start_step(case, Step.FILED, on=today, actor=actor, calendar=calendar)
    filing.completed_on = today
    _sign_document(case, filing, facts, actor)
    filing.save()
    _start_step(case, Step.INVESTIGATION, on=today, actor=actor, calendar=calendar)
    case.save()
    audit.record("regulation.case.open", actor=actor, obj=case, data={"origin": origin, "entity": entity.uscc})
    return case


@transaction.atomic
def advance_case(
    case: EnforcementCase,
    *,
    actor: User,
    note: str,
    decision_no: str = "",
    penalty: str = "",
    fine: Decimal | None = None,
) -> EnforcementCase:
    """Complete the current step with its signed document and start the next one with its deadline.

    Completing 决定 needs the decision number and the penalty; it publishes the decision and records it in the
    credit registry.
    """
    case = (
        EnforcementCase.objects.select_for_update(of=("self",)).select_related("department", "entity").get(pk=case.pk)
    )
    require_acts_for(actor, case.department, roles=CASE_ROLES)
    if case.step == Step.CLOSED:
        raise Conflict(_("案件已结案"), field="step")
    if not note.strip():
        raise ValidationFailed(_("请填写办理意见"), field="note")
    today = timezone.localdate()
    current = case.steps.select_for_update().filter(step=case.step, completed_on__isnull=True).get()
    if case.step == Step.DECISION:
        if not decision_no.strip():
            raise ValidationFailed(_("请填写决定书文号"), field="decision_no")
        if not penalty.strip():
            raise ValidationFailed(_("请填写处罚内容"), field="penalty")
        if fine is not None and fine < 0:
            raise ValidationFailed(_("罚款不能为负数"), field="fine")
        case.decision_no, case.penalty, case.fine, case.decided_on = decision_no, penalty, fine, today
        case.published_at = timezone.now()
    current.completed_on = today
    current.note = note
    _sign_document(case, current, note, actor)
    current.save()
    following = ORDER[ORDER.index(Step(case.step)) + 1]
    step = _start_step(case, following, on=today, actor=actor, calendar=WorkingDays())
    if following == Step.CLOSED:
        step.completed_on = today
        step.note = note
        _sign_document(case, step, note, actor)
        step.save()
        case.step_due_on = None
    case.save()
    if (
        current.step == Step.DECISION
        and case.kind == EnforcementCase.Kind.PENALTY
        and actor.department_id == case.department_id
    ):
        record_credit(
            case.entity,
            kind=CreditRecord.Kind.PENALTY,
            title=penalty,
            decided_on=today,
            department=case.department,
            actor=actor,
            decision_no=decision_no,
            legal_basis=case.legal_basis,
        )
    audit.record(
        "regulation.case.advance",
        actor=actor,
        obj=case,
        data={
            "completed": current.step,
            "started": following,
            "due": step.due_on,
            "document_sm3": current.document_sm3,
        },
    )
    return case


def is_overdue(case: EnforcementCase, on: date | None = None) -> bool:
    return case.step_due_on is not None and case.step_due_on < (on or timezone.localdate())


def published_decisions() -> list[EnforcementCase]:
    return list(EnforcementCase.objects.filter(published_at__isnull=False).select_related("entity", "department"))
