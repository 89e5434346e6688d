"""民生实事: 群众提、政协商、部门研、人大定、政府办、群众评, one round a year per division.

- 群众提: residents of the division propose; similar proposals join one candidate (cosine of jieba words).
- 政协商: CPPCC members' comments are recorded against candidates.
- 部门研: the responsible department states feasibility and cost; feasible candidates go on the ballot.
- 人大定: the people's congress votes with more candidates than seats (差额票决). Each deputy has one ballot,
  electronic or paper (imported from CSV); the tally is recomputed from the ballot rows and carries the SM3 of
  their canonical text, so anybody holding the ballots reproduces the count.
- 政府办: each chosen project becomes a tracked item of 督查 (category 民生实事) with its colours.
- 群众评: residents rate delivery 1–5, once each; projects rated below :data:`CARRY_BELOW` are carried into
  next year's list.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from decimal import Decimal
from typing import Any

import numpy as np
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from yiwang.accounts.models import Department, Division, User
from yiwang.accounts.permissions import require_acts_for, require_authenticated
from yiwang.core import audit
from yiwang.core.crypto import sm3_hex
from yiwang.core.errors import Conflict, PermissionDenied, ValidationFailed
from yiwang.disclosure.models import (
    Ballot,
    Candidate,
    ConsultationComment,
    DeliveryRating,
    LivelihoodRound,
    Proposal,
)
from yiwang.disclosure.text import cosine, terms
from yiwang.registries.models import Person
from yiwang.supervision.models import Item
from yiwang.supervision.services import create_item

__all__ = [
    "CARRY_BELOW",
    "GROUP_THRESHOLD",
    "advance_stage",
    "ballot_text",
    "cast_ballot",
    "count_votes",
    "import_paper_ballots",
    "launch_projects",
    "open_round",
    "publish_representativeness",
    "rate_delivery",
    "record_comment",
    "resident_of",
    "study_candidate",
    "submit_proposal",
    "tally_of",
]

Stage = LivelihoodRound.Stage
ORDER = [Stage.PROPOSING, Stage.CONSULTING, Stage.STUDYING, Stage.VOTING, Stage.DELIVERING, Stage.RATING, Stage.CLOSED]
#: A proposal joins the most similar candidate when their cosine similarity reaches this.
GROUP_THRESHOLD = 0.45
#: A delivered project rated below this average is carried into next year's list.
CARRY_BELOW = 3.5
#: Age bands of the representativeness view (years, inclusive lower bound).
AGE_BANDS = ((18, "18–34"), (35, "35–49"), (50, "50–64"), (65, "65+"))


def _fresh(candidate: Candidate) -> Candidate:
    """The candidate and its round as stored now (a caller's copy of the round may predate a stage change)."""
    return Candidate.objects.select_related("round").get(pk=candidate.pk)


def _organiser(actor: User, round_: LivelihoodRound) -> None:
    require_acts_for(actor, round_.organiser, message=_("只有组织单位的工作人员可以办理"))


def _require_stage(round_: LivelihoodRound, *stages: str) -> None:
    if round_.stage not in stages:
        labels = "、".join(str(Stage(s).label) for s in stages)
        raise Conflict(format_lazy(_("本年度民生实事当前不在“{stages}”阶段"), stages=labels), field="stage")


@transaction.atomic
def open_round(
    *,
    actor: User | None,
    year: int,
    division: Division,
    organiser: Department,
    title: str,
    seats: int,
    previous: LivelihoodRound | None = None,
) -> LivelihoodRound:
    """Open a year's round; projects of ``previous`` rated below :data:`CARRY_BELOW` come back as candidates."""
    if actor is not None:
        require_acts_for(actor, organiser, message=_("只有组织单位的工作人员可以办理"), field="organiser")
    if seats < 1:
        raise ValidationFailed(_("拟票决产生项目数至少为1"), field="seats")
    if LivelihoodRound.objects.filter(year=year, division=division).exists():
        raise Conflict(_("该区划本年度的民生实事已开始征集"), field="year")
    round_ = LivelihoodRound.objects.create(
        year=year, division=division, organiser=organiser, title=title.strip(), seats=seats, previous=previous
    )
    carried = 0
    if previous is not None:
        rated = previous.candidates.filter(chosen=True).annotate(avg=Avg("ratings__score"), n=Count("ratings"))
        for old in rated:
            if old.n and old.avg is not None and old.avg < CARRY_BELOW:
                Candidate.objects.create(
                    round=round_,
                    code=_candidate_code(round_),
                    title=old.title,
                    summary=str(
                        format_lazy(
                            _("（上年群众满意度 {avg:.1f}，继续办理）{summary}"), avg=old.avg, summary=old.summary
                        )
                    ),
                    department=old.department,
                    carried_from=old,
                )
                carried += 1
    audit.record("disclosure.livelihood.open", actor=actor, obj=round_, data={"year": year, "carried": carried})
    return round_


def _candidate_code(round_: LivelihoodRound) -> str:
    return f"MS{round_.year}-{round_.division_id}-{round_.candidates.count() + 1:03d}"


def resident_of(user: User, division: Division) -> Person:
    """The registry person of ``user``, who must live (户籍) in ``division``: only residents propose and rate."""
    require_authenticated(user)
    person = Person.objects.with_id_number(user.id_number).first() if user.id_number else None
    if person is None:
        raise PermissionDenied(_("请使用实名认证的个人账号"), field="proposer")
    if not division.contains(person.division_id):
        raise PermissionDenied(
            format_lazy(_("仅{division}的居民可以参与本年度民生实事"), division=division.name), field="division"
        )
    return person


def _group(round_: LivelihoodRound, words: list[str]) -> tuple[Candidate | None, float]:
    best, best_score = None, 0.0
    for candidate in round_.candidates.all():
        score = cosine(words, terms(f"{candidate.title} {candidate.title} {candidate.summary}"))
        if score > best_score:
            best, best_score = candidate, score
    return (best, best_score) if best_score >= GROUP_THRESHOLD else (None, best_score)


def submit_proposal(
    round_: LivelihoodRound, *, proposer: User, title: str, body: str, idempotency_key: str
) -> Proposal:
    """群众提: a resident's proposal, grouped with the most similar candidate or starting a new one."""
    existing = Proposal.objects.filter(proposer=proposer, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    round_ = LivelihoodRound.objects.get(pk=round_.pk)
    _require_stage(round_, Stage.PROPOSING)
    person = resident_of(proposer, round_.division)
    title, body = title.strip(), body.strip()
    if len(title) < 4:
        raise ValidationFailed(_("建议标题至少4个字"), field="title")
    if len(body) < 10:
        raise ValidationFailed(_("请具体说明建议内容（至少10个字）"), field="body")
    words = terms(f"{title} {title} {body}")
    try:
        with transaction.atomic():
            candidate, score = _group(round_, words)
            if candidate is None:
                candidate = Candidate.objects.create(
                    round=round_, code=_candidate_code(round_), title=title, summary=body, department=round_.organiser
                )
                score = 1.0
            proposal = Proposal.objects.create(
                round=round_,
                proposer=proposer,
                division_id=person.division_id,
                birth_year=person.birth_date.year,
                title=title,
                body=body,
                idempotency_key=idempotency_key,
                candidate=candidate,
                similarity=round(score, 3),
            )
            audit.record(
                "disclosure.livelihood.propose",
                actor=proposer,
                obj=proposal,
                data={"candidate": candidate.code, "similarity": proposal.similarity},
            )
    except IntegrityError:
        return Proposal.objects.get(proposer=proposer, idempotency_key=idempotency_key)
    return proposal


@transaction.atomic
def advance_stage(round_: LivelihoodRound, *, actor: User) -> LivelihoodRound:
    """Move to the next stage; the vote needs more feasible candidates than seats (差额)."""
    round_ = LivelihoodRound.objects.select_for_update().get(pk=round_.pk)
    _organiser(actor, round_)
    if round_.stage == Stage.CLOSED:
        raise Conflict(_("本年度民生实事已结束"), field="stage")
    following = ORDER[ORDER.index(Stage(round_.stage)) + 1]
    if following == Stage.CONSULTING and not round_.candidates.exists():
        raise Conflict(_("尚无候选项目，不能进入协商"), field="stage")
    if following == Stage.VOTING:
        pending = round_.candidates.filter(feasibility=Candidate.Feasibility.PENDING).count()
        if pending:
            raise Conflict(format_lazy(_("还有 {n} 个候选项目未完成部门研究"), n=pending), field="stage")
        on_ballot = round_.candidates.filter(feasibility=Candidate.Feasibility.FEASIBLE)
        if on_ballot.count() <= round_.seats:
            raise Conflict(format_lazy(_("差额票决须多于 {seats} 个可行候选项目"), seats=round_.seats), field="stage")
        on_ballot.update(on_ballot=True)
    if following == Stage.DELIVERING and not round_.tally:
        raise Conflict(_("尚未计票，不能进入实施"), field="stage")
    if following == Stage.RATING and not round_.candidates.filter(chosen=True, item__isnull=False).exists():
        raise Conflict(_("当选项目尚未转为督查事项"), field="stage")
    previous = round_.stage
    round_.stage = following
    round_.save(update_fields=["stage"])
    audit.record("disclosure.livelihood.stage", actor=actor, obj=round_, data={"from": previous, "to": following})
    return round_


@transaction.atomic
def record_comment(candidate: Candidate, *, actor: User, member: str, stance: str, body: str) -> ConsultationComment:
    """政协商: a CPPCC member's comment, recorded by the organiser from the consultation meeting."""
    candidate = _fresh(candidate)
    _organiser(actor, candidate.round)
    _require_stage(candidate.round, Stage.CONSULTING)
    if not member.strip():
        raise ValidationFailed(_("请填写政协委员姓名"), field="member")
    if stance not in {"support", "revise", "oppose"}:
        raise ValidationFailed(_("意见类型无效"), field="stance")
    if not body.strip():
        raise ValidationFailed(_("请填写协商意见"), field="body")
    comment = ConsultationComment.objects.create(
        candidate=candidate, member=member.strip(), stance=stance, body=body.strip(), recorded_by=actor
    )
    audit.record("disclosure.livelihood.comment", actor=actor, obj=candidate, data={"member": member, "stance": stance})
    return comment


@transaction.atomic
def study_candidate(
    candidate: Candidate,
    *,
    actor: User,
    feasible: bool,
    note: str,
    cost: Decimal | None = None,
    department: Department | None = None,
) -> Candidate:
    """部门研: the responsible department's feasibility and cost (the organiser may reassign the department)."""
    candidate = Candidate.objects.select_for_update().select_related("round").get(pk=candidate.pk)
    _require_stage(candidate.round, Stage.STUDYING)
    if department is not None and department != candidate.department:
        _organiser(actor, candidate.round)
        candidate.department = department
    else:
        require_acts_for(actor, candidate.department, message=_("只有责任单位的工作人员可以填写研究意见"))
    if not note.strip():
        raise ValidationFailed(_("请填写研究意见"), field="note")
    if feasible and (cost is None or cost <= 0):
        raise ValidationFailed(_("可行的项目须填写估算投资"), field="cost")
    candidate.feasibility = Candidate.Feasibility.FEASIBLE if feasible else Candidate.Feasibility.INFEASIBLE
    candidate.cost = cost
    candidate.study_note = note.strip()
    candidate.save(update_fields=["feasibility", "cost", "study_note", "department"])
    audit.record(
        "disclosure.livelihood.study",
        actor=actor,
        obj=candidate,
        data={"feasible": feasible, "cost": cost, "department": candidate.department.code},
    )
    return candidate


def _check_choices(round_: LivelihoodRound, choices: list[str]) -> str:
    """Why a ballot is invalid ('' when valid): only codes on the ballot, none twice, at most ``seats``."""
    on_ballot = set(round_.candidates.filter(on_ballot=True).values_list("code", flat=True))
    if len(set(choices)) != len(choices):
        return str(_("同一项目重复选择"))
    if not choices:
        return str(_("空白票"))
    if len(choices) > round_.seats:
        return str(format_lazy(_("赞成项目多于应选数 {seats}"), seats=round_.seats))
    unknown = [c for c in choices if c not in on_ballot]
    if unknown:
        return str(format_lazy(_("不在票决名单中：{codes}"), codes="、".join(unknown)))
    return ""


def _cast(round_: LivelihoodRound, *, actor: User, serial: str, deputy: str, choices: list[str], source: str) -> Ballot:
    serial, deputy = serial.strip(), deputy.strip()
    if not serial:
        raise ValidationFailed(_("请填写选票编号"), field="serial")
    if not deputy:
        raise ValidationFailed(_("请填写人大代表编号"), field="deputy")
    if round_.ballots.filter(serial=serial).exists():
        raise Conflict(format_lazy(_("选票编号 {serial} 已录入"), serial=serial), field="serial")
    if round_.ballots.filter(deputy=deputy).exists():
        raise Conflict(format_lazy(_("代表 {deputy} 已投票"), deputy=deputy), field="deputy")
    reason = _check_choices(round_, choices)
    return Ballot.objects.create(
        round=round_,
        serial=serial,
        deputy=deputy,
        source=source,
        choices=sorted(choices),
        valid=not reason,
        invalid_reason=reason,
        recorded_by=actor,
    )


@transaction.atomic
def cast_ballot(round_: LivelihoodRound, *, actor: User, serial: str, deputy: str, choices: list[str]) -> Ballot:
    """One electronic ballot, recorded by the congress's staff at the organiser; an invalid one is kept as invalid."""
    round_ = LivelihoodRound.objects.select_for_update().get(pk=round_.pk)
    _organiser(actor, round_)
    _require_stage(round_, Stage.VOTING)
    if round_.tally:
        raise Conflict(_("已计票，不能再录入选票"), field="stage")
    ballot = _cast(round_, actor=actor, serial=serial, deputy=deputy, choices=choices, source=Ballot.Source.ELECTRONIC)
    audit.record("disclosure.livelihood.ballot", actor=actor, obj=round_, data={"serial": ballot.serial})
    return ballot


def _split_codes(raw: str) -> list[str]:
    return [c for c in raw.replace(";", " ").replace("，", " ").replace(",", " ").split() if c]


@transaction.atomic
def import_paper_ballots(round_: LivelihoodRound, *, actor: User, file: io.TextIOBase | Any) -> int:
    """Paper ballots from a CSV (选票编号, 代表编号, 赞成的项目编号 separated by spaces); all rows or none."""
    round_ = LivelihoodRound.objects.select_for_update().get(pk=round_.pk)
    _organiser(actor, round_)
    _require_stage(round_, Stage.VOTING)
    if round_.tally:
        raise Conflict(_("已计票，不能再录入选票"), field="stage")
    raw = file.read()
    text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
    rows = list(csv.reader(io.StringIO(text)))
    if rows and rows[0] and rows[0][0].strip() in {"serial", "选票编号"}:
        rows = rows[1:]
    count = 0
    for line, row in enumerate(rows, start=1):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 3:
            raise ValidationFailed(
                format_lazy(_("第 {line} 行应有3列：选票编号、代表编号、赞成的项目编号"), line=line), field="file"
            )
        try:
            _cast(round_, actor=actor, serial=row[0], deputy=row[1], choices=_split_codes(row[2]), source="paper")
        except (ValidationFailed, Conflict) as exc:
            message = format_lazy(_("第 {line} 行：{error}"), line=line, error=exc.message)
            raise ValidationFailed(message, field="file") from exc
        count += 1
    if not count:
        raise ValidationFailed(_("文件中没有选票"), field="file")
    audit.record("disclosure.livelihood.ballots_import", actor=actor, obj=round_, data={"ballots": count})
    return count


def ballot_text(ballots: list[Ballot]) -> str:
    return "\n".join(f"{b.serial}|{b.deputy}|{' '.join(b.choices)}" for b in sorted(ballots, key=lambda b: b.serial))


def tally_of(round_: LivelihoodRound) -> dict[str, Any]:
    """The count recomputed from the ballot rows: votes per code, the chosen codes and the ballots' SM3.

    A code is chosen when it is among the ``seats`` highest and has more than half of the valid ballots (过半数);
    a tie across the cut-off is reported (``tie``) and needs a further vote, never a silent pick.
    """
    ballots = list(round_.ballots.all())
    valid = [b for b in ballots if b.valid]
    codes = list(round_.candidates.filter(on_ballot=True).order_by("code").values_list("code", flat=True))
    votes = Counter({code: 0 for code in codes})
    for ballot in valid:
        votes.update(ballot.choices)
    ranked = sorted(codes, key=lambda c: (-votes[c], c))
    majority = [c for c in ranked if votes[c] * 2 > len(valid)]
    chosen = majority[: round_.seats]
    tie = len(majority) > round_.seats and votes[majority[round_.seats]] == votes[majority[round_.seats - 1]]
    return {
        "ballots": len(ballots),
        "valid": len(valid),
        "invalid": len(ballots) - len(valid),
        "votes": dict(sorted(votes.items())),
        "chosen": [] if tie else chosen,
        "tie": tie,
        "ballots_sm3": sm3_hex(ballot_text(ballots).encode()),
    }


@transaction.atomic
def count_votes(round_: LivelihoodRound, *, actor: User) -> dict[str, Any]:
    """计票: store the tally and mark the chosen candidates; a tie at the cut-off is refused."""
    round_ = LivelihoodRound.objects.select_for_update().get(pk=round_.pk)
    _organiser(actor, round_)
    _require_stage(round_, Stage.VOTING)
    if round_.tally:
        raise Conflict(_("已计票"), field="stage")
    tally = tally_of(round_)
    if not tally["valid"]:
        raise Conflict(_("没有有效选票"), field="ballots")
    if tally["tie"]:
        raise Conflict(_("末位得票相同，须就并列项目再次表决"), field="ballots")
    for candidate in round_.candidates.filter(on_ballot=True):
        candidate.votes = tally["votes"][candidate.code]
        candidate.chosen = candidate.code in tally["chosen"]
        candidate.save(update_fields=["votes", "chosen"])
    round_.tally, round_.tally_sm3 = tally, tally["ballots_sm3"]
    round_.save(update_fields=["tally", "tally_sm3"])
    audit.record("disclosure.livelihood.count", actor=actor, obj=round_, data=tally)
    return tally


@transaction.atomic
def launch_projects(round_: LivelihoodRound, *, actor: User, starts_on: dt.date, ends_on: dt.date) -> list[Item]:
    """政府办: each chosen project becomes a tracked 民生实事 item (lead: the organiser; responsible: its unit)."""
    round_ = LivelihoodRound.objects.select_for_update().get(pk=round_.pk)
    _organiser(actor, round_)
    _require_stage(round_, Stage.DELIVERING)
    items = []
    for candidate in round_.candidates.filter(chosen=True, item__isnull=True).select_related("department"):
        item = create_item(
            actor=actor,
            code=candidate.code,
            name=candidate.title,
            category=Item.Category.LIVELIHOOD,
            division=round_.division,
            responsible=candidate.department,
            lead=round_.organiser,
            planned_total=candidate.cost or Decimal("0"),
            starts_on=starts_on,
            ends_on=ends_on,
        )
        candidate.item = item
        candidate.save(update_fields=["item"])
        items.append(item)
    if not items:
        raise Conflict(_("没有待转为督查事项的当选项目"), field="stage")
    audit.record("disclosure.livelihood.launch", actor=actor, obj=round_, data={"items": [i.code for i in items]})
    return items


def rate_delivery(candidate: Candidate, *, rater: User, score: int, comment: str = "") -> DeliveryRating:
    """群众评: a resident rates a delivered project once (1 很不满意 … 5 很满意)."""
    candidate = _fresh(candidate)
    _require_stage(candidate.round, Stage.DELIVERING, Stage.RATING)
    if not candidate.chosen:
        raise Conflict(_("只能评价当选的民生实事项目"), field="candidate")
    resident_of(rater, candidate.round.division)
    if score not in range(1, 6):
        raise ValidationFailed(_("满意度须为1至5"), field="score")
    if score <= 2 and not comment.strip():
        raise ValidationFailed(_("不满意的评价请写明原因"), field="comment")
    try:
        with transaction.atomic():
            rating = DeliveryRating.objects.create(
                candidate=candidate, rater=rater, score=score, comment=comment.strip()
            )
            audit.record("disclosure.livelihood.rate", actor=rater, obj=candidate, data={"score": score})
    except IntegrityError as exc:
        raise Conflict(_("您已评价过该项目"), field="score") from exc
    return rating


def _band(age: int) -> str | None:
    label = None
    for low, name in AGE_BANDS:
        if age >= low:
            label = name
    return label


def _laplace(
    counts: dict[tuple[str, str], int], epsilon: float, rng: np.random.Generator
) -> dict[tuple[str, str], int]:
    # One person counts in one cell (distinct people), so the L1 sensitivity of the histogram is 1.
    return {key: max(0, round(n + rng.laplace(0.0, 1.0 / epsilon))) for key, n in counts.items()}


@transaction.atomic
def publish_representativeness(round_: LivelihoodRound, *, actor: User, epsilon: float = 1.0) -> dict[str, Any]:
    """Proposers and raters against the population by district and age band, with Laplace noise (ε per histogram).

    Released once and stored: showing a fresh noisy draw on every view would let repeated views average the
    noise away.
    """
    round_ = LivelihoodRound.objects.select_for_update().get(pk=round_.pk)
    _organiser(actor, round_)
    if not 0.05 <= epsilon <= 10:
        raise ValidationFailed(_("隐私预算 ε 须在 0.05 至 10 之间"), field="epsilon")
    year = round_.year
    districts = dict(
        Division.objects.filter(parent_id=round_.division_id, level=Division.Level.COUNTY).values_list("code", "name")
    )
    if round_.division.level >= Division.Level.COUNTY:
        districts = {round_.division_id[:6]: round_.division.name}

    def cells(rows: Any) -> dict[tuple[str, str], int]:
        out: Counter[tuple[str, str]] = Counter()
        for division_code, birth_year in rows:
            band = _band(year - birth_year)
            if band and division_code[:6] in districts:
                out[(division_code[:6], band)] += 1
        return dict(out)

    proposers = {p: (d, y) for p, d, y in round_.proposals.values_list("proposer_id", "division_id", "birth_year")}
    raters = set(DeliveryRating.objects.filter(candidate__round=round_).values_list("rater_id", flat=True))
    rater_rows = []
    for user in User.objects.filter(pk__in=raters):
        person = Person.objects.with_id_number(user.id_number).first() if user.id_number else None
        if person is not None:
            rater_rows.append((person.division_id, person.birth_date.year))
    population = Person.objects.filter(division__code__startswith=round_.division.prefix).values_list(
        "division_id", "birth_date__year"
    )
    rng = np.random.default_rng()
    keys = [(d, band) for d in districts for _low, band in AGE_BANDS]
    noisy = {
        name: _laplace({k: counts.get(k, 0) for k in keys}, epsilon, rng)
        for name, counts in (("proposers", cells(proposers.values())), ("raters", cells(rater_rows)))
    }
    population_cells = cells(population)  # the registry's published totals: no noise needed
    rows = [
        {
            "district": districts[d],
            "band": band,
            "population": population_cells.get((d, band), 0),
            "proposers": noisy["proposers"][(d, band)],
            "raters": noisy["raters"][(d, band)],
        }
        for d, band in keys
    ]
    release = {"epsilon": epsilon, "released_at": timezone.now().isoformat(), "rows": rows}
    round_.representativeness = release
    round_.save(update_fields=["representativeness"])
    audit.record("disclosure.livelihood.representativeness", actor=actor, obj=round_, data={"epsilon": epsilon})
    return release
