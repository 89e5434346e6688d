"""The demo's 政务公开: policy documents with their articles linked to the demo policies and items, interpretations,
publication on time and overdue; last year's 民生实事 from proposals to delivery (now being rated), this year's
open for proposals with a low-rated project carried over; disclosure requests of the demo citizen; a hand-off.

Loaded from ``demo/data/disclosure/*.yaml`` through the operators' services. Idempotent: a city whose first
document exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from yiwang.accounts.models import Department, Division, RoleAssignment, User
from yiwang.accounts.roles import ensure_default_roles
from yiwang.catalog.models import ItemStatus, ServiceItem
from yiwang.demo.policies import YEAR as POLICY_YEAR
from yiwang.demo.seeding import DemoLogin, _login
from yiwang.disclosure.models import LivelihoodRound, PolicyDocument
from yiwang.disclosure.services import answers, documents, livelihood, requests
from yiwang.policies.models import Policy
from yiwang.registries.models import Person

DATA = Path(__file__).parent / "data" / "disclosure"
OFFICIAL = "demo-gongkai"


def _load(name: str) -> Any:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def _department(city_code: str, suffix: str) -> Department:
    return Department.objects.get(code=f"{city_code}-{suffix}")


def _official(city_code: str, suffixes: list[str]) -> tuple[DemoLogin, User]:
    organiser = _department(city_code, suffixes[0])
    login = _login(OFFICIAL, User.Kind.OFFICIAL, "公开办", f"工作人员（{organiser.name}，政务公开与民生实事）")
    user = User.objects.get(username=OFFICIAL)
    if user.department_id != organiser.pk:
        user.department = organiser
        user.save(update_fields=["department"])
    roles = ensure_default_roles()
    for suffix in suffixes:
        department = _department(city_code, suffix)
        for role in ("acceptor", "approver"):
            RoleAssignment.objects.get_or_create(
                user=user, role=roles[role], department=department, division_id=department.division_id
            )
    return login, user


def _item(name: str, city_code: str) -> ServiceItem | None:
    items = ServiceItem.objects.filter(name=name, status=ItemStatus.PUBLISHED)
    return items.filter(division_id=city_code).first() or items.order_by("division_id").first()


def ensure_demo_documents(city_code: str = "330100", today: dt.date | None = None) -> int:
    """The demo policy documents (idempotent by number); returns how many were created."""
    today = today or timezone.localdate()
    created = 0
    for spec in _load("documents.yaml"):
        if PolicyDocument.objects.filter(number=spec["number"]).exists():
            continue
        created += 1
        signed = today - dt.timedelta(days=spec["signed"])
        until = None
        if spec.get("valid_years"):
            until = signed.replace(year=signed.year + spec["valid_years"]) - dt.timedelta(days=1)
        doc = documents.create_document(
            actor=None,
            number=spec["number"],
            title=spec["title"],
            kind=spec["kind"],
            issuer=_department(city_code, spec["issuer"]),
            signed_on=signed,
            effective_from=signed,
            effective_until=until,
            body=spec["body"],
        )
        for label, link in (spec.get("links") or {}).items():
            clause = doc.clauses.get(label=label)
            policy = (
                Policy.objects.filter(code=f"HZ-{link['policy']}-{POLICY_YEAR}").first() if "policy" in link else None
            )
            item = _item(link["item"], city_code) if "item" in link else None
            if policy is not None or item is not None:
                documents.link_clause(clause, actor=None, policy=policy, item=item)
        if spec.get("published") is not None:
            on = signed + dt.timedelta(days=spec["published"])
            documents.publish_document(doc, actor=None, on=min(on, today))
            for interp in spec.get("interpretations") or []:
                documents.add_interpretation(doc, actor=None, on=min(on, today), **interp)
    return created


def _residents(city_code: str, count: int) -> list[User]:
    """Demo residents (adults of the city) with accounts that cannot log in: they propose and rate."""
    taken = set(User.objects.exclude(id_number_index=None).values_list("id_number_index", flat=True))
    people = (
        Person.objects.filter(division__code__startswith=city_code[:4], birth_date__year__lte=2004)
        .exclude(is_deceased=True)
        .exclude(id_number_index__in=taken)
        .order_by("pk")[:count]
    )
    users = []
    for n, person in enumerate(people, start=1):
        user, created = User.objects.get_or_create(
            username=f"demo-resident-{n:02d}",
            defaults={"kind": User.Kind.PERSON, "full_name": person.name, "id_number": person.id_number},
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        users.append(user)
    return users


def _ballots(votes: list[int], deputies: int, seats: int) -> list[list[int]]:
    """Ballots (indexes of candidates) giving each candidate its votes, no ballot over ``seats`` choices."""
    ballots: list[list[int]] = [[] for _ in range(deputies)]
    for index, n in enumerate(votes):
        for ballot in sorted(range(deputies), key=lambda b: (len(ballots[b]), b))[:n]:
            if len(ballots[ballot]) < seats:
                ballots[ballot].append(index)
    return ballots


def _last_year(spec: dict[str, Any], city: Division, organiser: Department, official: User, residents: list[User]):
    year = timezone.localdate().year
    round_ = livelihood.open_round(
        actor=official, year=year, division=city, organiser=organiser, title=spec["title"].format(year=year),
        seats=spec["seats"],
    )  # fmt: skip
    city_code = city.code
    for n, c in enumerate(spec["candidates"]):
        livelihood.submit_proposal(
            round_, proposer=residents[n], title=c["title"], body=c["summary"], idempotency_key=f"demo-{year}-{n}"
        )
    livelihood.advance_stage(round_, actor=official)
    candidates = list(round_.candidates.order_by("code"))
    for candidate in candidates:
        livelihood.record_comment(
            candidate, actor=official, member="王委员", stance="support", body="群众呼声高，建议列入"
        )
    livelihood.advance_stage(round_, actor=official)
    for candidate, c in zip(candidates, spec["candidates"], strict=True):
        livelihood.study_candidate(
            candidate, actor=official, feasible=True, note="经研究可行，纳入年度预算", cost=Decimal(c["cost"]),
            department=_department(city_code, c["department"]),
        )  # fmt: skip
    livelihood.advance_stage(round_, actor=official)
    ballots = _ballots([c["votes"] for c in spec["candidates"]], spec["deputies"], spec["seats"])
    for n, choice in enumerate(ballots, start=1):
        livelihood.cast_ballot(
            round_, actor=official, serial=f"{year}-{n:03d}", deputy=f"RD{n:03d}",
            choices=[candidates[i].code for i in choice],
        )  # fmt: skip
    livelihood.count_votes(round_, actor=official)
    livelihood.advance_stage(round_, actor=official)
    livelihood.launch_projects(round_, actor=official, starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 12, 31))
    raters = iter(residents[len(spec["candidates"]) :])
    for candidate, c in zip(candidates, spec["candidates"], strict=True):
        candidate.refresh_from_db()
        for score in c["ratings"] if candidate.chosen else []:
            livelihood.rate_delivery(
                candidate, rater=next(raters), score=score, comment="" if score > 2 else "进度偏慢"
            )
    livelihood.advance_stage(round_, actor=official)
    livelihood.publish_representativeness(round_, actor=official, epsilon=1.0)
    return round_


def _this_year(spec: dict[str, Any], previous: LivelihoodRound, official: User, residents: list[User]) -> None:
    year = previous.year + 1
    round_ = livelihood.open_round(
        actor=official, year=year, division=previous.division, organiser=previous.organiser,
        title=spec["title"].format(year=year), seats=spec["seats"], previous=previous,
    )  # fmt: skip
    for n, p in enumerate(spec["proposals"]):
        user = residents[-(n + 1)]
        livelihood.submit_proposal(
            round_, proposer=user, title=p["title"], body=p["body"], idempotency_key=f"demo-{year}-{n}"
        )


def _requests(city_code: str, official: User, today: dt.date) -> None:
    citizen = User.objects.filter(username="demo-citizen").first()
    if citizen is None:
        return
    department = _department(city_code, "SCJGJ")
    answered = requests.submit_request(
        requester=citizen, department=department, requester_name=citizen.full_name, contact="本人手机",
        description="本市2026年第三季度食品安全监督抽检结果", idempotency_key="demo-request-1",
        on=today - dt.timedelta(days=20),
    )  # fmt: skip
    reply = "该信息已主动公开，见市市场监管局网站“抽检信息”栏目。"
    requests.reply_request(answered, actor=official, outcome="already_public", reply=reply)
    requests.submit_request(
        requester=citizen, department=department, requester_name=citizen.full_name, contact="本人手机",
        description="西湖区某餐饮企业2025年度的行政处罚决定书", idempotency_key="demo-request-2",
    )  # fmt: skip


def ensure_demo_disclosure(*, city_code: str = "330100") -> list[DemoLogin]:
    """Load the demo's 政务公开 (idempotent); return the login of the official who runs it."""
    spec = _load("livelihood.yaml")
    studied = [c["department"] for c in spec["last_year"]["candidates"]]  # carried-over projects are studied again
    issuers = list(dict.fromkeys([spec["organiser"], *(d["issuer"] for d in _load("documents.yaml")), *studied]))
    with transaction.atomic():
        login, official = _official(city_code, issuers)
        first = _load("documents.yaml")[0]["number"]
        if PolicyDocument.objects.filter(number=first).exists():
            return [login]
        today = timezone.localdate()
        city = Division.objects.get(code=city_code)
        ensure_demo_documents(city_code, today)
        residents = _residents(city_code, 20)
        last = _last_year(spec["last_year"], city, _department(city_code, spec["organiser"]), official, residents)
        _this_year(spec["this_year"], last, official, residents)
        _requests(city_code, official, today)
    answers.ask("我家的狗走丢了怎么办", contact="13800000000")  # a hand-off waiting for a person
    return [login]


__all__ = ["OFFICIAL", "ensure_demo_disclosure", "ensure_demo_documents"]
