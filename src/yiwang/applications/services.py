"""Business operations on applications (办件): submit, then every step of the lifecycle in ``lifecycle.py``.

Each operation is one transaction, checks who may act (the applicant, or an official of the implementing
department inside their scope holding the role the step needs), writes the timeline and the audit ledger, and
raises a domain error with the field concerned — changing nothing — when it cannot proceed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.applications import autoapproval, intake, numbers
from yiwang.applications.delegation import active_delegation
from yiwang.applications.forms_data import clean_form_data
from yiwang.applications.lifecycle import TRANSITIONS, Actor, State
from yiwang.applications.models import Application, ApplicationEvent, Channel, SubmittedMaterial
from yiwang.applications.prefill import applicant_records, prefill
from yiwang.catalog.formschema import bound_elements
from yiwang.catalog.models import MaterialRequirement, ServiceItem
from yiwang.certificates.models import Certificate
from yiwang.core import audit
from yiwang.core.errors import Conflict, DomainError, PermissionDenied, ValidationFailed
from yiwang.core.workdays import WorkingDays

log = logging.getLogger(__name__)

AUDIENCE_OF_KIND: dict[str, set[str]] = {User.Kind.PERSON: {"person", "both"}, User.Kind.AGENT: {"enterprise", "both"}}


def _event(application: Application, action: str, from_state: str, actor: User | None, note: str = "") -> None:
    # for whom the actor acted: the principal of a delegated case, the applicant of one a helper entered (帮代办)
    principal = application.on_behalf_of or (application.submitted_by if application.assisted_by_id else None)
    event = ApplicationEvent.objects.create(
        application=application,
        action=action,
        from_state=from_state,
        to_state=application.state,
        actor=actor,
        note=note,
    )
    audit.record(
        f"application.{action}",
        actor=actor,
        on_behalf_of=principal.username if principal and actor and actor.pk != principal.pk else "",
        obj=application,
        reason=note,
        data={"no": application.application_no, "from": from_state, "to": application.state}
        | ({"channel": application.channel} if action == "submit" else {}),
    )
    _tell_applicant(application, event, actor)


#: what the applicant is told at each step (in-portal message, plus an SMS for the steps that need action)
_NOTICES: dict[str, Any] = {
    "submit": _("您的申请已提交，办件编号 {no}。"),
    "accept": _("您的申请（{no}）已受理，承诺 {due} 前办结。"),
    "accept_with_deficiency": _("您的申请（{no}）已容缺受理，请在办结前补齐所缺材料。"),
    "refuse": _("您的申请（{no}）不予受理：{note}"),
    "request_correction": _("您的申请（{no}）需要补正，请一次性补齐告知清单中的全部内容。"),
    "suspend": _("您的申请（{no}）已挂起：{note}。挂起期间不计入办理时限。"),
    "resume": _("您的申请（{no}）已恢复办理，承诺 {due} 前办结。"),
    "approve": _("您的申请（{no}）已准予许可。"),
    "approve_on_commitment": _("您的申请（{no}）已按告知承诺制准予许可，请按承诺事项接受核查。"),
    "deny": _("您的申请（{no}）不予许可：{note}"),
    "complete": _("您的申请（{no}）已办结，办理结果已送达，欢迎对本次服务作出评价。"),
}
_SMS_ACTIONS = {"request_correction", "refuse", "deny", "complete"}
_AUTO_COMPLETED = _("您的申请（{no}）符合全部条件，已由系统自动审批并办结（秒批），可在办件详情中查看比对结果。")


def _tell_applicant(application: Application, event: ApplicationEvent, actor: User | None) -> None:
    """The applicant (and the principal, for a delegated case) hears of every step: sent after commit (outbox)."""
    template = _NOTICES.get(event.action)
    if template is None:
        return
    if actor is None and application.auto_decision is not None:  # 秒批: one notice when it is done, not one a step
        if event.action != "complete":
            return
        template = _AUTO_COMPLETED
    # a part of a one-thing bundle: corrections and results reach the applicant as the bundle's combined notices
    if event.action in {"request_correction", "complete"} and application.in_bundle:
        return
    from yiwang.core.notify import notify

    body = str(template).format(no=application.application_no, note=event.note, due=application.due_on or "")
    channels = ("portal", "sms") if event.action in _SMS_ACTIONS else ("portal",)
    recipients = {application.submitted_by, *([application.on_behalf_of] if application.on_behalf_of else [])}
    for user in recipients:
        if actor is not None and user.pk == actor.pk and event.action == "submit":
            channels = ("portal",)
        notify(
            user,
            str(application.item.name),
            body,
            url=reverse("applications:detail", args=[application.application_no]),
            channels=channels,
            dedupe_key=f"application:{application.pk}:event:{event.pk}",
            obj=application,
            fetch=False,
        )


def certificates_for_materials(
    item: ServiceItem, holder_id: str, materials: list[MaterialRequirement] | None = None
) -> dict[int, Certificate]:
    """免提交: for each material an e-certificate may satisfy, the applicant's valid certificate of that type."""
    rows = item.materials.all() if materials is None else materials
    wanted: dict[int, int] = {m.pk: m.certificate_type_id for m in rows if m.certificate_type_id}
    covering = intake.certificates_covering(holder_id, wanted.values())
    return {req: covering[t] for req, t in wanted.items() if t in covering}


def submit_application(
    item: ServiceItem,
    *,
    user: User,
    form_data: dict[str, Any],
    idempotency_key: str,
    uploads: dict[int, Any] | None = None,
    on_behalf_of: User | None = None,
    in_bundle: bool = False,
    channel: str = Channel.ONLINE,
    assisted_by: User | None = None,
) -> Application:
    """Submit an application; the same idempotency key from the same user returns the first application.

    ``channel`` records where it came in (网上办, 窗口办, 帮代办 …); ``assisted_by`` the window official or community
    worker who entered it for the applicant, whose own confirmation the caller has checked (``yiwang.channels``).

    With ``on_behalf_of`` the user is a delegate (授权代办): a delegation in force must cover the item, and the
    application is the principal's (their identity, their registry data), with both recorded.

    Fields bound to registry elements are taken from the registries (免填), whatever the form says; materials an
    e-certificate satisfies are attached by reference (免提交); other required materials must be uploaded.
    ``in_bundle`` marks a part of a one-thing bundle (一件事), whose applicant hears of it through the bundle.

    An item with 秒批 rules is decided in the same transaction: everything is read and computed first (the
    registry facts, the compiled rules, the deadlines, the stored files), then one short transaction stores the
    case already accepted, approved and completed (or waiting for a person with the unmet conditions noted), with
    its timeline, audit entries and notices. A crash leaves either nothing or the decided case.
    """
    bound = bound_elements(item.form_schema)  # 免填 fields: the registry's value counts, not what was sent
    digest = intake.request_digest(
        item=item.pk,
        form={k: v for k, v in form_data.items() if k not in bound},
        uploads=uploads or {},
        on_behalf_of=on_behalf_of.pk if on_behalf_of else None,
    )
    application, created = intake.submit_once(
        Application,
        user=user,
        idempotency_key=idempotency_key,
        digest=digest,
        create=None,
        prepare=lambda: _prepare(
            item,
            user=user,
            form_data=form_data,
            uploads=uploads or {},
            principal=on_behalf_of,
            in_bundle=in_bundle,
            digest=digest,
            channel=channel,
            assisted_by=assisted_by,
        ),
    )
    if created or not _awaits_auto_decision(application):
        return application
    # stored undecided (the rules could not be checked then, or by a version that decided after the commit):
    # the repeated key decides it now, so no submission is left waiting for a decision the platform would make
    if not transaction.get_connection().in_atomic_block:
        return auto_approve(application)
    transaction.on_commit(lambda: auto_approve(Application.objects.get(pk=application.pk)))
    return application


def _awaits_auto_decision(application: Application) -> bool:
    """Stored, still waiting, never decided, and its item decides by rules (秒批)."""
    return (
        application.state == State.SUBMITTED
        and application.auto_decision is None
        and not application.events.exclude(action="submit").exists()
        and bool((application.item.approval_rules or "").strip())
    )


def auto_approve(application: Application) -> Application:
    """秒批 of a case stored undecided: store the decision's explanation, then accept, approve and complete at once
    when the rules hold, else leave the case for a person with the unmet conditions noted."""
    try:
        decision = autoapproval.decide(application)
    except Exception:  # a broken rule must never lose the submission: the case simply goes to a person
        log.exception("auto-approval check failed for %s", application.application_no)
        return application
    if decision is None:
        return application
    with transaction.atomic():
        Application.objects.filter(pk=application.pk).update(auto_decision=decision.explanation)
        application.auto_decision = decision.explanation
        if not decision.approve:
            record_note(application, "auto_check", _unmet_note(decision))
            return Application.objects.get(pk=application.pk)
        try:
            with transaction.atomic():
                for action in _AUTO_STEPS:
                    application = act(application, action, actor=None, note=_AUTO_NOTE, system=True)
        except DomainError as exc:  # e.g. the result certificate could not be issued: a person takes over
            record_note(application, "auto_check", f"秒批未能完成（{exc.message}），转人工办理")
    return Application.objects.get(pk=application.pk)


_AUTO_STEPS = ("accept", "approve", "complete")
_AUTO_NOTE = "秒批：全部条件满足"


def _unmet_note(decision: autoapproval.AutoDecision) -> str:
    return f"秒批条件未全部满足，转人工办理：{'、'.join(decision.failed_conditions)}"


def _prepare(
    item: ServiceItem,
    *,
    user: User,
    form_data: dict[str, Any],
    uploads: dict[int, Any],
    principal: User | None,
    in_bundle: bool,
    digest: str,
    channel: str = Channel.ONLINE,
    assisted_by: User | None = None,
) -> Callable[[str], Application]:
    """Everything a submission reads and computes, before its transaction: checks, 免填, 免提交, the uploaded files
    (stored; removed again if the submission fails), the 秒批 decision and its deadlines. Returns what stores it."""
    if channel not in Channel.values:
        raise ValidationFailed(_("未知的办理渠道"), field="channel")
    if not item.is_published:
        raise Conflict(_("该事项未发布，暂不能申请"), field="item")
    applicant = principal or user
    if principal is not None and active_delegation(principal, user, item) is None:
        raise PermissionDenied(_("没有有效的授权，不能代其办理该事项"), field="on_behalf_of")
    if item.audience not in AUDIENCE_OF_KIND.get(applicant.kind, set()):
        raise PermissionDenied(_("您的账户类型不能申请该事项"), field="item")
    holder_id, holder_name = intake.applicant_identity(applicant)
    person, entity = applicant_records(applicant)
    filled = prefill(item.form_schema, applicant, records=(person, entity))
    data = {**form_data, **{name: p.value for name, p in filled.items()}}
    cleaned = clean_form_data(item.form_schema, data)
    materials = list(item.materials.all())
    by_certificate = certificates_for_materials(item, holder_id, materials)
    missing = [
        m.name for m in materials if m.requirement == "required" and m.pk not in by_certificate and m.pk not in uploads
    ]
    intake.require_materials(missing)
    stored = [_store_upload(materials, requirement_id, upload) for requirement_id, upload in uploads.items()]
    decision = autoapproval.decide_facts(item, holder_id, cleaned, person=person)
    today = timezone.localdate()
    clock = _clock(item, today) if decision is not None and decision.approve else {}
    # PostgreSQL: the number before the transaction (a sequence never rolls back anyway); SQLite: inside it
    number = numbers.application_number(item.division_id, today) if numbers.taken_before_transaction() else ""

    def store(key: str) -> Application:
        now = timezone.now()
        application = Application(
            application_no=number or numbers.application_number(item.division_id, timezone.localdate(now)),
            item=item,
            item_version=item.version,
            department_id=item.department_id,
            division_id=item.division_id,
            submitted_by=user,
            on_behalf_of=principal,
            applicant_id=holder_id,
            applicant_name=holder_name,
            idempotency_key=key,
            form_data=cleaned,
            prefilled_fields=sorted(filled),
            in_bundle=in_bundle,
            request_digest=digest,
            submitted_at=now,
            auto_decision=decision.explanation if decision is not None else None,
            channel=channel,
            assisted_by=assisted_by,
        )
        steps: list[tuple[str, str, str, User | None, str]] = [("submit", "", State.SUBMITTED, assisted_by or user, "")]
        if decision is not None and decision.approve:
            steps += _decide_at_once(application, clock)
        elif decision is not None:
            steps.append(("auto_check", State.SUBMITTED, State.SUBMITTED, None, _unmet_note(decision)))
        application.state = steps[-1][2]
        application.save(force_insert=True)
        SubmittedMaterial.objects.bulk_create(
            [
                SubmittedMaterial(application=application, requirement_id=r, certificate=c)
                for r, c in by_certificate.items()
            ]
            + [_attached(material, application) for material in stored]
        )
        _events(application, steps)
        return application

    return store


_calendar: dict[str, Any] = {"stamp": None, "days": None}


def _working_days() -> WorkingDays:
    """A :class:`WorkingDays` kept while the calendar is unchanged (one cheap aggregate instead of loading a year's
    365 rows for every submission); an official's edit of the calendar is seen by the next submission."""
    from django.db.models import Count, Max

    from yiwang.core.models import WorkCalendar

    stamp = WorkCalendar.objects.aggregate(changed=Max("updated_at"), days=Count("date"))
    key = (stamp["changed"], stamp["days"])
    if _calendar["stamp"] != key or _calendar["days"] is None:
        _calendar.update(stamp=key, days=WorkingDays())
    return _calendar["days"]


def _clock(item: ServiceItem, today: date) -> dict[str, Any]:
    days = _working_days()
    legal = item.legal_time_limit
    return {
        "accepted_on": today,
        "due_on": days.add_working_days(today, item.promised_time_limit),
        "legal_due_on": days.add_working_days(today, legal) if legal is not None else None,
    }


def _decide_at_once(application: Application, clock: dict[str, Any]) -> list[tuple[str, str, str, User | None, str]]:
    """秒批 in memory, inside the submission's transaction: accept (the clock), approve, complete (the result
    certificate, issued in a savepoint); the steps taken. If the result cannot be issued, a person takes over."""
    steps: list[tuple[str, str, str, User | None, str]] = []
    state: str = State.SUBMITTED
    for action in _AUTO_STEPS:
        transition = TRANSITIONS[action]
        assert state in transition.sources, (action, state)
        steps.append((action, state, transition.target, None, _AUTO_NOTE))
        state = transition.target
    for name, value in clock.items():
        setattr(application, name, value)
    if application.item.result_certificate_type_id is None:
        application.completed_at = timezone.now()
        return steps
    try:
        with transaction.atomic():
            _complete(application, _AUTO_NOTE, {"actor": None})
    except DomainError as exc:  # e.g. the result certificate could not be issued: a person takes over
        for name in (*clock, "completed_at", "result_certificate"):
            setattr(application, name, None)
        note = f"秒批未能完成（{exc.message}），转人工办理"
        return [("auto_check", State.SUBMITTED, State.SUBMITTED, None, note)]
    return steps


def _events(application: Application, steps: list[tuple[str, str, str, User | None, str]]) -> None:
    """The timeline, audit entries and notices of several steps at once (one insert each, one ledger append)."""
    # for whom the actor acted: the principal of a delegated case, the applicant of one a helper entered (帮代办)
    principal = application.on_behalf_of or (application.submitted_by if application.assisted_by_id else None)
    events = ApplicationEvent.objects.bulk_create(
        [
            ApplicationEvent(application=application, action=a, from_state=f, to_state=t, actor=actor, note=note)
            for a, f, t, actor, note in steps
        ]
    )
    for event, (_a, _f, _t, actor, _n) in zip(events, steps, strict=True):
        _tell_applicant(application, event, actor)
    # last: the ledger's chain is locked from this append to the commit
    audit.record_many(
        [
            {
                "action": f"application.{a}",
                "actor": actor,
                "on_behalf_of": principal.username if principal and actor and actor.pk != principal.pk else "",
                "obj": application,
                "reason": note,
                "data": {"no": application.application_no, "from": f, "to": t}
                | ({"channel": application.channel} if a == "submit" else {}),
            }
            for a, f, t, actor, note in steps
        ]
    )


def _store_upload(materials: list[MaterialRequirement], requirement_id: int, upload: Any) -> SubmittedMaterial:
    """An uploaded material checked and its file stored (before the transaction; removed if the submission fails)."""
    from yiwang.core.crypto import sm3_hex

    requirement = next((m for m in materials if m.pk == requirement_id), None)
    if requirement is None:
        raise ValidationFailed(_("材料不属于该事项"), field="materials")
    extension = intake.check_upload(
        upload,
        name=requirement.name,
        file_types=requirement.file_types,
        max_size_mb=requirement.max_size_mb,
        field=f"material_{requirement_id}",
    )
    content = upload.read()
    upload.seek(0)
    material = SubmittedMaterial(
        requirement=requirement, file_name=upload.name[:200], sm3=sm3_hex(content), size=upload.size
    )
    intake.store_file(material.file, extension, upload)
    return material


def _attached(material: SubmittedMaterial, application: Application) -> SubmittedMaterial:
    material.application = application
    return material


def record_note(application: Application, action: str, note: str) -> None:
    """A timeline entry that changes no state (e.g. the result of the 秒批 check)."""
    _event(application, action, application.state, None, note)


# --- the lifecycle -------------------------------------------------------------------------------------------------


def _check_actor(application: Application, action: str, actor: User) -> None:
    """The applicant (or their delegate) for the applicant's steps; else an official acting for the implementing
    department over the case's division with the role the step needs (``accounts.permissions.acts_for``)."""
    transition = TRANSITIONS[action]
    if transition.actor == Actor.APPLICANT:
        intake.require_applicant(application, actor)
        return
    require_acts_for(
        actor,
        application.department,
        division=application.division_id,
        roles=[transition.role] if transition.role else None,
        message=_("您无权办理该办件"),
    )


def _require(text: str, field: str, message: Any) -> str:
    if not (text or "").strip():
        raise ValidationFailed(message, field=field)
    return text.strip()


@transaction.atomic
def act(
    application: Application, action: str, *, actor: User | None, note: str = "", system: bool = False, **details: Any
) -> Application:
    """Take one step of the lifecycle (see ``lifecycle.TRANSITIONS``).

    ``system`` marks a step the platform takes itself (秒批), with no actor: only :func:`auto_approve` does this.
    """
    if action not in TRANSITIONS:
        raise ValidationFailed(_("未知的办理动作"), field="action")
    application = Application.objects.select_for_update(of=("self",)).select_related("item").get(pk=application.pk)
    transition = TRANSITIONS[action]
    if application.state not in transition.sources:
        raise Conflict(
            format_lazy(
                _("办件当前状态为“{state}”，不能{action}"),
                state=application.get_state_display(),
                action=transition.label,
            ),
            field="state",
        )
    if not system:
        if actor is None:
            raise PermissionDenied(_("请先登录"), field="actor")
        _check_actor(application, action, actor)
    before = application.state
    _EFFECTS.get(action, _no_effect)(application, note, {**details, "actor": actor})
    application.state = transition.target
    application.save()
    _event(application, action, before, actor, note)
    return application


def _no_effect(application: Application, note: str, details: dict[str, Any]) -> None:
    return None


def _start_clock(application: Application) -> None:
    days = WorkingDays()
    today = timezone.localdate()
    application.accepted_on = today
    application.due_on = days.add_working_days(today, application.item.promised_time_limit)
    legal = application.item.legal_time_limit
    application.legal_due_on = days.add_working_days(today, legal) if legal is not None else None


def _accept(application: Application, note: str, details: dict[str, Any]) -> None:
    _start_clock(application)


def _accept_with_deficiency(application: Application, note: str, details: dict[str, Any]) -> None:
    missing = [str(m) for m in details.get("deficiency") or [] if str(m).strip()]
    if not missing:
        raise ValidationFailed(_("容缺受理须列明容缺的材料"), field="deficiency")
    application.deficiency = missing
    _start_clock(application)


def _refuse(application: Application, note: str, details: dict[str, Any]) -> None:
    application.decision_reason = _require(note, "note", _("不予受理须说明理由"))


def _request_correction(application: Application, note: str, details: dict[str, Any]) -> None:
    items = [str(i).strip() for i in details.get("items") or [] if str(i).strip()]
    if not items:
        raise ValidationFailed(_("一次性告知须列明全部需要补正的内容"), field="items")
    application.correction_items = items


def _resubmit(application: Application, note: str, details: dict[str, Any]) -> None:
    changes = details.get("form_data") or {}
    locked = set(application.prefilled_fields)
    merged = {**application.form_data, **{k: v for k, v in changes.items() if k not in locked}}
    application.form_data = clean_form_data(application.item.form_schema, merged)
    application.correction_items = []


def _suspend(application: Application, note: str, details: dict[str, Any]) -> None:
    _require(note, "note", _("挂起须说明理由（如现场核查、专家评审、听证）"))
    application.paused_on = timezone.localdate()


def _resume(application: Application, note: str, details: dict[str, Any]) -> None:
    """The clock stopped while suspended: push both deadlines back by the working days spent suspended."""
    days = WorkingDays()
    paused = days.working_days_between(application.paused_on, timezone.localdate()) if application.paused_on else 0
    if paused > 0 and application.due_on:
        application.due_on = days.add_working_days(application.due_on, paused)
    if paused > 0 and application.legal_due_on:
        application.legal_due_on = days.add_working_days(application.legal_due_on, paused)
    application.paused_on = None


def _approve_on_commitment(application: Application, note: str, details: dict[str, Any]) -> None:
    application.commitment = True
    if application.accepted_on is None:
        _start_clock(application)


def _deny(application: Application, note: str, details: dict[str, Any]) -> None:
    application.decision_reason = _require(note, "note", _("不予许可须说明理由及法律依据"))


def _complete(application: Application, note: str, details: dict[str, Any]) -> None:
    application.completed_at = timezone.now()
    cert_type = application.item.result_certificate_type
    if cert_type is None:
        return
    from yiwang.certificates.services import issue_certificate

    content = details.get("certificate_content") or certificate_content(application, cert_type.schema)
    application.result_certificate = issue_certificate(
        automated=details["actor"] is None,
        cert_type=cert_type,
        holder_id=application.applicant_id,
        holder_name=application.applicant_name,
        content=content,
        department=application.department,
        actor=details["actor"],
    )


def certificate_content(application: Application, schema: dict[str, Any]) -> dict[str, Any]:
    """The result certificate's content, built from the application: a field of the same name, else the form field
    whose Chinese title matches (``住所`` ↔ ``住所``, ``名称`` ↔ ``企业名称``), else the applicant's name for a
    name field and the completion date for a date field. The issuing service validates the result."""
    form = application.form_data
    titles = {
        name: str(spec.get("title", ""))
        for name, spec in (application.item.form_schema.get("properties") or {}).items()
    }
    content: dict[str, Any] = {}
    for name, spec in (schema.get("properties") or {}).items():
        title = str(spec.get("title", ""))
        value = form.get(name)
        if value in (None, "") and title:
            match = next((f for f, t in titles.items() if t == title), None) or next(
                (f for f, t in titles.items() if t.endswith(title) or (title.endswith(t) and t)), None
            )
            value = form.get(match) if match else None
        if value in (None, "") and name in {"name", "operator_name", "holder_name"}:
            value = application.applicant_name
        if value in (None, "") and spec.get("format") == "date":
            value = timezone.localdate().isoformat()
        if value not in (None, ""):
            content[name] = str(value) if spec.get("type") == "string" else value
    return content


_EFFECTS = {
    "accept": _accept,
    "accept_with_deficiency": _accept_with_deficiency,
    "refuse": _refuse,
    "request_correction": _request_correction,
    "resubmit": _resubmit,
    "suspend": _suspend,
    "resume": _resume,
    "approve_on_commitment": _approve_on_commitment,
    "deny": _deny,
    "complete": _complete,
}
