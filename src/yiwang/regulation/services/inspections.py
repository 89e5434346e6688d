"""Visits: the notice to the firm (双清单), the 行政行为码, the phone checklist, review, publication, ratings.

Results are published under the firm's name by the department that inspected (谁检查、谁录入、谁公开) within
``YIWANG_REGULATION_PUBLISH_WORKING_DAYS`` working days (default 20: 《企业信息公示暂行条例》第六条).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, User
from yiwang.accounts.permissions import acts_for, require_authenticated
from yiwang.core import audit
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.core.notify import notify
from yiwang.core.workdays import add_working_days
from yiwang.registries.credit import record_credit
from yiwang.registries.models import CreditRecord, LegalEntity
from yiwang.regulation.models import ChecklistEntry, Inspection, Inspector, OfficerRating, RegulatoryItem

S = Inspection.Status
REVIEW_ROLES = ("approver",)
NOTICE_ROLES = ("acceptor", "approver")


def publish_limit() -> int:
    return int(getattr(settings, "YIWANG_REGULATION_PUBLISH_WORKING_DAYS", 20))


def code_path(inspection: Inspection) -> str:
    """The public page the 行政行为码 (QR) of a visit opens."""
    return f"/regulation/code/{inspection.code}/"


def items_of(inspection: Inspection) -> list[RegulatoryItem]:
    return sorted({item for part in inspection.active_parts() for item in part.items.all()}, key=lambda i: i.code)


def departments_of(inspection: Inspection) -> list[Department]:
    return sorted({part.department for part in inspection.active_parts()}, key=lambda d: d.code)


def _lock(inspection: Inspection) -> Inspection:
    return Inspection.objects.select_for_update(of=("self",)).select_related("target__entity").get(pk=inspection.pk)


def _require_department(actor: Any, inspection: Inspection, roles: tuple[str, ...]) -> Department:
    user = require_authenticated(actor)
    for department in departments_of(inspection):
        if acts_for(user, department, roles=roles):
            return department
    raise PermissionDenied(_("您不是实施该检查的部门在此辖区内有相应职责的工作人员"), field="actor")


def _require_officer(actor: Any, inspection: Inspection) -> Inspector:
    user = require_authenticated(actor)
    inspector = Inspector.objects.filter(user=user).first()
    if inspector is None or inspector not in inspection.officer_list():
        raise PermissionDenied(_("只有抽取到的检查人员可以填写检查记录"), field="actor")
    return inspector


def firm_users(entity: LegalEntity) -> QuerySet[User]:
    return User.objects.filter(kind=User.Kind.AGENT, enterprise_uscc=entity.uscc, is_active=True)


def notice_text(inspection: Inspection) -> str:
    """The 双清单 notice: who will inspect, what, and which documents to prepare."""
    officers = "、".join(f"{o.name}（{gettext('执法证号')} {o.certificate_no}）" for o in inspection.officer_list())
    items = items_of(inspection)
    lines = [
        str(format_lazy(_("检查人员：{officers}"), officers=officers)),
        str(format_lazy(_("检查事项：{items}"), items="；".join(i.name for i in items))),
        str(
            format_lazy(_("请准备：{documents}"), documents="；".join(i.documents for i in items if i.documents) or "—")
        ),
        str(format_lazy(_("检查期间：{start} 至 {end}"), start=inspection.period_start, end=inspection.period_end)),
    ]
    return "\n".join(lines)


@transaction.atomic
def notify_inspection(inspection: Inspection, *, actor: User) -> Inspection:
    """Send the firm the notice of the visit (双清单) with its 行政行为码."""
    inspection = _lock(inspection)
    department = _require_department(actor, inspection, NOTICE_ROLES)
    if inspection.status != S.DRAWN:
        raise Conflict(_("只有已抽取、未告知的检查可以发送告知"), field="status")
    inspection.status = S.NOTIFIED
    inspection.notified_at = timezone.now()
    inspection.save(update_fields=["status", "notified_at"])
    subject = str(format_lazy(_("检查告知：{name}"), name=inspection.target.name))
    for user in firm_users(inspection.target.entity):
        notify(
            user,
            subject,
            notice_text(inspection),
            url=code_path(inspection),
            dedupe_key=f"regulation.notice.{inspection.code}",
            obj=inspection,
        )
    audit.record("regulation.inspection.notify", actor=actor, obj=inspection, data={"department": department.code})
    return inspection


@transaction.atomic
def record_entry(
    inspection: Inspection,
    item: RegulatoryItem,
    outcome: str,
    *,
    actor: User,
    note: str = "",
    evidence: UploadedFile | None = None,
) -> ChecklistEntry:
    """An officer records the finding on one item (on the phone page), with evidence; the visit starts."""
    inspection = _lock(inspection)
    inspector = _require_officer(actor, inspection)
    if inspection.status not in (S.NOTIFIED, S.IN_PROGRESS):
        raise Conflict(_("检查尚未告知或已提交，不能填写检查记录"), field="status")
    if item not in items_of(inspection):
        raise ValidationFailed(_("该事项不在本次检查的事项之中"), field="item")
    if outcome not in ChecklistEntry.Outcome.values:
        raise ValidationFailed(_("请选择检查情况：符合、不符合或不适用"), field="outcome")
    if outcome == ChecklistEntry.Outcome.ISSUE and not note.strip():
        raise ValidationFailed(_("不符合的事项须写明问题"), field="note")
    entry, _created = ChecklistEntry.objects.update_or_create(
        inspection=inspection, item=item, defaults={"outcome": outcome, "note": note, "filled_by": inspector}
    )
    if evidence is not None:
        entry.evidence.save(evidence.name or "evidence", evidence, save=True)
    if inspection.status == S.NOTIFIED:
        inspection.status = S.IN_PROGRESS
        inspection.inspected_on = timezone.localdate()
        inspection.save(update_fields=["status", "inspected_on"])
    audit.record(
        "regulation.inspection.entry", actor=actor, obj=inspection, data={"item": item.code, "outcome": outcome}
    )
    return entry


@transaction.atomic
def submit_inspection(inspection: Inspection, result: str, summary: str, *, actor: User) -> Inspection:
    """The officers submit the result for review once every item has a finding; the publication deadline is set."""
    inspection = _lock(inspection)
    _require_officer(actor, inspection)
    if inspection.status != S.IN_PROGRESS:
        raise Conflict(_("只有检查中的检查可以提交"), field="status")
    if result not in Inspection.Result.values:
        raise ValidationFailed(_("请选择检查结果"), field="result")
    done = set(inspection.entries.values_list("item_id", flat=True))
    missing = [i.code for i in items_of(inspection) if i.pk not in done]
    if missing:
        raise ValidationFailed(format_lazy(_("以下事项尚未填写：{codes}"), codes="、".join(missing)), field="result")
    inspection.result = result
    inspection.result_summary = summary
    inspection.status = S.SUBMITTED
    inspection.publish_due_on = add_working_days(inspection.inspected_on or timezone.localdate(), publish_limit())
    inspection.save(update_fields=["result", "result_summary", "status", "publish_due_on"])
    audit.record("regulation.inspection.submit", actor=actor, obj=inspection, data={"result": result})
    return inspection


def _feed_credit(inspection: Inspection, department: Department, actor: User) -> CreditRecord | None:
    if inspection.result != Inspection.Result.ABSENT:
        return None
    return record_credit(
        inspection.target.entity,
        kind=CreditRecord.Kind.BLACK_LIST,
        title=str(
            format_lazy(
                _("列入经营异常名录：抽查检查（{code}）发现通过登记的住所或者经营场所无法联系"), code=inspection.code
            )
        ),
        decided_on=timezone.localdate(),
        department=department,
        actor=actor,
        legal_basis="《企业信息公示暂行条例》第十八条",
    )


@transaction.atomic
def review_inspection(inspection: Inspection, *, actor: User, approve: bool, note: str = "") -> Inspection:
    """A reviewer (not one of the officers) approves and publishes the result, or sends it back."""
    inspection = _lock(inspection)
    department = _require_department(actor, inspection, REVIEW_ROLES)
    if inspection.status != S.SUBMITTED:
        raise Conflict(_("只有待审核的检查可以审核"), field="status")
    if Inspector.objects.filter(user=actor, parts__inspection=inspection, parts__active=True).exists():
        raise PermissionDenied(_("检查人员不能审核本人参加的检查"), field="actor")
    if not approve:
        if not note.strip():
            raise ValidationFailed(_("退回须说明原因"), field="note")
        inspection.status = S.IN_PROGRESS
        inspection.save(update_fields=["status"])
        audit.record("regulation.inspection.return", actor=actor, obj=inspection, reason=note)
        return inspection
    inspection.status = S.PUBLISHED
    inspection.published_at = timezone.now()
    inspection.reviewed_by = actor
    inspection.save(update_fields=["status", "published_at", "reviewed_by"])
    record = _feed_credit(inspection, department, actor)
    for user in firm_users(inspection.target.entity):
        notify(
            user,
            str(format_lazy(_("检查结果已公示：{name}"), name=inspection.target.name)),
            str(inspection.get_result_display()),
            url=code_path(inspection),
            dedupe_key=f"regulation.result.{inspection.code}",
            obj=inspection,
        )
    audit.record(
        "regulation.inspection.publish",
        actor=actor,
        obj=inspection,
        data={
            "result": inspection.result,
            "credit_record": record.pk if record else None,
            "department": department.code,
        },
    )
    return inspection


@transaction.atomic
def rate_inspection(
    inspection: Inspection, *, user: User, score: int, comment: str = "", objection: str = ""
) -> OfficerRating:
    """The firm rates the officers after the visit (查后用码评价) and may raise an objection, once."""
    if user.kind != User.Kind.AGENT or user.enterprise_uscc != inspection.target.entity.uscc:
        raise PermissionDenied(_("只有被检查企业可以评价本次检查"), field="user")
    if inspection.status not in (S.SUBMITTED, S.PUBLISHED):
        raise Conflict(_("检查结束后才能评价"), field="score")
    if not 1 <= score <= 5:
        raise ValidationFailed(_("评分应为 1 至 5 分"), field="score")
    if OfficerRating.objects.filter(inspection=inspection).exists():
        raise Conflict(_("本次检查已评价"), field="score")
    rating = OfficerRating.objects.create(
        inspection=inspection, score=score, comment=comment, objection=objection, rated_by=user
    )
    audit.record(
        "regulation.inspection.rate", actor=user, obj=inspection, data={"score": score, "objection": bool(objection)}
    )
    return rating


def published_for(entity: LegalEntity) -> QuerySet[Inspection]:
    """The published results under the firm's name (the public page)."""
    return Inspection.objects.filter(target__entity=entity, status=S.PUBLISHED).order_by("-published_at")


def burden(entity: LegalEntity, year: int) -> dict[str, int]:
    """Visits this year per department (a joint visit counts once for each department and once in total)."""
    counts: Counter[str] = Counter()
    visits = Inspection.objects.filter(target__entity=entity, year=year, parts__active=True).distinct()
    for inspection in visits:
        for department in departments_of(inspection):
            counts[department.name] += 1
    counts[gettext("进门次数")] = visits.count()
    return dict(counts)
