"""Verifiable draws: snapshot and commitment, a named future randomness, the deterministic draw, re-draws.

The order is what makes the draw auditable (reference/regulation.md §2): the rosters, the plan and the algorithm
are frozen and hashed (the commitment is published) before the randomness exists; the randomness comes from a third
party (a future drand round, or a lottery result entered later, RFC 3797); the draw is a pure function of the frozen
inputs and the seed (``regulation.draw``), and anyone re-runs it with ``tools/verify_draw.py``; a re-draw never deletes,
it is a new draw linked to the old one with its reason.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import User
from yiwang.accounts.permissions import require_acts_for
from yiwang.core import audit
from yiwang.core.errors import Conflict, ValidationFailed
from yiwang.registries.credit import current_risk_class_expression
from yiwang.regulation import draw as engine
from yiwang.regulation.models import (
    Inspection,
    InspectionDraw,
    InspectionObject,
    InspectionPart,
    InspectionPlan,
    Inspector,
    ItemKind,
    Lead,
    PlanTask,
    RegulatoryItem,
)
from yiwang.regulation.services.plans import PLAN_ROLES, ratios_for

#: drand quicknet (reference/regulation.md §2): round r is published at GENESIS + (r - 1) × PERIOD seconds.
DRAND_QUICKNET_GENESIS = 1692803367
DRAND_QUICKNET_PERIOD = 3
UNRATED_CLASS = "B"  # an entity not yet classified is sampled as 一般 (B), the class of most entities
FILES = ("plan.json", "targets.tsv", "officers.tsv", "randomness.json", "result.json")


def beacon_round_time(round_no: int) -> datetime:
    return datetime.fromtimestamp(DRAND_QUICKNET_GENESIS + (round_no - 1) * DRAND_QUICKNET_PERIOD, tz=UTC)


def _task_kind(task: PlanTask) -> str:
    return ItemKind.KEY if any(i.kind == ItemKind.KEY for i in task.items.all()) else ItemKind.GENERAL


def _tasks(plan: InspectionPlan) -> list[PlanTask]:
    return list(plan.tasks.select_related("department").prefetch_related("items"))


def _frequency_limits(plan: InspectionPlan, tasks: list[PlanTask]) -> dict[str, int | None]:
    limits: dict[str, int | None] = {}
    for kind in {_task_kind(t) for t in tasks}:
        for klass, ratio in ratios_for(plan.year, plan.division, kind).items():
            if ratio.max_per_year is not None:
                current = limits.get(klass)
                limits[klass] = ratio.max_per_year if current is None else min(current, ratio.max_per_year)
            else:
                limits.setdefault(klass, None)
    return limits


def _target_lines(plan: InspectionPlan, tasks: list[PlanTask]) -> str:
    object_types = sorted({i.object_type for t in tasks for i in t.items.all()})
    objects = (
        InspectionObject.objects.filter(
            active=True, object_type__in=object_types, division__code__startswith=plan.division.prefix
        )
        .select_related("entity")
        .annotate(risk_class=current_risk_class_expression("entity"))
        .order_by("code")
    )
    limits = _frequency_limits(plan, tasks)
    done = Counter(
        dict(
            Inspection.objects.filter(year=plan.year, parts__active=True)
            .values_list("target_id")
            .annotate(n=Count("pk", distinct=True))
        )
    )
    with_leads = set(Lead.objects.filter(open=True).values_list("entity_id", flat=True))
    lines = []
    for obj in objects:
        klass = obj.risk_class or UNRATED_CLASS
        limit = limits.get(klass)
        excluded = limit is not None and done[obj.pk] >= limit and obj.entity_id not in with_leads
        keys = sorted(
            {
                engine.recusal_key("addr", obj.address or obj.entity.address),
                engine.recusal_key("addr", obj.entity.address),
                engine.recusal_key("person", str(obj.entity.legal_representative_id)),
                engine.recusal_key("entity", obj.entity.uscc),
            }
        )
        lines.append(f"{obj.code}\t{klass}\t{int(excluded)}\t{obj.entity.industry_id}\t{','.join(keys)}\n")
    return "".join(lines)


def officer_keys(inspector: Inspector) -> list[str]:
    """The recusal keys of an officer: his own address and person, and every declared relation."""
    keys = set()
    if inspector.person is not None:
        keys.add(engine.recusal_key("addr", inspector.person.address))
        keys.add(engine.recusal_key("person", str(inspector.person_id)))
    for relation in inspector.relations.all():
        if relation.person_id is not None:
            keys.add(engine.recusal_key("person", str(relation.person_id)))
        if relation.entity is not None:
            keys.add(engine.recusal_key("entity", relation.entity.uscc))
    return sorted(keys)


def _officer_lines(tasks: list[PlanTask]) -> str:
    departments = {t.department_id for t in tasks}
    inspectors = (
        Inspector.objects.filter(available=True, department_id__in=departments)
        .select_related("department", "person")
        .prefetch_related("qualifications", "relations__entity")
        .order_by("certificate_no")
    )
    lines = []
    for inspector in inspectors:
        items = ",".join(sorted(i.code for i in inspector.qualifications.all() if i.active))
        lines.append(
            f"{inspector.certificate_no}\t{inspector.department.code}\t{items}\t{','.join(officer_keys(inspector))}\n"
        )
    return "".join(lines)


def _plan_document(plan: InspectionPlan, tasks: list[PlanTask], number: str, source: str, reference: str) -> str:
    task_docs = []
    for task in tasks:
        kind = _task_kind(task)
        ratios = ratios_for(plan.year, plan.division, kind)
        task_docs.append(
            {
                "department": task.department.code,
                "items": [{"code": i.code, "kind": i.kind} for i in sorted(task.items.all(), key=lambda i: i.code)],
                "kind": kind,
                "ratios_bp": {c: ratios[c].ratio_bp for c in engine.CLASSES},
                "industries": list(task.industries),
            }
        )
    return engine.canonical_json(
        {
            "algorithm": engine.ALGORITHM,
            "draw": number,
            "plan": plan.code,
            "year": plan.year,
            "division": plan.division_id,
            "period": [plan.period_start.isoformat(), plan.period_end.isoformat()],
            "tasks": task_docs,
            "max_visits_per_officer": 0,
            "source": {"kind": source, "reference": reference},
        }
    )


def _check_source(source: str, reference: str, now: datetime) -> None:
    if source == InspectionDraw.Source.BEACON:
        try:
            round_no = int(reference)
        except ValueError:
            raise ValidationFailed(_("信标轮次应为整数"), field="source_reference") from None
        if beacon_round_time(round_no) <= now:
            raise ValidationFailed(_("信标轮次须在承诺公布之后产生（请选择未来的轮次）"), field="source_reference")
    elif source == InspectionDraw.Source.LOTTERY:
        if not reference.strip():
            raise ValidationFailed(_("请写明开奖的彩种与期号（须在承诺公布之后开奖）"), field="source_reference")
    else:
        raise ValidationFailed(_("未知的随机数来源"), field="source")


@transaction.atomic
def commit_draw(
    plan: InspectionPlan,
    *,
    actor: User,
    source: str,
    source_reference: str,
    redraw_of: InspectionDraw | None = None,
    reason: str = "",
) -> InspectionDraw:
    """Freeze both rosters and the plan, publish their commitment and name the future randomness source."""
    require_acts_for(actor, plan.lead_department, roles=PLAN_ROLES)
    now = timezone.now()
    _check_source(source, source_reference, now)
    if redraw_of is not None:
        if not reason.strip():
            raise ValidationFailed(_("重新抽取须说明原因"), field="reason")
        if redraw_of.plan_id != plan.pk or redraw_of.status == InspectionDraw.Status.SUPERSEDED:
            raise Conflict(_("只能对本计划现行的抽取重新抽取"), field="redraw_of")
    elif plan.draws.exclude(status=InspectionDraw.Status.SUPERSEDED).exists():
        raise Conflict(_("本计划已有抽取；如需重抽，请以重新抽取发起并说明原因"), field="plan")
    tasks = _tasks(plan)
    number = f"{plan.code}-D{plan.draws.count() + 1}"
    plan_json = _plan_document(plan, tasks, number, source, source_reference)
    targets, officers = _target_lines(plan, tasks), _officer_lines(tasks)
    draw = InspectionDraw.objects.create(
        number=number,
        plan=plan,
        algorithm=engine.ALGORITHM,
        plan_json=plan_json,
        targets_tsv=targets,
        officers_tsv=officers,
        commitment=engine.commitment_of(plan_json, targets, officers),
        source=source,
        source_reference=source_reference,
        redraw_of=redraw_of,
        redraw_reason=reason,
        committed_at=now,
        created_by=actor,
    )
    audit.record(
        "regulation.draw.commit",
        actor=actor,
        obj=draw,
        reason=reason,
        data={"commitment": draw.commitment, "source": source, "reference": source_reference},
    )
    return draw


def _inspection_code(draw: InspectionDraw, target: str) -> str:
    return "XZ" + engine.sm3_hex(f"{draw.number}:{target}".encode())[:14].upper()


def _materialise(draw: InspectionDraw, result: engine.DrawResult) -> int:
    plan = draw.plan
    objects = {o.code: o for o in InspectionObject.objects.filter(code__in=[v["target"] for v in result.visits])}
    items = {i.code: i for i in RegulatoryItem.objects.filter(department__in=[t.department for t in _tasks(plan)])}
    inspectors = {
        i.certificate_no: i
        for i in Inspector.objects.filter(certificate_no__in={o for v in result.visits for o in v["officers"]})
    }
    departments = {t.department.code: t.department for t in _tasks(plan)}
    made = 0
    for visit in result.visits:
        if visit["unstaffed"]:
            continue
        target = objects[visit["target"]]
        inspection = (
            Inspection.objects.filter(
                target=target,
                year=plan.year,
                status__in=[Inspection.Status.DRAWN, Inspection.Status.NOTIFIED],
                period_start__lte=plan.period_end,
                period_end__gte=plan.period_start,
            )
            .order_by("pk")
            .first()
        )
        if inspection is None:  # else: drawn by another department in the period, one joint visit (综合查一次)
            inspection = Inspection.objects.create(
                code=_inspection_code(draw, target.code),
                target=target,
                year=plan.year,
                period_start=plan.period_start,
                period_end=plan.period_end,
            )
        officers = [inspectors[c] for c in visit["officers"]]
        for part_doc in visit["parts"]:
            part = InspectionPart.objects.create(
                inspection=inspection, draw=draw, department=departments[part_doc["department"]]
            )
            part.items.set([items[c] for c in part_doc["items"]])
            part.officers.set([o for o in officers if o.department.code == part_doc["department"]] or officers)
        made += 1
    return made


@transaction.atomic
def perform_draw(draw: InspectionDraw, randomness: str, *, actor: User) -> InspectionDraw:
    """Enter the named randomness once it exists, derive the seed, run the draw and create the visits."""
    draw = InspectionDraw.objects.select_for_update().get(pk=draw.pk)
    require_acts_for(actor, draw.plan.lead_department, roles=PLAN_ROLES)
    if draw.status != InspectionDraw.Status.COMMITTED:
        raise Conflict(_("该抽取已完成，不能再次抽取"), field="randomness")
    try:
        canonical = engine.canonical_randomness(draw.source, randomness)
    except ValueError:
        raise ValidationFailed(
            _("随机数格式不正确：信标为十六进制；开奖结果每行一组号码"), field="randomness"
        ) from None
    if draw.source == InspectionDraw.Source.BEACON and beacon_round_time(int(draw.source_reference)) > timezone.now():
        raise Conflict(_("该信标轮次尚未产生，请到时再录入"), field="randomness")
    seed = engine.seed_of(draw.commitment, canonical)
    result = engine.run_draw(engine.DrawInput.from_files(draw.plan_json, draw.targets_tsv, draw.officers_tsv), seed)
    draw.randomness = randomness.strip()
    draw.seed = seed
    draw.result_json = result.canonical(draw.commitment, seed)
    draw.result_hash = engine.sm3_hex(draw.result_json.encode())
    draw.status = InspectionDraw.Status.DRAWN
    draw.drawn_at = timezone.now()
    draw.save()
    if draw.redraw_of_id is not None:
        old = InspectionDraw.objects.select_for_update().get(pk=draw.redraw_of_id)
        old.status = InspectionDraw.Status.SUPERSEDED
        old.save(update_fields=["status"])
        InspectionPart.objects.filter(draw=old).update(active=False)
    made = _materialise(draw, result)
    audit.record(
        "regulation.draw.perform",
        actor=actor,
        obj=draw,
        data={"seed": seed, "result_sm3": draw.result_hash, "visits": made, "redraw_of": draw.redraw_of_id},
    )
    return draw


def published_files(draw: InspectionDraw) -> dict[str, str]:
    """The files anyone downloads to re-run the draw with ``tools/verify_draw.py``."""
    randomness = {
        "commitment": draw.commitment,
        "source": draw.source,
        "reference": draw.source_reference,
        "value": draw.randomness,
    }
    return {
        "plan.json": draw.plan_json,
        "targets.tsv": draw.targets_tsv,
        "officers.tsv": draw.officers_tsv,
        "randomness.json": engine.canonical_json(randomness),
        "result.json": draw.result_json,
    }


def verify_files(files: dict[str, str]) -> list[str]:
    """Failed checks of published files (empty when they verify), with this engine (``yiwang draw verify``)."""
    failures = []
    randomness = engine.json.loads(files["randomness.json"])
    commitment = engine.commitment_of(files["plan.json"], files["targets.tsv"], files["officers.tsv"])
    if commitment != randomness.get("commitment"):
        failures.append(str(format_lazy(_("承诺值不符：文件的摘要为 {value}"), value=commitment)))
    seed = engine.seed_of(commitment, engine.canonical_randomness(randomness["source"], randomness["value"]))
    data = engine.DrawInput.from_files(files["plan.json"], files["targets.tsv"], files["officers.tsv"])
    if engine.run_draw(data, seed).canonical(commitment, seed) != files["result.json"].strip():
        failures.append(str(_("抽取结果不符：按种子重新抽取得到的名单与公布的不同")))
    return failures


def current_draws() -> Any:
    return InspectionDraw.objects.filter(~Q(status=InspectionDraw.Status.SUPERSEDED))
